using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Paydesk.Api.Pages;
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
            tenant.Name, customer.Name, Languages.Culture(customer.Locale), Display.Zone(customer.TimeZone, tenant.TimeZone),
            order, payment, links.UrlFor(LinkKind.OrderPayment, order.TenantId, order.Id));
        return await outbox.EnqueueAsync(db, EventKey(payment.Id), customer.Email, customer.Name, content.Subject, content.Text, content.Html, ct);
    }

    internal static MessageContent Compose(
        string tenantName, string customerName, CultureInfo culture, NodaTime.DateTimeZone zone, Order order, Payment payment, Uri payAgain)
    {
        var w = PaymentFailedNoticeWords.All.For(culture);
        var hello = MessageWords.All.For(culture).Hello(customerName);
        var amount = Display.Amount(payment.AmountMinor, payment.Currency, culture);
        var what = order.SummaryIn(culture);
        var expired = payment.Status == PaymentStatus.Expired;
        var subject = expired ? w.ExpiredSubject(what) : w.DeclinedSubject(what);
        var happened = (expired ? w.Expired : w.Declined)(amount, tenantName, what);
        var charged = w.NothingCharged;
        var open = w.StaysOpen(Display.Date(order.ExpiresAt, zone, culture));

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{hello}\n\n{happened}\n{charged}\n\n{open}\n{payAgain.AbsoluteUri}\n\n{tenantName}\n");

        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<p>{E(hello)}</p><p>{E(happened)} {E(charged)}</p><p>{E(open)}</p>");
        html.Append(CultureInfo.InvariantCulture, $"<p><a href=\"{E(payAgain.AbsoluteUri)}\">{E(w.PayAgain(amount))}</a></p>");
        html.Append(CultureInfo.InvariantCulture, $"<p>{E(tenantName)}</p>");
        return Message(culture, subject, text.ToString(), html.ToString());
    }
}
