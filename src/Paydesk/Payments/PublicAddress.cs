using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Paydesk.Payments;

/// <summary>
/// Where people and providers reach Paydesk — the base of notification URLs, return pages and the
/// links in emails: <c>Payments:PublicUrl</c> when set, else the first address this process
/// listens on, https first. Never a request's <c>Host</c> header: a client could name any host
/// there, and a provider would then be told to send its signed notifications to it.
/// </summary>
/// <remarks>
/// A wildcard host (<c>+</c>, <c>*</c>, <c>0.0.0.0</c>, <c>[::]</c>) becomes <c>localhost</c>, with
/// a warning: such a link only opens on this machine.
/// </remarks>
public sealed class PublicAddress(IOptions<PaymentOptions> payments, IServer server, ILogger<PublicAddress> log)
{
    private Uri? _resolved;

    /// <summary>The base URL, ending in a slash; a path it has (https://example.com/billing/) is kept.</summary>
    public Uri Url => _resolved ?? Resolve();

    private Uri Resolve()
    {
        if (payments.Value.PublicUrl is { Length: > 0 } configured)
        {
            if (Uri.TryCreate(configured, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http")
                return _resolved = new Uri(uri.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/");
            throw new InvalidOperationException($"Payments:PublicUrl '{configured}' is not an absolute http(s) URL.");
        }

        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var listening = addresses.FirstOrDefault(a => a.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault();
        if (listening is null)
        {
            // Not kept: once the server has started it names its address.
            log.LogWarning("Payments:PublicUrl is not set and the server names no address yet; links point at {PublicUrl}", "http://localhost/");
            return new Uri("http://localhost/");
        }
        var binding = BindingAddress.Parse(listening);
        var host = binding.Host is "+" or "*" or "0.0.0.0" or "[::]" or "::" ? "localhost" : binding.Host;
        var url = new UriBuilder(binding.Scheme, host, binding.Port, binding.PathBase + "/").Uri;
        if (host != binding.Host)
            log.LogWarning("Payments:PublicUrl is not set and Paydesk listens on {Listening}; notification URLs, return pages and links in " +
                "emails point at {PublicUrl}, which opens only on this machine. Set Payments:PublicUrl to the address customers use.", listening, url);
        return _resolved = url;
    }
}
