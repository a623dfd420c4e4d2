using System.Net.Sockets;

namespace Paydesk.Tests.Notifications;

/// <summary>
/// A loopback port on which nothing listens — a connection is refused, as by an SMTP server that
/// is down — until <see cref="ForwardTo"/>, after which each connection is relayed to another port:
/// the server has come back, at the same address.
/// </summary>
public sealed class LatePort : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private TcpListener? _listener;
    private Task _relaying = Task.CompletedTask;

    public LatePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public int Port { get; }

    public void ForwardTo(int target)
    {
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Start();
        _relaying = AcceptAsync(_listener, target);
    }

    private async Task AcceptAsync(TcpListener listener, int target)
    {
        var connections = new List<Task>();
        try
        {
            while (true)
            {
                var client = await listener.AcceptTcpClientAsync(_stop.Token);
                connections.Add(RelayAsync(client, target));
            }
        }
        catch (OperationCanceledException)
        {
        }
        await Task.WhenAll(connections);
    }

    private async Task RelayAsync(TcpClient client, int target)
    {
        using (client)
        using (var server = new TcpClient())
        {
            try
            {
                await server.ConnectAsync(IPAddress.Loopback, target, _stop.Token);
                var up = client.GetStream().CopyToAsync(server.GetStream(), _stop.Token);
                var down = server.GetStream().CopyToAsync(client.GetStream(), _stop.Token);
                await Task.WhenAny(up, down); // either side hanging up ends the conversation
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener?.Stop();
        await _relaying;
        _stop.Dispose();
    }
}
