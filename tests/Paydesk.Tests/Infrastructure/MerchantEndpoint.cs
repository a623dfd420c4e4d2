using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Paydesk.Tests.Infrastructure;

/// <summary>
/// A merchant's notification address on a free port of 127.0.0.1, for testing an emulator on its
/// own: records every POST to <c>{Url}{path}</c> (body and headers), refuses the first
/// <c>refuseFirst</c> with a 500, then answers with <c>answer</c> (the body the provider expects).
/// </summary>
public sealed class MerchantEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _refuse;

    private MerchantEndpoint(WebApplication app, string url, int refuseFirst) => (_app, Url, _refuse) = (app, url, refuseFirst);

    /// <summary>The address, ending in a slash.</summary>
    public string Url { get; }

    public ConcurrentQueue<(string Body, IReadOnlyDictionary<string, string> Headers)> Received { get; } = new();

    public static async Task<MerchantEndpoint> StartAsync(int refuseFirst, Func<string, string> answer)
    {
        var app = WebApplication.CreateSlimBuilder(["--urls=http://127.0.0.1:0"]).Build();
        MerchantEndpoint? endpoint = null;
        app.MapPost("/{**path}", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync();
            endpoint!.Received.Enqueue((body, http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
            return Interlocked.Decrement(ref endpoint._refuse) >= 0 ? Results.StatusCode(500) : Results.Text(answer(body));
        });
        await app.StartAsync();
        endpoint = new MerchantEndpoint(app, app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/", refuseFirst);
        return endpoint;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
