using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Paydesk.Notifications.Email;
using static Paydesk.Notifications.Email.EmailHtml;
using NodaTime;
using Paydesk.Customers;
using Paydesk.Entitlements;
using Paydesk.Invoices;
using Paydesk.Orders;
using Paydesk.Storage;

namespace Paydesk.Orders.Messages;

/// <summary>
/// The email that tells a customer their payment arrived: what they bought, what is active now and
/// until when, and a link to the printable invoice. <see cref="FulfilOrder"/> enqueues it in the
/// transaction that marks the order fulfilled, so it goes out exactly when the purchase took effect.
/// </summary>
/// <remarks>
/// Messages are written here, apart from the commands that send them, and read the parts they tell
/// of (orders, invoices, entitlements); the outbox and the senders beneath them know none of that.
/// </remarks>
public sealed class PaymentConfirmation(Notifications.Outbox.Outbox outbox, SignedLinks links)
{
    public static string EventKey(string orderId) => $"order-fulfilled:{orderId}";

    /// <summary>
    /// Enqueues the confirmation of <paramref name="order"/> into <paramref name="db"/>, to be saved
    /// with the fulfilment. Reads the order's entitlements from the database and those added to the
    /// context but not yet saved. Nothing for a customer without an email, nor a second time.
    /// </summary>
    /// <returns>Whether a message was added.</returns>
    public async Task<bool> EnqueueAsync(PaydeskDb db, Order order, Customer customer, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(customer.Email)) return false;

        var tenant = await db.Tenants.AsNoTracking().FirstAsync(t => t.Id == order.TenantId, ct);
        var source = OrderPurpose.SourceOf(order);
        var invoice = await db.Invoices.AsNoTracking().FirstOrDefaultAsync(i => i.SourceKind == source.Kind && i.SourceId == source.Id, ct);
        await db.Entitlements.Where(e => e.SourceKind == source.Kind && e.SourceId == source.Id).LoadAsync(ct);
        var granted = db.Entitlements.Local.Where(e => e.Source == source).ToList();
        var featureKeys = granted.Select(e => e.FeatureKey).OfType<string>().Distinct().ToList();
        var features = await db.Features.AsNoTracking().Where(f => featureKeys.Contains(f.Key)).ToDictionaryAsync(f => f.Key, f => f.Name, ct);
        var serviceIds = granted.Select(e => e.ServiceId).OfType<string>().Distinct().ToList();
        var services = await db.Services.AsNoTracking().Where(s => serviceIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Name, ct);

