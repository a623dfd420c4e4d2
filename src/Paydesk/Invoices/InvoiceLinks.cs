using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
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
public sealed class InvoiceLinks(IDataProtectionProvider protection, PublicAddress address)
{
    public const string Purpose = "invoice-links";

    private readonly IDataProtector _protector = protection.CreateProtector(Purpose);

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

    /// <summary>Where people reach Paydesk (<see cref="PublicAddress"/>).</summary>
    public Uri PublicUrl => address.Url;
}
