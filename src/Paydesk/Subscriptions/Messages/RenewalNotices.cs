using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Paydesk.Api.Pages;
using Paydesk.Invoices;
using Paydesk.Notifications.Email;
using Paydesk.Storage;
using static Paydesk.Notifications.Email.EmailHtml;

namespace Paydesk.Subscriptions.Messages;

/// <summary>
/// The emails of a subscription's renewals, each enqueued in the transaction of what it tells and
/// once per event: a reminder before a renewal is charged, a failed charge (with a signed link
/// that pays the open period by hand, <see cref="LinkKind.PeriodPayment"/>), and a cancellation.
/// </summary>
public sealed class RenewalNotices(Notifications.Outbox.Outbox outbox, SignedLinks links)
{
    public static string ReminderKey(string paidPeriodId) => $"renewal-reminder:{paidPeriodId}";
    public static string FailedKey(string paymentId) => $"renewal-failed:{paymentId}";
    public static string CanceledKey(string subscriptionId) => $"subscription-canceled:{subscriptionId}";

    /// <summary>The renewal after <paramref name="paid"/> is charged at its end (after a free trial, the first charge).</summary>
    public Task<bool> RemindAsync(PaydeskDb db, Subscription subscription, SubscriptionPeriod paid, CancellationToken ct) =>
        SendAsync(db, subscription, ReminderKey(paid.Id), (w, r) =>
        {
            var date = Display.Date(paid.EndsAt, r.Zone, r.Culture);
            var said = (paid.Trial ? w.TrialEnds : w.Reminder)(r.Merchant, r.Plan, date, r.Amount);
            return Message(r.Culture, (paid.Trial ? w.TrialEndsSubject : w.ReminderSubject)(r.Plan, date), $"{r.Hello}\n\n{said}\n{w.NothingToDo}\n\n{r.Merchant}\n",
                $"<p>{E(r.Hello)}</p><p>{E(said)} {E(w.NothingToDo)}</p><p>{E(r.Merchant)}</p>");
        }, ct);

    /// <summary>The charge of <paramref name="open"/> failed; <paramref name="retryAt"/> is when it is tried again, null after the last try.</summary>
    public Task<bool> FailedAsync(PaydeskDb db, Subscription subscription, SubscriptionPeriod open, string paymentId, DateTimeOffset? retryAt, CancellationToken ct) =>
        SendAsync(db, subscription, FailedKey(paymentId), (w, r) =>
        {
            var said = w.Failed(r.Amount, r.Merchant, r.Plan);
            var next = retryAt is { } at ? w.TriedAgain(Display.Date(at, r.Zone, r.Culture)) : w.LastTry;
            var pay = links.UrlFor(LinkKind.PeriodPayment, subscription.TenantId, open.Id).AbsoluteUri;
            return Message(r.Culture, w.FailedSubject(r.Plan), $"{r.Hello}\n\n{said}\n{next}\n\n{w.PayByHand}\n{pay}\n\n{r.Merchant}\n",
                $"<p>{E(r.Hello)}</p><p>{E(said)} {E(next)}</p><p>{E(w.PayByHand)}</p><p><a href=\"{E(pay)}\">{E(w.PayNow(r.Amount))}</a></p><p>{E(r.Merchant)}</p>");
        }, ct);

    /// <summary>The subscription is canceled; <paramref name="unpaid"/> when because its renewal could not be charged.</summary>
    public Task<bool> CanceledAsync(PaydeskDb db, Subscription subscription, bool unpaid, CancellationToken ct) =>
        SendAsync(db, subscription, CanceledKey(subscription.Id), (w, r) =>
        {
            var said = (unpaid ? w.CanceledUnpaid : w.Canceled)(r.Merchant, r.Plan);
            return Message(r.Culture, w.CanceledSubject(r.Plan), $"{r.Hello}\n\n{said}\n\n{r.Merchant}\n", $"<p>{E(r.Hello)}</p><p>{E(said)}</p><p>{E(r.Merchant)}</p>");
        }, ct);

    private sealed record Reader(string Merchant, string Plan, string Amount, string Hello, CultureInfo Culture, NodaTime.DateTimeZone Zone);

    private async Task<bool> SendAsync(PaydeskDb db, Subscription subscription, string eventKey, Func<RenewalNoticeWords, Reader, MessageContent> compose, CancellationToken ct)
    {
        var customer = await db.Customers.AsNoTracking().FirstAsync(c => c.Id == subscription.CustomerId, ct);
        if (string.IsNullOrWhiteSpace(customer.Email)) return false;
        var tenant = await db.Tenants.AsNoTracking().FirstAsync(t => t.Id == subscription.TenantId, ct);
        var plan = await db.Plans.AsNoTracking().Where(p => p.Id == subscription.PlanId).Select(p => p.Name).FirstOrDefaultAsync(ct) ?? subscription.PlanId;
        var culture = Languages.Culture(customer.Locale);
        var reader = new Reader(tenant.Name, plan, Display.Amount(subscription.Price, culture), MessageWords.All.For(culture).Hello(customer.Name), culture,
            Display.Zone(customer.TimeZone, subscription.TimeZone));
        var content = compose(RenewalNoticeWords.All.For(culture), reader);
        return await outbox.EnqueueAsync(db, eventKey, customer.Email, customer.Name, content.Subject, content.Text, content.Html, ct);
    }
}
