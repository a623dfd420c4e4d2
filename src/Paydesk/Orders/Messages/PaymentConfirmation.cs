using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Paydesk.Api.Pages;
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

        var content = Compose(new Facts(
            tenant.Name, customer.Name, Languages.Culture(customer.Locale), Display.Zone(customer.TimeZone, tenant.TimeZone),
            order, invoice, invoice is null ? null : links.UrlFor(LinkKind.Invoice, invoice.TenantId, invoice.Id),
            granted, await EntitlementWords.NamesAsync(db, granted, ct)));
        return await outbox.EnqueueAsync(db, EventKey(order.Id), customer.Email, customer.Name, content.Subject, content.Text, content.Html, ct);
    }

    /// <summary>What the message tells: read by <see cref="EnqueueAsync"/>, written by <see cref="Compose"/>.</summary>
    /// <param name="Names">The names of the granted entitlements' features and services (<see cref="EntitlementWords.NamesAsync"/>).</param>
    internal sealed record Facts(
        string TenantName, string CustomerName, CultureInfo Culture, DateTimeZone Zone, Order Order, Invoice? Invoice, Uri? InvoiceUrl,
        IReadOnlyList<Entitlement> Granted, IReadOnlyDictionary<string, string> Names);

    internal static MessageContent Compose(Facts facts)
    {
        var (tenantName, customerName, culture, zone, order, invoice, invoiceUrl, _, _) = facts;
        var w = PaymentConfirmationWords.All.For(culture);
        var hello = MessageWords.All.For(culture).Hello(customerName);
        string Money(long minor) => Display.Amount(minor, order.Currency, culture);
        string Date(DateTimeOffset at) => Display.Date(at, zone, culture);

        var subject = w.Subject(invoice?.Number ?? MessageWords.All.For(culture).Order(order.Id));
        var lines = order.Lines.OrderBy(l => l.Position)
            .Select(l => (
                Label: Counted(l.Quantity, l.DescriptionIn(culture), culture),
                Price: l.Kind == OrderLineKind.BundledProduct && l.AmountMinor == 0 ? w.Included
                    : l.Quantity == 1 ? Money(l.AmountMinor) : w.Each(Money(l.AmountMinor), Money(l.UnitAmountMinor))))
            .ToList();
        var total = Money(order.TotalMinor);
        var active = Activations(facts, w);

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{hello}\n\n");
        text.Append(CultureInfo.InvariantCulture, $"{w.Thanks(tenantName, total)}\n\n");
        text.Append(invoice is null ? $"{w.WhatYouBought}:\n" : $"{w.Invoice(invoice.Number)}, {Date(invoice.IssuedAt)}:\n");
        foreach (var (description, price) in lines)
            text.Append(CultureInfo.InvariantCulture, $"  - {description}: {price}\n");
        text.Append(CultureInfo.InvariantCulture, $"  {w.Total}: {total}\n");
        if (active.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n{w.ActiveNow}:\n");
            foreach (var item in active) text.Append(CultureInfo.InvariantCulture, $"  - {item}\n");
        }
        if (invoiceUrl is not null)
            text.Append(CultureInfo.InvariantCulture, $"\n{w.InvoiceReady}\n{invoiceUrl.AbsoluteUri}\n");
        text.Append(CultureInfo.InvariantCulture, $"\n{tenantName}\n");

        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<p>{E(hello)}</p>");
        html.Append(CultureInfo.InvariantCulture, $"<p>{w.Thanks(E(tenantName), $"<strong>{E(total)}</strong>")}</p>");
        html.Append(CultureInfo.InvariantCulture, $"<p style=\"margin-bottom:.3em\"><strong>{E(invoice is null ? w.WhatYouBought : w.Invoice(invoice.Number))}</strong>");
        if (invoice is not null) html.Append(CultureInfo.InvariantCulture, $", {E(Date(invoice.IssuedAt))}");
        html.Append("</p><table style=\"border-collapse:collapse\" cellpadding=\"4\">");
        foreach (var (description, price) in lines)
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(description)}</td><td style=\"text-align:right\">{E(price)}</td></tr>");
        html.Append(CultureInfo.InvariantCulture, $"<tr><td style=\"border-top:1px solid #1f2933\"><strong>{E(w.Total)}</strong></td><td style=\"text-align:right;border-top:1px solid #1f2933\"><strong>{E(total)}</strong></td></tr></table>");
        if (active.Count > 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p style=\"margin-bottom:.3em\"><strong>{E(w.ActiveNow)}</strong></p><ul style=\"margin-top:0\">");
            foreach (var item in active) html.Append(CultureInfo.InvariantCulture, $"<li>{E(item)}</li>");
            html.Append("</ul>");
        }
        if (invoiceUrl is not null)
            html.Append(CultureInfo.InvariantCulture, $"<p><a href=\"{E(invoiceUrl.AbsoluteUri)}\">{E(w.ViewInvoice)}</a></p>");
        html.Append(CultureInfo.InvariantCulture, $"<p>{E(tenantName)}</p>");

        return Message(culture, subject, text.ToString(), html.ToString());
    }

    /// <summary>
    /// One sentence for each thing the purchase made active or will deliver, in the order of the
    /// lines: sessions and tokens as every page tells them (<see cref="EntitlementWords.Describe"/>),
    /// a term by its name and its dates.
    /// </summary>
    private static List<string> Activations(Facts facts, PaymentConfirmationWords w)
    {
        var (culture, zone, order) = (facts.Culture, facts.Zone, facts.Order);
        var words = EntitlementWords.All.For(culture);
        string Date(DateTimeOffset at) => Display.Date(at, zone, culture);
        var startedBy = order.FulfilledAt;
        var position = order.Lines.ToDictionary(l => l.Id, l => l.Position);
        var items = new List<(int Position, string Text)>();
        foreach (var e in facts.Granted)
        {
            var name = EntitlementWords.NameOf(e, facts.Names);
            string text;
            if (e.Kind is EntitlementKind.Access or EntitlementKind.Badge)
            {
                var feature = name ?? e.FeatureKey ?? "";
                // Bought again while still active: the new term starts later than today.
                var from = e.StartsAt > (startedBy ?? e.CreatedAt) ? " " + words.ActiveFrom(Date(e.StartsAt)) : "";
                var until = e.EndsAt is { } end ? " " + words.Until(Date(end)) : "";
                text = $"{(e.Kind == EntitlementKind.Badge ? words.Badge(feature) : feature)}{from}{until}";
            }
            else text = EntitlementWords.Describe(e, name, zone, culture, startedBy ?? e.CreatedAt);
            items.Add((position.GetValueOrDefault(e.SourceLineId), text));
        }
        foreach (var line in order.Lines.Where(l => l.Kind is OrderLineKind.BundledProduct or OrderLineKind.Product))
            items.Add((line.Position, w.WillShip(Counted(line.Quantity, line.DescriptionIn(culture), culture))));
        return items.OrderBy(i => i.Position).Select(i => i.Text).ToList();
    }

    /// <summary>"Resistance band", "2 × Resistance band".</summary>
    private static string Counted(int quantity, string what, CultureInfo culture) =>
        quantity == 1 ? what : $"{quantity.ToString("N0", culture)} × {what}";
}
