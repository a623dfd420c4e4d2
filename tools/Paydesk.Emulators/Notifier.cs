using System.Collections.Concurrent;
using System.Text;
using System.Threading.Channels;

namespace Paydesk.Emulators;

/// <summary>One notification owed to a merchant: where, what, and the answer that counts as taken.</summary>
/// <param name="ExpectedAnswer">The body that counts as taken; empty: any 2xx does (Stripe).</param>
public sealed record Notification(string Provider, string Url, string Body, string ContentType, string ExpectedAnswer, TimeSpan Delay)
{
    /// <summary>Headers sent with it (Stripe's signature).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
}

/// <summary>What became of one notification: the answers the merchant gave, the last one first.</summary>
public sealed record Delivered(Notification Notification, bool Taken, int Attempts, string? LastAnswer);

/// <summary>
/// Sends notifications the way providers do: later, over HTTP, again and again until the merchant
/// answers exactly what the provider's documentation asks (T-Bank: <c>OK</c>), on a schedule
/// compressed from hours to seconds.
/// </summary>
public sealed class Notifier(IHttpClientFactory http, TimeProvider time, ILogger<Notifier> log) : BackgroundService
{
    private readonly Channel<Notification> _queue = Channel.CreateUnbounded<Notification>();
    private readonly ConcurrentQueue<Delivered> _done = new();
    private int _owed;

    /// <summary>How long to wait before each retry; T-Bank waits an hour, the emulator seconds.</summary>
    public TimeSpan[] Retries { get; set; } = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10)];

    /// <summary>Notifications queued and not yet taken nor given up on.</summary>
    public int Owed => Volatile.Read(ref _owed);

    /// <summary>Every notification finished with, in the order they finished.</summary>
    public IReadOnlyList<Delivered> Done => [.. _done];

    public void Send(Notification notification)
    {
        Interlocked.Increment(ref _owed);
        if (!_queue.Writer.TryWrite(notification)) Interlocked.Decrement(ref _owed);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var notification in _queue.Reader.ReadAllAsync(stoppingToken))
            _ = DeliverAsync(notification, stoppingToken);
    }

    private async Task DeliverAsync(Notification n, CancellationToken ct)
    {
        var attempts = 0;
        string? answer = null;
        var taken = false;
        try
        {
            if (n.Delay > TimeSpan.Zero) await Task.Delay(n.Delay, time, ct);
            for (; ; )
            {
                attempts++;
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, n.Url) { Content = new StringContent(n.Body, Encoding.UTF8, n.ContentType) };
                    foreach (var (name, value) in n.Headers) request.Headers.TryAddWithoutValidation(name, value);
                    using var response = await http.CreateClient(nameof(Notifier)).SendAsync(request, ct);
                    answer = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}";
                    taken = response.IsSuccessStatusCode && (n.ExpectedAnswer == "" || (await response.Content.ReadAsStringAsync(ct)) == n.ExpectedAnswer);
                }
                catch (HttpRequestException e)
                {
                    answer = e.Message;
                }
                if (taken) return;
                log.LogInformation("{Provider} notification to {Url} not taken (attempt {Attempt}): {Answer}", n.Provider, n.Url, attempts, answer);
                if (attempts > Retries.Length) return;
                await Task.Delay(Retries[attempts - 1], time, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            _done.Enqueue(new Delivered(n, taken, attempts, answer));
            Interlocked.Decrement(ref _owed);
        }
    }
}
