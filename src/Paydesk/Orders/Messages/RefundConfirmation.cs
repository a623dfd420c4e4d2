using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Paydesk.Notifications.Email;
using static Paydesk.Notifications.Email.EmailHtml;
using Paydesk.Api.Pages;
using Paydesk.Entitlements;
using Paydesk.Invoices;
using Paydesk.Orders;
using Paydesk.Payments;
using Paydesk.Storage;

namespace Paydesk.Orders.Messages;

/// <summary>
/// The email that tells a customer money went back to them: how much, for what, and — when the
/// order was refunded in full — what is no longer active. Enqueued in the transaction that records
/// the refund (<see cref="OrderPurpose"/>), whoever decided it: the merchant, Paydesk (a second
/// payment for an order already paid), or a person in the provider's dashboard.
/// </summary>
public sealed class RefundConfirmation(Notifications.Outbox.Outbox outbox, SignedLinks links)
{
    public static string EventKey(string refundId) => $"refund:{refundId}";

    /// <param name="creditNote">The credit note the refund issued (none for a payment never invoiced); the email links to it.</param>
    /// <param name="revoked">What the refund ended (a full refund of the payment that paid the order); empty otherwise.</param>
    /// <param name="duplicate">The refunded payment was a second one for an order another payment had paid.</param>
    public async Task<bool> EnqueueAsync(
        PaydeskDb db, Order order, Refund refund, CreditNote? creditNote, IReadOnlyList<Entitlement> revoked, bool duplicate, CancellationToken ct)
    {
        var customer = await db.Customers.AsNoTracking().FirstAsync(c => c.Id == order.CustomerId, ct);
        if (string.IsNullOrWhiteSpace(customer.Email)) return false;
        var tenant = await db.Tenants.AsNoTracking().FirstAsync(t => t.Id == order.TenantId, ct);
        // An invoice issued in this very transaction is numbered as it commits (PostgreSQL): the email names the order instead.
        var invoice = await db.Invoices.AsNoTracking().Where(i => i.SourceKind == OrderPurpose.SourceKind && i.SourceId == order.Id && i.Sequence > 0)
            .Select(i => i.Number).FirstOrDefaultAsync(ct);
        (string, Uri)? note = creditNote is null ? null : (creditNote.Number, links.UrlFor(LinkKind.CreditNote, order.TenantId, creditNote.Id));
        var culture = Languages.Culture(customer.Locale);
        var names = await EntitlementWords.NamesAsync(db, revoked, ct);
        var ended = revoked.Select(e => Ended(e, EntitlementWords.NameOf(e, names), culture)).ToList();
        var content = Compose(tenant.Name, customer.Name, culture, order, invoice, refund, note, ended, duplicate);
        return await outbox.EnqueueAsync(db, EventKey(refund.Id), customer.Email, customer.Name, content.Subject, content.Text, content.Html, ct);
    }

    /// <summary>What an entitlement the refund ended was, in words: "Telerehab", "Physiotherapy session: 10 of 10 sessions".</summary>
    private static string Ended(Entitlement e, string? name, CultureInfo culture)
    {
        var words = EntitlementWords.All.For(culture);
        return e.Kind switch
        {
            EntitlementKind.Access => name ?? e.FeatureKey ?? "",
            EntitlementKind.Badge => words.Badge(name ?? e.FeatureKey ?? ""),
            EntitlementKind.Sessions => (name is null ? "" : name + ": ") +
                RefundConfirmationWords.All.For(culture).SessionsOf((e.SessionsTotal ?? 0) - e.SessionsUsed, e.SessionsTotal ?? 0, culture),
            EntitlementKind.Tokens => words.Tokens(e.Tokens ?? 0, culture),
            _ => e.Kind.ToString(),
        };
    }

    internal static MessageContent Compose(
        string tenantName, string customerName, CultureInfo culture, Order order, string? invoice, Refund refund, (string Number, Uri Url)? creditNote,
        IReadOnlyList<string> revoked, bool duplicate)
    {
        var w = RefundConfirmationWords.All.For(culture);
        var hello = MessageWords.All.For(culture).Hello(customerName);
        var amount = Display.Amount(refund.AmountMinor, refund.Currency, culture);
        var reference = invoice ?? MessageWords.All.For(culture).Order(order.Id);
        var subject = w.Subject(amount, reference);
        var what = duplicate ? w.Duplicate(tenantName, reference, amount) : w.Refunded(tenantName, amount, reference);
        var how = w.HowBack;
        var after = duplicate ? null
            : revoked.Count > 0 ? w.NoLongerActive
            : w.StaysActive;

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{hello}\n\n{what}\n{how}\n");
        if (after is not null) text.Append(CultureInfo.InvariantCulture, $"\n{after}\n");
        foreach (var item in revoked) text.Append(CultureInfo.InvariantCulture, $"  - {item}\n");
        if (creditNote is { } cn) text.Append(CultureInfo.InvariantCulture, $"\n{w.CreditNoteReady(cn.Number)}\n{cn.Url.AbsoluteUri}\n");
        text.Append(CultureInfo.InvariantCulture, $"\n{tenantName}\n");

        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<p>{E(hello)}</p><p>{E(what)}</p><p>{E(how)}</p>");
        if (after is not null) html.Append(CultureInfo.InvariantCulture, $"<p>{E(after)}</p>");
        if (revoked.Count > 0)
        {
            html.Append("<ul>");
            foreach (var item in revoked) html.Append(CultureInfo.InvariantCulture, $"<li>{E(item)}</li>");
            html.Append("</ul>");
        }
        if (creditNote is { } link)
            html.Append(CultureInfo.InvariantCulture, $"<p><a href=\"{E(link.Url.AbsoluteUri)}\">{E(w.ViewCreditNote(link.Number))}</a></p>");
        html.Append(CultureInfo.InvariantCulture, $"<p>{E(tenantName)}</p>");
        return Message(culture, subject, text.ToString(), html.ToString());
    }
}
