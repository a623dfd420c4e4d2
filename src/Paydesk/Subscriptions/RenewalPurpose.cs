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
internal sealed class RenewalPurpose(IssueInvoice invoices, IssueCreditNote creditNotes, GrantEntitlements grants, JobQueue jobs, TimeProvider time)
    : IPaymentPurpose
{
    public const string Prefix = "renewal:";

    /// <summary>The kind of <see cref="Source"/> a period's grants, invoice and credit notes name.</summary>
    public const string SourceKind = "period";

    public string Kind => "renewal";

    public static string For(string periodId) => Prefix + periodId;

    public static Source SourceOf(SubscriptionPeriod period) => new(SourceKind, period.Id);

    private static string PeriodIdOf(string purpose) => purpose[Prefix.Length..];

    public async Task<Problem?> CanPayAsync(PaydeskDb db, string purpose, CancellationToken ct)
    {
        var period = await db.LockedAsync<SubscriptionPeriod>(PeriodIdOf(purpose), ct);
        if (period is null) return Problem.NotFound("subscription period", PeriodIdOf(purpose));
        return period.Status == PeriodStatus.Open ? null : Problem.Conflict($"Period {period.Number} of the subscription is paid already.");
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
            return PurposeAnswer.Refund($"Period {period.Number} of subscription {period.SubscriptionId} is paid already (by {period.PaymentId}); this payment is refunded automatically.");
        var subscription = (await db.LockedAsync<Subscription>(period.SubscriptionId, ct))!;
        if (subscription.AmountMinor != payment.AmountMinor || subscription.Currency != payment.Currency)
            return PurposeAnswer.NeedsReview($"Subscription {subscription.Id} costs {subscription.Price} a period, the payment {payment.Amount}; nothing was granted.");

        var now = time.GetUtcNow();
        period.Status = PeriodStatus.Paid;
        period.PaymentId = payment.Id;
        period.PaidAt = now;
        if (SubscriptionStates.Decide(subscription.Status, SubscriptionStatus.Active).IsApply) subscription.Status = SubscriptionStatus.Active;
        subscription.UpdatedAt = now;
        var description = await DescriptionAsync(db, subscription, ct);
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
        // Paid later than the renewal's own run (a notification, the reconciler): the next one is due at the period's end.
        await jobs.EnqueueAsync(db, RenewSubscription.JobKind, subscription.Id, period.EndsAt, ct);
        return PurposeAnswer.Accepted;
    }

    /// <summary>A refund of the period's payment: a full one takes back what the period granted; each issues a credit note.</summary>
    public async Task OnRefundedAsync(PaydeskDb db, Payment payment, Refund refund, CancellationToken ct)
    {
        var period = (await db.LockedAsync<SubscriptionPeriod>(PeriodIdOf(payment.Purpose), ct))!;
        await creditNotes.RunAsync(db, refund, ct);
        if (period.PaymentId == payment.Id && payment.Status == PaymentStatus.Refunded)
            await grants.RevokeAsync(db, SourceOf(period), time.GetUtcNow(), ct);
    }

    /// <summary>The period stays open and the subscription is past due.</summary>
    public async Task OnNotPaidAsync(PaydeskDb db, Payment payment, CancellationToken ct)
    {
        var period = (await db.LockedAsync<SubscriptionPeriod>(PeriodIdOf(payment.Purpose), ct))!;
        if (period.Status == PeriodStatus.Paid) return;
        var subscription = (await db.LockedAsync<Subscription>(period.SubscriptionId, ct))!;
        if (!SubscriptionStates.Decide(subscription.Status, SubscriptionStatus.PastDue).IsApply) return;
        subscription.Status = SubscriptionStatus.PastDue;
        subscription.UpdatedAt = time.GetUtcNow();
    }

    private static async Task<(SubscriptionPeriod Period, Subscription Subscription)?> Of(PaydeskDb db, string periodId, CancellationToken ct)
    {
        var period = await db.SubscriptionPeriods.AsNoTracking().FirstOrDefaultAsync(p => p.Id == periodId, ct);
        if (period is null) return null;
        return (period, await db.Subscriptions.AsNoTracking().FirstAsync(s => s.Id == period.SubscriptionId, ct));
    }

    private static async Task<string> DescriptionAsync(PaydeskDb db, Subscription subscription, CancellationToken ct) =>
        $"{await db.Plans.Where(p => p.Id == subscription.PlanId).Select(p => p.Name).FirstOrDefaultAsync(ct) ?? subscription.PlanId}, {subscription.Interval}";
}
