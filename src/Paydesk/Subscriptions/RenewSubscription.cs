using Microsoft.EntityFrameworkCore;
using Paydesk.Core;
using Paydesk.Jobs;
using Paydesk.Payments;
using Paydesk.Storage;

namespace Paydesk.Subscriptions;

/// <summary>
/// Renews a subscription whose period has ended: the next period is made (one row per
/// subscription and number, a unique key) with its payment, in one transaction with the
/// subscription locked; then the kept payment method is charged (<see cref="ChargeSavedMethod"/>),
/// and the payment's outcome pays the period (<see cref="RenewalPurpose"/>). The
/// <c>renew-subscription</c> job, one per subscription, runs it at each period's end.
/// </summary>
/// <remarks>
/// A failed charge is tried again after each wait of <see cref="SubscriptionOptions.RetrySchedule"/>
/// (a new attempt, a new idempotency key); when they are spent the subscription is canceled.
/// A period has at most one payment that is not failed — a partial unique index on the payments of
/// <c>renewal:</c> purposes — so a run again (a crash, a lease run out, a second process) finds the
/// period's payment and charges it again under the same idempotency key, which the provider answers
/// with the first charge; and a period, once paid, is never charged again.
/// </remarks>
public sealed class RenewSubscription(
    PaydeskDb db, ChargeSavedMethod charges, SavedMethods methods, IdGenerator ids, TimeProvider time,
    Microsoft.Extensions.Options.IOptions<SubscriptionOptions> options, ILogger<RenewSubscription> log)
{
    public const string JobKind = "renew-subscription";

    /// <summary>How long to wait for a charge whose outcome is not known yet before looking again.</summary>
    public static readonly TimeSpan Unsettled = TimeSpan.FromHours(1);

    /// <summary>How long the run that recorded a renewal's payment has to charge it before another run may (a provider's call times out well before).</summary>
    public static readonly TimeSpan ChargingFor = TimeSpan.FromMinutes(2);

    /// <summary>Renews the subscription if it is due; answers when to look again, or null when it needs no more looking at.</summary>
    public async Task<DateTimeOffset?> RunAsync(string subscriptionId, CancellationToken ct)
    {
        var due = await db.InTransactionAsync(async () =>
        {
            var subscription = await db.LockedAsync<Subscription>(subscriptionId, ct);
            if (subscription is null || subscription.Status is not (SubscriptionStatus.Active or SubscriptionStatus.PastDue)) return (Later: (DateTimeOffset?)null, PaymentId: (string?)null);
            var now = time.GetUtcNow();
            var last = await db.SubscriptionPeriods.Where(p => p.SubscriptionId == subscription.Id).OrderByDescending(p => p.Number).FirstAsync(ct);
            if (last.Status == PeriodStatus.Paid)
            {
                if (last.EndsAt > now) return (last.EndsAt, null);
                last = NextPeriod(subscription, last, now);
                db.SubscriptionPeriods.Add(last);
            }
            var payments = await db.Payments.Where(p => p.Purpose == RenewalPurpose.For(last.Id)).ToListAsync(ct);
            // Recorded and not yet answered: the run that recorded it is charging it now, so another waits; one left by a
            // run that died is charged again (same key, one charge) once that run's time is surely up.
            if (payments.FirstOrDefault(p => p.Status is PaymentStatus.Created) is { } created)
                return created.CreatedAt + ChargingFor > now ? (created.CreatedAt + ChargingFor, null) : (null, created.Id);
            // Pending or unknown: the provider's word, or the reconciler, settles it.
            if (payments.Any(p => p.Status is PaymentStatus.Pending or PaymentStatus.Unknown)) return (now + Unsettled, null);
            // Each attempt failed (the subscription is past due): the next on the schedule, or the end of it.
            if (payments.Count > 0)
            {
                if (RetryDue(payments) is not { } retry)
                {
                    if (SubscriptionStates.Decide(subscription.Status, SubscriptionStatus.Canceled).IsApply)
                    {
                        (subscription.Status, subscription.CanceledAt, subscription.UpdatedAt) = (SubscriptionStatus.Canceled, now, now);
                        log.LogInformation("Subscription {SubscriptionId} is canceled: {Attempts} charges of period {Number} failed", subscription.Id, payments.Count, last.Number);
                    }
                    await db.SaveChangesAsync(ct);
                    return (null, null);
                }
                if (retry > now) return (retry, null);
            }
            var account = await db.ProviderAccounts.AsNoTracking().FirstAsync(a => a.Id == subscription.ProviderAccountId, ct);
            var payment = await charges.AddAsync(db, RenewalPurpose.For(last.Id), subscription.CustomerId, subscription.Price, account,
                $"{last.Id}-{payments.Count + 1}", ct);
            await db.SaveChangesAsync(ct);
            return (null, payment.Id);
        }, ct);
        if (due.PaymentId is null) return due.Later;

        var charged = await charges.RunAsync(due.PaymentId, await MethodAsync(subscriptionId, ct), ct);
        log.LogInformation("Subscription {SubscriptionId}: renewal payment {PaymentId} is {Status}", subscriptionId, charged.Id, charged.Status.ToApi());
        db.ChangeTracker.Clear();
        // Paid: the next period's end; failed: the next retry (or now, to end it); unsettled: look again in a while.
        var last = await db.SubscriptionPeriods.AsNoTracking().Where(p => p.SubscriptionId == subscriptionId).OrderByDescending(p => p.Number).FirstAsync(ct);
        if (last.Status == PeriodStatus.Paid) return last.EndsAt;
        if (!PaymentStates.IsSettled(charged.Status)) return time.GetUtcNow() + Unsettled;
        var attempts = await db.Payments.AsNoTracking().Where(p => p.Purpose == RenewalPurpose.For(last.Id)).ToListAsync(ct);
        return RetryDue(attempts) ?? time.GetUtcNow();
    }

    /// <summary>When the next attempt at a period whose attempts all failed is due; null when the schedule is spent.</summary>
    private DateTimeOffset? RetryDue(IReadOnlyList<Payment> failed) =>
        failed.Count <= options.Value.RetrySchedule.Count ? failed.Max(p => p.UpdatedAt) + options.Value.RetrySchedule[failed.Count - 1] : null;

    /// <summary>The period after <paramref name="last"/>: the next boundary of the subscription's schedule, counted from its anchor.</summary>
    private SubscriptionPeriod NextPeriod(Subscription subscription, SubscriptionPeriod last, DateTimeOffset now)
    {
        var number = last.Number + 1;
        return new SubscriptionPeriod
        {
            TenantId = "", Id = ids.New("per"), SubscriptionId = subscription.Id, CustomerId = subscription.CustomerId,
            Number = number, StartsAt = last.EndsAt, EndsAt = subscription.Interval.Boundary(subscription.AnchorAt, subscription.Zone, number + 1),
            Status = PeriodStatus.Open, CreatedAt = now,
        };
    }

    /// <summary>The method renewals charge: the newest the customer keeps at the subscription's provider account.</summary>
    private async Task<string?> MethodAsync(string subscriptionId, CancellationToken ct)
    {
        var subscription = await db.Subscriptions.AsNoTracking().FirstAsync(s => s.Id == subscriptionId, ct);
        return (await methods.OfAsync(subscription.CustomerId, ct)).FirstOrDefault(m => m.ProviderAccountId == subscription.ProviderAccountId)?.ProviderMethodId;
    }
}

public sealed class SubscriptionOptions
{
    public static readonly IReadOnlyList<TimeSpan> DefaultRetries = [TimeSpan.FromDays(1), TimeSpan.FromDays(3), TimeSpan.FromDays(5)];

    /// <summary>
    /// The waits before each new attempt at a renewal whose charge failed (<c>Subscriptions:Retries:0</c>, <c>:1</c>…);
    /// when not set, 3 retries after 1, 3 and 5 days. (Set here, it replaces the default rather than adding to it.)
    /// </summary>
    public List<TimeSpan>? Retries { get; set; }

    public IReadOnlyList<TimeSpan> RetrySchedule => Retries is { Count: > 0 } set ? set : DefaultRetries;
}

internal sealed class RenewSubscriptionJob : IJobHandler
{
    public string Kind => RenewSubscription.JobKind;

    public async Task<JobOutcome> RunAsync(JobRun run, IServiceProvider services, CancellationToken ct) =>
        await services.GetRequiredService<RenewSubscription>().RunAsync(run.Payload, ct) is { } next ? JobOutcome.Later(next) : JobOutcome.Done;
}
