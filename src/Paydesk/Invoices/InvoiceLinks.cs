using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Paydesk.Payments;

namespace Paydesk.Invoices;

/// <summary>
/// Links to the printable invoice that open without an API key, for an email or a customer's
/// browser: <c>{public URL}/invoices/{id}?t={token}</c>. The token is what grants access; without
/// the right one the page answers 404, as for an invoice that does not exist.
/// </summary>
/// <remarks>
/// The token is the tenant and invoice id sealed by ASP.NET Core Data Protection under the purpose
/// <see cref="Purpose"/> (authenticated encryption: AES-256-CBC with an HMAC-SHA256 tag, keyed by
/// the application's key ring), so it cannot be forged or moved to another invoice, and it stays
/// valid while its key is in the ring, also after the key is rotated. The ring is Paydesk's one
/// ring (<see cref="Storage.KeyRing"/>), which processes sharing a database share too, so a link
/// made by one opens on another.
/// </remarks>
public sealed class InvoiceLinks(IDataProtectionProvider protection, IOptions<PaymentOptions> payments, IServer server, ILogger<InvoiceLinks> log)
{
    public const string Purpose = "invoice-links";

    private readonly IDataProtector _protector = protection.CreateProtector(Purpose);
    private Uri? _publicUrl;

    /// <summary>The signed, absolute link to the invoice's page.</summary>
    public Uri UrlFor(string tenantId, string invoiceId) =>
        // Relative to the public URL, so a path it has (https://example.com/billing/) is kept.
        new(PublicUrl, $"invoices/{Uri.EscapeDataString(invoiceId)}?t={TokenFor(tenantId, invoiceId)}");

    public string TokenFor(string tenantId, string invoiceId) =>
        WebEncoders.Base64UrlEncode(_protector.Protect(Encoding.UTF8.GetBytes($"{tenantId}/{invoiceId}")));

    /// <summary>The tenant of <paramref name="invoiceId"/> when <paramref name="token"/> was made for it; null otherwise.</summary>
    public string? TenantOf(string invoiceId, string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 1024) return null;
        string sealedFor;
        try
        {
            sealedFor = Encoding.UTF8.GetString(_protector.Unprotect(WebEncoders.Base64UrlDecode(token)));
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            return null;
        }
        var slash = sealedFor.IndexOf('/');
        return slash > 0 && sealedFor[(slash + 1)..] == invoiceId ? sealedFor[..slash] : null;
    }

    /// <summary>
    /// Where people reach Paydesk: <c>Payments:PublicUrl</c> when set (the address providers
    /// and customers use), else the first address this process listens on, https first. A wildcard
    /// host (<c>+</c>, <c>*</c>, <c>0.0.0.0</c>, <c>[::]</c>) becomes <c>localhost</c>, with a
    /// warning: such a link only opens on this machine.
    /// </summary>
    public Uri PublicUrl => _publicUrl ?? ResolvePublicUrl();

    private Uri ResolvePublicUrl()
    {
        if (payments.Value.PublicUrl is { Length: > 0 } configured)
        {
            if (Uri.TryCreate(configured, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http")
                return _publicUrl = new Uri(uri.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/");
            throw new InvalidOperationException($"Payments:PublicUrl '{configured}' is not an absolute http(s) URL.");
        }

        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var listening = addresses.FirstOrDefault(a => a.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault();
        if (listening is null)
        {
            // Not kept: once the server has started it names its address.
            log.LogWarning("Payments:PublicUrl is not set and the server names no address yet; invoice links point at {PublicUrl}", "http://localhost/");
            return new Uri("http://localhost/");
        }
        var binding = BindingAddress.Parse(listening);
        var host = binding.Host is "+" or "*" or "0.0.0.0" or "[::]" or "::" ? "localhost" : binding.Host;
        var url = new UriBuilder(binding.Scheme, host, binding.Port, binding.PathBase + "/").Uri;
        if (host != binding.Host)
            log.LogWarning("Payments:PublicUrl is not set and Paydesk listens on {Listening}; invoice links in emails point at {PublicUrl}, " +
                "which opens only on this machine. Set Payments:PublicUrl to the address customers use.", listening, url);
        return _publicUrl = url;
    }
}
