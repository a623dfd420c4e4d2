using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Api.Pages;
using Paydesk.Core;
using Paydesk.Entitlements;
using Paydesk.Invoices;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Orders.Pages;

/// <summary>What the buyer's return page shows, read once per request.</summary>
public sealed record PaymentReturnView(
    string PaymentId, string Outcome, CultureInfo Culture, PaymentReturnWords Words, string Merchant,
    string Heading, string Text, bool Waiting, IReadOnlyList<(string Description, string Amount)> Lines, string Total,
    IReadOnlyList<string> Active, Uri? InvoiceUrl, Uri? PayAgainUrl, string? BackUrl);

/// <summary>
/// <c>/pay/{paymentId}/success</c> and <c>/canceled</c>: where a provider sends the buyer back.
/// These pages only read: arriving here proves nothing, so nothing is marked paid — only a
/// verified notification (or the reconciler) does that. The page names the merchant, sums up
/// the order and follows it (htmx, every two seconds) until it is active, declined or canceled.
/// </summary>
internal static class PaymentReturn
{
    public static void MapPaymentReturnPages(this WebApplication app)
    {
        app.MapGet("/pay/{paymentId}/{outcome}", async (string paymentId, string outcome, string? back, PaydeskDb db, SignedLinks links, HttpContext http, CancellationToken ct) =>
            await LoadAsync(paymentId, outcome, back, db, links, ct) is { } view
                ? HtmlPages.Page<PaymentReturnPage>(http, new { View = view })
                : Results.NotFound()).ExcludeFromDescription();

        app.MapGet("/pay/{paymentId}/{outcome}/status", async (string paymentId, string outcome, string? back, PaydeskDb db, SignedLinks links, HttpContext http, CancellationToken ct) =>
            await LoadAsync(paymentId, outcome, back, db, links, ct) is { } view
                ? HtmlPages.Page<PaymentReturnStatus>(http, new { View = view })
                : Results.NotFound()).ExcludeFromDescription();
    }

    private static async Task<PaymentReturnView?> LoadAsync(string paymentId, string outcome, string? back, PaydeskDb db, SignedLinks links, CancellationToken ct)
    {
        if (outcome is not ("success" or "canceled")) return null;
        // No API key here: the payment's id names its tenant, and the page reads as that tenant's staff would.
        if (await Installation.TenantOfPaymentAsync(db, paymentId, ct) is not { } tenantId) return null;
        db.Tenant.Set(tenantId, Role.Staff);
        var payment = await db.Payments.AsNoTracking().FirstOrDefaultAsync(p => p.Id == paymentId, ct);
        if (payment is null) return null;
        var tenant = await db.Tenants.AsNoTracking().FirstAsync(t => t.Id == tenantId, ct);
        var customer = await db.Customers.AsNoTracking().FirstOrDefaultAsync(c => c.Id == payment.CustomerId, ct);
        var culture = Languages.Culture(customer?.Locale);
        var zone = Display.Zone(customer?.TimeZone, tenant.TimeZone);
        var w = PaymentReturnWords.All.For(culture);
        string Money(long minor) => Display.Amount(minor, payment.Currency, culture);

        Order? order = null;
        if (payment.Purpose.StartsWith(OrderPurpose.Prefix, StringComparison.Ordinal))
        {
            var orderId = payment.Purpose[OrderPurpose.Prefix.Length..];
            order = await db.Orders.AsNoTracking().Include(o => o.Lines).FirstOrDefaultAsync(o => o.Id == orderId, ct);
        }

        var lines = order?.Lines.OrderBy(l => l.Position)
            .Select(l => (l.Quantity == 1 ? l.DescriptionIn(culture) : $"{l.Quantity.ToString("N0", culture)} × {l.DescriptionIn(culture)}",
                l.Kind == OrderLineKind.BundledProduct && l.AmountMinor == 0 ? w.Included : Money(l.AmountMinor)))
            .ToList() ?? [];

        List<string> active = [];
        Uri? invoiceUrl = null;
        var paidByThis = order is not null && order.PaidByPaymentId == payment.Id;
        if (paidByThis && order!.Status is OrderStatus.Fulfilled or OrderStatus.PartiallyRefunded)
        {
            var source = OrderPurpose.SourceOf(order);
            var granted = await db.Entitlements.AsNoTracking()
                .Where(e => e.SourceKind == source.Kind && e.SourceId == source.Id && e.Status == EntitlementStatus.Active)
                .ToListAsync(ct);
            var names = await EntitlementWords.NamesAsync(db, granted, ct);
            var position = order.Lines.ToDictionary(l => l.Id, l => l.Position);
            active = granted.OrderBy(e => position.GetValueOrDefault(e.SourceLineId))
                .Select(e => EntitlementWords.Describe(e, EntitlementWords.NameOf(e, names), zone, culture, order.FulfilledAt))
                .ToList();
            var invoice = await db.Invoices.AsNoTracking().FirstOrDefaultAsync(i => i.SourceKind == source.Kind && i.SourceId == source.Id, ct);
            if (invoice is not null) invoiceUrl = links.UrlFor(LinkKind.Invoice, tenantId, invoice.Id);
        }

        var canRetry = order is { Status: OrderStatus.AwaitingPayment };
        var (heading, text, waiting, retry) = payment.Status switch
        {
            PaymentStatus.Refunded => (w.Refunded, w.RefundedText, false, false),
            PaymentStatus.PartiallyRefunded => (w.PartlyRefunded, w.PartlyRefundedText(Money(payment.RefundedMinor)), false, false),
            // Nothing was due (a free trial's card, a new card for a subscription): the card was kept, not a payment made.
            PaymentStatus.Succeeded when payment.AmountMinor == 0 && (order is null || order.Status is OrderStatus.Fulfilled) => (w.CardKept, w.CardKeptText, false, false),
            PaymentStatus.Succeeded when order is null || order.Status is OrderStatus.Fulfilled => (w.Received, w.ReceivedText, false, false),
            PaymentStatus.Succeeded when order.FulfilmentError is not null => (w.Activating, w.ActivationDelayedText, true, false),
            PaymentStatus.Succeeded => (w.Activating, w.ActivatingText, true, false),
            PaymentStatus.Failed => (w.Declined, w.DeclinedText, false, canRetry),
            PaymentStatus.Canceled => (w.NotCompleted, w.CanceledText, false, canRetry),
            PaymentStatus.Expired => (w.NotCompleted, w.ExpiredText, false, canRetry),
            // The buyer came back by the cancel address, and the provider has not said so yet.
            _ when outcome == "canceled" => (w.NotCompleted, w.CanceledText, true, canRetry),
            _ => (w.Confirming, w.ConfirmingText, true, false),
        };

        return new PaymentReturnView(
            payment.Id, outcome, culture, w, tenant.Name, heading, text, waiting, lines, Money(payment.AmountMinor),
            active, invoiceUrl, retry ? links.UrlFor(LinkKind.OrderPayment, tenantId, order!.Id) : null,
            PageLanguage.IsLocal(back) ? back : null);
    }
}
