using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Core;
using Paydesk.Entitlements;
using Paydesk.Invoices;
using Paydesk.Jobs;
using Paydesk.Payments;
using Paydesk.Storage;

namespace Paydesk.Subscriptions;

/// <summary>
/// The <c>renewal:…</c> purpose, one subscription period: a succeeded payment pays the period
/// (exactly one does), issues its invoice and grants the plan over the period's own bounds, and
/// the subscription is active again; a failed one leaves the period open for the renewal job to
/// try again. A full refund of the payment takes back what the period granted.
/// </summary>
internal sealed class RenewalPurpose(
    IssueInvoice invoices, IssueCreditNote creditNotes, GrantEntitlements grants, JobQueue jobs, Messages.RenewalNotices notices,
    Microsoft.Extensions.Options.IOptions<SubscriptionOptions> options, TimeProvider time)
    : IPaymentPurpose
{
    public const string Prefix = "renewal:";

    /// <summary>The kind of <see cref="Source"/> a period's grants, invoice and credit notes name.</summary>
    public const string SourceKind = "period";

    public string Kind => "renewal";

    public static string For(string periodId) => Prefix + periodId;

    public static Source SourceOf(SubscriptionPeriod period) => new(SourceKind, period.Id);

    /// <summary>What an unpaid period keeps while it is retried, when its plan keeps access: a source of its own, taken back when the retries are spent.</summary>
    public static Source GraceOf(SubscriptionPeriod period) => new("grace", period.Id);

    /// <summary>The idempotency key of the renewal job's attempt <paramref name="n"/> (from 1) at a period.</summary>
    public static string AttemptKey(string periodId, int n) => $"{periodId}-{n.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>Which of the renewal job's attempts at the period the payment is; null for one the customer started by hand (a checkout).</summary>
    public static int? AttemptOf(Payment payment, string periodId) =>
        payment.IdempotencyKey.StartsWith(periodId + "-", StringComparison.Ordinal)
        && int.TryParse(payment.IdempotencyKey.AsSpan(periodId.Length + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? n : null;

    private static string PeriodIdOf(string purpose) => purpose[Prefix.Length..];

    public async Task<Problem?> CanPayAsync(PaydeskDb db, string purpose, CancellationToken ct)
    {
        var period = await db.LockedAsync<SubscriptionPeriod>(PeriodIdOf(purpose), ct);
        if (period is null) return Problem.NotFound("subscription period", PeriodIdOf(purpose));
        if (period.Status != PeriodStatus.Open) return Problem.Conflict($"Period {period.Number} of the subscription is paid already.");
        var subscription = await db.Subscriptions.AsNoTracking().FirstAsync(s => s.Id == period.SubscriptionId, ct);
        if (SubscriptionStates.IsFinal(subscription.Status)) return Problem.Conflict($"Subscription {subscription.Id} is canceled; its periods are not paid any more.");
        // One payment of a period at a time (a partial unique index says so too): a charge, or a checkout, in flight.
        if (await db.Payments.Where(p => p.Purpose == purpose).AnyAsync(Payment.IsOpen, ct))
            return Problem.Conflict($"A payment of period {period.Number} is under way; wait for its outcome.");
        // A retry of the card that is due goes first: a checkout opened again and again would hold the retries up for good
        // (an open checkout is the period's one live payment). At most one checkout's life delays each retry.
        var attempts = (await db.Payments.AsNoTracking().Where(p => p.Purpose == purpose).ToListAsync(ct)).Where(p => AttemptOf(p, period.Id) is not null).ToList();
        if (attempts.Count > 0 && (await RenewalRules.OfAsync(db, subscription, options.Value, ct)).RetryAt(attempts.Count, attempts.Max(p => p.UpdatedAt)) is { } retry
            && retry <= time.GetUtcNow())
            return Problem.Conflict($"The card kept for the subscription is being charged again for period {period.Number} now; look again in an hour.");
        return null;
    }

    public async Task<IReadOnlyList<FiscalLine>> ReceiptLinesAsync(PaydeskDb db, string purpose, FiscalVat vat, CancellationToken ct) =>
        await ReceiptLineAsync(db, purpose, PeriodIdOf(purpose), vat, ct) is { } line ? [line] : [];

    /// <summary>A period of access is a service delivered over it: prepaid.</summary>
    public async Task<FiscalLine?> ReceiptLineAsync(PaydeskDb db, string purpose, string lineId, FiscalVat vat, CancellationToken ct)
    {
        if (lineId != PeriodIdOf(purpose) || await Of(db, lineId, ct) is not { } found) return null;
        return new FiscalLine(await DescriptionAsync(db, found.Subscription, ct), 1, found.Subscription.AmountMinor, vat,
            FiscalPaymentMethod.FullPrepayment, FiscalPaymentObject.Service);
    }

    /// <summary>A period paid by hand keeps the card it was paid with: the next renewals charge it.</summary>
    public Task<bool> KeepsPaymentMethodAsync(PaydeskDb db, string purpose, CancellationToken ct) => Task.FromResult(true);

    public async Task<PurposeAnswer> OnSucceededAsync(PaydeskDb db, Payment payment, CancellationToken ct)
    {
        var period = (await db.LockedAsync<SubscriptionPeriod>(PeriodIdOf(payment.Purpose), ct))!;
        if (period.PaymentId == payment.Id) return PurposeAnswer.Accepted;
        if (period.Status == PeriodStatus.Paid)
            return PurposeAnswer.Refund($"Period {period.Number} of subscription {period.SubscriptionId} is paid already ({(period.PaymentId is { } by ? $"by {by}" : "given free")}); this payment is refunded automatically.");
        var subscription = (await db.LockedAsync<Subscription>(period.SubscriptionId, ct))!;
        if (SubscriptionStates.IsFinal(subscription.Status))
            return PurposeAnswer.Refund($"Subscription {subscription.Id} was canceled before period {period.Number} was paid; this payment is refunded automatically.");
        if (subscription.AmountMinor != payment.AmountMinor || subscription.Currency != payment.Currency)
            return PurposeAnswer.NeedsReview($"Subscription {subscription.Id} costs {subscription.Price} a period, the payment {payment.Amount}; nothing was granted.");

        var now = time.GetUtcNow();
        period.Status = PeriodStatus.Paid;
        period.PaymentId = payment.Id;
        period.PaidAt = now;
        // Owed past its end (left unpaid, then paid by hand): the periods since went by with the subscription unpaid, not
        // missed by Paydesk, so none of them is billed; the schedule starts again now, as a resume after a pause does.
        if (subscription.Status == SubscriptionStatus.PastDue && period.EndsAt <= now)
            (subscription.AnchorAt, subscription.AnchorNumber) = (now, period.Number + 1);
        if (SubscriptionStates.Decide(subscription.Status, SubscriptionStatus.Active).IsApply) (subscription.Status, subscription.PausedAt) = (SubscriptionStatus.Active, null);
        subscription.UpdatedAt = now;
        // The plan once, for the invoice's line and the next look's rules.
        var plan = await db.Plans.AsNoTracking().FirstOrDefaultAsync(p => p.Id == subscription.PlanId, ct);
        var description = Description(plan?.Name, subscription);
        invoices.Run(db, new InvoiceDraft(SourceOf(period), subscription.CustomerId, payment.Id, subscription.Price,
        [
            new InvoiceLine
            {
                TenantId = "", InvoiceId = "", Position = 1, Description = description, Quantity = 1,
                UnitAmountMinor = subscription.AmountMinor, AmountMinor = subscription.AmountMinor, PlanId = subscription.PlanId, PlanVersion = subscription.PlanVersion,
            },
        ]));
        await grants.IssueAsync(db, new GrantLine(SourceOf(period), period.Id, subscription.CustomerId, subscription.PlanId, subscription.PlanVersion, 1, subscription.Interval)
        {
            Period = (period.StartsAt, period.EndsAt),
        }, subscription.Zone, now, ct);
        // Paid later than the renewal's own run (a notification, the reconciler, by hand): the next look is due before the period's end.
        var rules = RenewalRules.Of(plan, options.Value);
        await jobs.EnqueueAsync(db, RenewSubscription.JobKind, subscription.Id, rules.FirstLook(period, now), ct);
        return PurposeAnswer.Accepted;
    }

    /// <summary>A refund of the period's payment: a full one takes back what the period granted; each issues a credit note.</summary>
    public async Task OnRefundedAsync(PaydeskDb db, Payment payment, Refund refund, CancellationToken ct)
    {
        var period = (await db.LockedAsync<SubscriptionPeriod>(PeriodIdOf(payment.Purpose), ct))!;
        await creditNotes.RunAsync(db, refund, ct);
        if (period.PaymentId == payment.Id && payment.Status == PaymentStatus.Refunded)
        {
            // And what it kept while past due, if it was: the period is not paid for any more.
            await grants.RevokeAsync(db, SourceOf(period), time.GetUtcNow(), ct);
            await grants.RevokeAsync(db, GraceOf(period), time.GetUtcNow(), ct);
        }
    }

    /// <summary>
    /// A charge of the renewal job failed: the period stays open, the subscription is past due (keeping the
    /// plan's access over the period meanwhile, when its plan says so), and the customer is told, with a link
    /// to pay by hand. A checkout the customer left unpaid changes nothing.
    /// </summary>
    public async Task OnNotPaidAsync(PaydeskDb db, Payment payment, CancellationToken ct)
    {
        var period = (await db.LockedAsync<SubscriptionPeriod>(PeriodIdOf(payment.Purpose), ct))!;
        if (period.Status == PeriodStatus.Paid || AttemptOf(payment, period.Id) is not { } attempt) return;
        var subscription = (await db.LockedAsync<Subscription>(period.SubscriptionId, ct))!;
        if (SubscriptionStates.IsFinal(subscription.Status)) return;
        var now = time.GetUtcNow();
        var rules = await RenewalRules.OfAsync(db, subscription, options.Value, ct);
        // Only a subscription that was paid for keeps its access past due: not one whose first period is owed
        // (incomplete), nor a free trial whose first charge failed.
        var paidFor = subscription.Status is SubscriptionStatus.Active or SubscriptionStatus.PastDue;
        if (SubscriptionStates.Decide(subscription.Status, SubscriptionStatus.PastDue).IsApply)
            (subscription.Status, subscription.UpdatedAt) = (SubscriptionStatus.PastDue, now);
        var retryAt = rules.RetryAt(attempt, now);
        if (rules.PastDue == Catalog.PastDueAccess.Keep && retryAt is not null && paidFor)
            await grants.IssueAsync(db, new GrantLine(GraceOf(period), period.Id, subscription.CustomerId, subscription.PlanId, subscription.PlanVersion, 1, subscription.Interval)
            {
                Period = (period.StartsAt, period.EndsAt), AccessOnly = true,
            }, subscription.Zone, now, ct);
        // After the last try of a plan that cancels, the cancellation's email tells it.
        if (retryAt is not null || rules.AfterRetries == Catalog.AfterRetries.LeaveUnpaid)
            await notices.FailedAsync(db, subscription, period, payment.Id, retryAt, ct);
    }

    private static async Task<(SubscriptionPeriod Period, Subscription Subscription)?> Of(PaydeskDb db, string periodId, CancellationToken ct)
    {
        var period = await db.SubscriptionPeriods.AsNoTracking().FirstOrDefaultAsync(p => p.Id == periodId, ct);
        if (period is null) return null;
        return (period, await db.Subscriptions.AsNoTracking().FirstAsync(s => s.Id == period.SubscriptionId, ct));
    }

    private static async Task<string> DescriptionAsync(PaydeskDb db, Subscription subscription, CancellationToken ct) =>
        Description(await db.Plans.Where(p => p.Id == subscription.PlanId).Select(p => p.Name).FirstOrDefaultAsync(ct), subscription);

    private static string Description(string? planName, Subscription subscription) => $"{planName ?? subscription.PlanId}, {subscription.Interval}";
}