        var content = Compose(new Facts(
            tenant.Name, customer.Name, Display.Culture(customer.Locale), Display.Zone(customer.TimeZone, tenant.TimeZone),
            order, invoice, invoice is null ? null : links.UrlFor(LinkKind.Invoice, invoice.TenantId, invoice.Id), granted, features, services));
        return await outbox.EnqueueAsync(db, EventKey(order.Id), customer.Email, customer.Name, content.Subject, content.Text, content.Html, ct);
    }

    /// <summary>What the message tells: read by <see cref="EnqueueAsync"/>, written by <see cref="Compose"/>.</summary>
    internal sealed record Facts(
        string TenantName, string CustomerName, CultureInfo Culture, DateTimeZone Zone, Order Order, Invoice? Invoice, Uri? InvoiceUrl,
        IReadOnlyList<Entitlement> Granted, IReadOnlyDictionary<string, string> FeatureNames, IReadOnlyDictionary<string, string> ServiceNames);

    internal static MessageContent Compose(Facts facts)
    {
        var (tenantName, customerName, culture, zone, order, invoice, invoiceUrl, _, _, _) = facts;
        string Money(long minor) => Display.Amount(minor, order.Currency, culture);
        string Date(DateTimeOffset at) => Display.Date(at, zone, culture);

        var reference = invoice is null ? $"order {order.Id}" : invoice.Number;
        var subject = $"Payment received — {reference}";
        var lines = order.Lines.OrderBy(l => l.Position)
            .Select(l => (
                Label: l.Quantity == 1 ? l.Description : $"{l.Quantity.ToString("N0", culture)} × {l.Description}",
                Price: l.Kind == OrderLineKind.BundledProduct && l.AmountMinor == 0 ? "included"
                    : l.Quantity == 1 ? Money(l.AmountMinor) : $"{Money(l.AmountMinor)} ({Money(l.UnitAmountMinor)} each)"))
            .ToList();
        var total = Money(order.TotalMinor);
        var active = Activations(facts, Date);

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Hello {customerName},\n\n");
        text.Append(CultureInfo.InvariantCulture, $"Thank you: {tenantName} has received your payment of {total}.\n\n");
        text.Append(invoice is null ? "What you bought:\n" : $"Invoice {invoice.Number}, {Date(invoice.IssuedAt)}:\n");
        foreach (var (description, price) in lines)
            text.Append(CultureInfo.InvariantCulture, $"  - {description}: {price}\n");
        text.Append(CultureInfo.InvariantCulture, $"  Total: {total}\n");
        if (active.Count > 0)
        {
            text.Append("\nActive now:\n");
            foreach (var item in active) text.Append(CultureInfo.InvariantCulture, $"  - {item}\n");
        }
        if (invoiceUrl is not null)
            text.Append(CultureInfo.InvariantCulture, $"\nYour invoice, ready to print:\n{invoiceUrl.AbsoluteUri}\n");
        text.Append(CultureInfo.InvariantCulture, $"\n{tenantName}\n");

        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<p>Hello {E(customerName)},</p>");
        html.Append(CultureInfo.InvariantCulture, $"<p>Thank you: {E(tenantName)} has received your payment of <strong>{E(total)}</strong>.</p>");
        html.Append(CultureInfo.InvariantCulture, $"<p style=\"margin-bottom:.3em\"><strong>{E(invoice is null ? "What you bought" : $"Invoice {invoice.Number}")}</strong>");
        if (invoice is not null) html.Append(CultureInfo.InvariantCulture, $", {E(Date(invoice.IssuedAt))}");
        html.Append("</p><table style=\"border-collapse:collapse\" cellpadding=\"4\">");
        foreach (var (description, price) in lines)
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(description)}</td><td style=\"text-align:right\">{E(price)}</td></tr>");
        html.Append(CultureInfo.InvariantCulture, $"<tr><td style=\"border-top:1px solid #1f2933\"><strong>Total</strong></td><td style=\"text-align:right;border-top:1px solid #1f2933\"><strong>{E(total)}</strong></td></tr></table>");
        if (active.Count > 0)
        {
            html.Append("<p style=\"margin-bottom:.3em\"><strong>Active now</strong></p><ul style=\"margin-top:0\">");
            foreach (var item in active) html.Append(CultureInfo.InvariantCulture, $"<li>{E(item)}</li>");
            html.Append("</ul>");
        }
        if (invoiceUrl is not null)
            html.Append(CultureInfo.InvariantCulture, $"<p><a href=\"{E(invoiceUrl.AbsoluteUri)}\">View and print your invoice</a></p>");
        html.Append(CultureInfo.InvariantCulture, $"<p>{E(tenantName)}</p>");

        return Message(culture, subject, text.ToString(), html.ToString());
    }

    /// <summary>One sentence for each thing the purchase made active or will deliver, in the order of the lines.</summary>
    private static List<string> Activations(Facts facts, Func<DateTimeOffset, string> date)
    {
        var order = facts.Order;
        var position = order.Lines.ToDictionary(l => l.Id, l => l.Position);
        var items = new List<(int Position, string Text)>();
        foreach (var e in facts.Granted)
        {
            var feature = e.FeatureKey is null ? null : facts.FeatureNames.GetValueOrDefault(e.FeatureKey, e.FeatureKey);
            // Bought again while still active: the new term starts later than today.
            var from = e.StartsAt > (order.FulfilledAt ?? e.CreatedAt) ? $" from {date(e.StartsAt)}" : "";
            var until = e.EndsAt is { } end ? $" until {date(end)}" : "";
            var text = e.Kind switch
            {
                EntitlementKind.Access => $"{feature}{from}{until}",
                EntitlementKind.Badge => $"{feature} (badge){from}{until}",
                EntitlementKind.Sessions => $"{(e.ServiceId is null ? "" : facts.ServiceNames.GetValueOrDefault(e.ServiceId, "Sessions") + ": ")}" +
                    $"{Sessions(e.SessionsTotal ?? 0, facts.Culture)}{(e.EndsAt is { } useBy ? $", use by {date(useBy)}" : "")}",
                EntitlementKind.Tokens => $"{(e.Tokens ?? 0).ToString("N0", facts.Culture)} tokens",
                _ => e.Kind.ToString(),
            };
            items.Add((position.GetValueOrDefault(e.SourceLineId), text));
        }
        foreach (var line in order.Lines.Where(l => l.Kind is OrderLineKind.BundledProduct or OrderLineKind.Product))
            items.Add((line.Position, $"{(line.Quantity == 1 ? "" : $"{line.Quantity.ToString("N0", facts.Culture)} × ")}{line.Description}: will be shipped"));
        return items.OrderBy(i => i.Position).Select(i => i.Text).ToList();
    }

    private static string Sessions(int count, CultureInfo culture) =>
        count == 1 ? "1 session" : $"{count.ToString("N0", culture)} sessions";
}
