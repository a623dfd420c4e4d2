using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Paydesk.Core;
using Paydesk.Invoices;
using Paydesk.Orders;
using Paydesk.Payments;
using Paydesk.Storage;
using Paydesk.Notifications.Email;
using static Paydesk.Notifications.Email.EmailHtml;

namespace Paydesk.Orders.Messages;

/// <summary>
/// The email that tells a customer a payment did not go through — declined, or not finished in
/// time — while the order can still be paid, with a signed link to pay it again
/// (<see cref="LinkKind.OrderPayment"/>). Enqueued in the transaction that records the failure, once
/// per payment.
/// </summary>
public sealed class PaymentFailedNotice(Notifications.Outbox.Outbox outbox, SignedLinks links)
{
    public static string EventKey(string paymentId) => $"payment-not-paid:{paymentId}";

    public async Task<bool> EnqueueAsync(PaydeskDb db, Order order, Payment payment, CancellationToken ct)
    {
        var customer = await db.Customers.AsNoTracking().FirstAsync(c => c.Id == order.CustomerId, ct);
        if (string.IsNullOrWhiteSpace(customer.Email)) return false;
        var tenant = await db.Tenants.AsNoTracking().FirstAsync(t => t.Id == order.TenantId, ct);
        await db.Entry(order).Collection(o => o.Lines).LoadAsync(ct);
        var content = Compose(
            tenant.Name, customer.Name, Display.Culture(customer.Locale), Display.Zone(customer.TimeZone, tenant.TimeZone),
            order, payment, links.UrlFor(LinkKind.OrderPayment, order.TenantId, order.Id));
        return await outbox.EnqueueAsync(db, EventKey(payment.Id), customer.Email, customer.Name, content.Subject, content.Text, content.Html, ct);
    }

    internal static MessageContent Compose(
        string tenantName, string customerName, CultureInfo culture, NodaTime.DateTimeZone zone, Order order, Payment payment, Uri payAgain)
    {
        var amount = Display.Amount(payment.AmountMinor, payment.Currency, culture);
        var what = order.Summary();
        var subject = payment.Status == PaymentStatus.Expired
            ? $"Payment not completed — {what}"
            : $"Payment declined — {what}";
        var happened = payment.Status == PaymentStatus.Expired
            ? $"Your payment of {amount} to {tenantName} for {what} was not completed in time."
            : $"Your payment of {amount} to {tenantName} for {what} was declined.";
        const string charged = "Nothing was charged.";
        var open = $"Your order stays open until {Display.Date(order.ExpiresAt, zone, culture)}; you can pay it again here:";

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Hello {customerName},\n\n{happened}\n{charged}\n\n{open}\n{payAgain.AbsoluteUri}\n\n{tenantName}\n");

        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<p>Hello {E(customerName)},</p><p>{E(happened)} {E(charged)}</p><p>{E(open)}</p>");
        html.Append(CultureInfo.InvariantCulture, $"<p><a href=\"{E(payAgain.AbsoluteUri)}\">Pay {E(amount)} again</a></p>");
        html.Append(CultureInfo.InvariantCulture, $"<p>{E(tenantName)}</p>");
        return Message(culture, subject, text.ToString(), html.ToString());
    }
}
