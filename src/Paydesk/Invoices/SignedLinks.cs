using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Paydesk.Payments;

namespace Paydesk.Invoices;

/// <summary>What a signed link opens; each kind is sealed under a purpose of its own.</summary>
public enum LinkKind
{
    /// <summary>The printable invoice, <c>/invoices/{id}</c>.</summary>
    Invoice,
    /// <summary>The printable credit note, <c>/credit-notes/{id}</c>.</summary>
    CreditNote,
    /// <summary>The page that pays an order again after a payment failed, <c>/orders/{id}/pay</c>.</summary>
    OrderPayment,
    /// <summary>The page that pays a subscription's unpaid period by hand, <c>/subscriptions/periods/{id}/pay</c>.</summary>
    PeriodPayment,
}

/// <summary>
/// Links that open without an API key, for an email or a customer's browser:
/// <c>{public URL}/invoices/{id}?t={token}</c>. The token is what grants access; without the right
/// one the page answers 404, as for a document that does not exist.
/// </summary>
/// <remarks>
/// The token is the tenant and the id sealed by ASP.NET Core Data Protection under a purpose of the
/// link's kind (authenticated encryption: AES-256-CBC with an HMAC-SHA256 tag, keyed by the
/// application's key ring), so it cannot be forged, moved to another document, or used to open
/// another kind of page (an invoice's link never pays an order), and it stays valid while its key
/// is in the ring, also after the key is rotated. The ring is Paydesk's one ring
/// (<see cref="Storage.KeyRing"/>), which processes sharing a database share too, so a link made by
/// one opens on another.
/// </remarks>
public sealed class SignedLinks(IDataProtectionProvider protection, PublicAddress address)
{
    // The invoice purpose is the one links sent before credit notes existed were sealed under.
    private readonly IDataProtector _invoices = protection.CreateProtector("invoice-links");
    private readonly IDataProtector _creditNotes = protection.CreateProtector("credit-note-links");
    private readonly IDataProtector _orderPayments = protection.CreateProtector("order-payment-links");
    private readonly IDataProtector _periodPayments = protection.CreateProtector("period-payment-links");

    /// <summary>The signed, absolute link to the page of <paramref name="id"/>.</summary>
    public Uri UrlFor(LinkKind kind, string tenantId, string id)
    {
        var escaped = Uri.EscapeDataString(id);
        var path = kind switch
        {
            LinkKind.Invoice => $"invoices/{escaped}",
            LinkKind.CreditNote => $"credit-notes/{escaped}",
            LinkKind.OrderPayment => $"orders/{escaped}/pay",
            LinkKind.PeriodPayment => $"subscriptions/periods/{escaped}/pay",
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        // Relative to the public URL, so a path it has (https://example.com/billing/) is kept.
        return new(PublicUrl, $"{path}?t={TokenFor(kind, tenantId, id)}");
    }

    public string TokenFor(LinkKind kind, string tenantId, string id) =>
        WebEncoders.Base64UrlEncode(Protector(kind).Protect(Encoding.UTF8.GetBytes($"{tenantId}/{id}")));

    /// <summary>The tenant of <paramref name="id"/> when <paramref name="token"/> was made for it and this kind of page; null otherwise.</summary>
    public string? TenantOf(LinkKind kind, string id, string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 1024) return null;
        string sealedFor;
        try
        {
            sealedFor = Encoding.UTF8.GetString(Protector(kind).Unprotect(WebEncoders.Base64UrlDecode(token)));
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            return null;
        }
        var slash = sealedFor.IndexOf('/');
        return slash > 0 && sealedFor[(slash + 1)..] == id ? sealedFor[..slash] : null;
    }

    /// <summary>Where people reach Paydesk (<see cref="PublicAddress"/>).</summary>
    public Uri PublicUrl => address.Url;

    private IDataProtector Protector(LinkKind kind) => kind switch
    {
        LinkKind.Invoice => _invoices,
        LinkKind.CreditNote => _creditNotes,
        LinkKind.OrderPayment => _orderPayments,
        LinkKind.PeriodPayment => _periodPayments,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
