using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Paydesk.Api.Pages;
using Paydesk.Core;
using Paydesk.Notifications.Email;
using static Paydesk.Notifications.Email.EmailHtml;
using Paydesk.Entitlements;
using Paydesk.Storage;

namespace Paydesk.Entitlements.Messages;

/// <summary>
/// The email that tells a customer what they bought is on its way: what, to where, who carries it
/// and the link to follow it. Enqueued in the transaction that marks the shipment shipped, once.
/// </summary>
public sealed class ShipmentNotice(Notifications.Outbox.Outbox outbox)
{
    public static string EventKey(string shipmentId) => $"shipment-shipped:{shipmentId}";

    public async Task<bool> EnqueueAsync(PaydeskDb db, Shipment shipment, CancellationToken ct)
    {
        var customer = await db.Customers.AsNoTracking().FirstAsync(c => c.Id == shipment.CustomerId, ct);
        if (string.IsNullOrWhiteSpace(customer.Email)) return false;
        var tenant = await db.Tenants.AsNoTracking().FirstAsync(t => t.Id == shipment.TenantId, ct);
        var product = await db.Products.AsNoTracking().Where(p => p.Id == shipment.ProductId).Select(p => p.Name).FirstAsync(ct);
        var invoice = await db.Invoices.AsNoTracking().Where(i => i.SourceKind == shipment.SourceKind && i.SourceId == shipment.SourceId)
            .Select(i => i.Number).FirstOrDefaultAsync(ct);
        var culture = Languages.Culture(customer.Locale);
        var reference = invoice ?? (shipment.SourceKind == Source.OrderKind ? MessageWords.All.For(culture).Order(shipment.SourceId) : $"{shipment.SourceKind} {shipment.SourceId}");
        var content = Compose(tenant.Name, customer.Name, culture, reference, product, shipment);
        return await outbox.EnqueueAsync(db, EventKey(shipment.Id), customer.Email, customer.Name, content.Subject, content.Text, content.Html, ct);
    }

    internal static MessageContent Compose(
        string tenantName, string customerName, CultureInfo culture, string reference, string product, Shipment shipment)
    {
        var w = ShipmentNoticeWords.All.For(culture);
        var hello = MessageWords.All.For(culture).Hello(customerName);
        var what = shipment.Quantity == 1 ? product : $"{shipment.Quantity.ToString("N0", culture)} × {product}";
        var subject = w.Subject(what, reference);
        var shipped = w.Shipped(tenantName, what, reference);
        var by = (shipment.Carrier, shipment.TrackingNumber) switch
        {
            ({ } carrier, { } number) => $"{carrier}, {w.Tracking(number)}",
            ({ } carrier, null) => carrier,
            (null, { } number) => w.Tracking(number),
            _ => null,
        };
        var address = shipment.Address?.Lines().ToList() ?? [];

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{hello}\n\n{shipped}\n");
        if (by is not null) text.Append(CultureInfo.InvariantCulture, $"{w.Carrier(by)}\n");
        if (shipment.TrackingUrl is { } url) text.Append(CultureInfo.InvariantCulture, $"{w.FollowHere} {url}\n");
        if (address.Count > 0) text.Append(CultureInfo.InvariantCulture, $"\n{w.GoingTo}\n{string.Join("\n", address.Select(l => "  " + l))}\n");
        text.Append(CultureInfo.InvariantCulture, $"\n{tenantName}\n");

        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<p>{E(hello)}</p><p>{E(shipped)}</p>");
        if (by is not null) html.Append(CultureInfo.InvariantCulture, $"<p>{E(w.Carrier(by))}</p>");
        if (shipment.TrackingUrl is { } link) html.Append(CultureInfo.InvariantCulture, $"<p><a href=\"{E(link)}\">{E(w.FollowLink)}</a></p>");
        if (address.Count > 0) html.Append(CultureInfo.InvariantCulture, $"<p>{E(w.GoingTo)}<br>{string.Join("<br>", address.Select(E))}</p>");
        html.Append(CultureInfo.InvariantCulture, $"<p>{E(tenantName)}</p>");
        return Message(culture, subject, text.ToString(), html.ToString());
    }
}
