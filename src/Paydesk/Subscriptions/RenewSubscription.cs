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
/// <c>renew-subscription</c> job, one per subscription, runs it before each period's end (to
/// remind the customer) and at it.
/// </summary>
/// <remarks>
/// A failed charge is tried again after each wait of the plan's retry schedule (a new attempt, a
/// new idempotency key); when they are spent the subscription is canceled, or left unpaid, as its
/// plan says. A period has at most one payment that is not failed — a partial unique index on the
/// payments of <c>renewal:</c> purposes — so a run again (a crash, a lease run out, a second
/// process) finds the period's payment and charges it again under the same idempotency key, which
/// the provider answers with the first charge; and a period, once paid, is never charged again.
/// After downtime longer than a period, the plan says whether each missed period is charged in
/// turn, or one period from now (the schedule realigned to now).
/// </remarks>
public sealed class RenewSubscription(
    PaydeskDb db, ChargeSavedMethod charges, IdGenerator ids, TimeProvider time, Messages.RenewalNotices notices,
    Entitlements.GrantEntitlements grants, Microsoft.Extensions.Options.IOptions<SubscriptionOptions> options, ILogger<RenewSubscription> log)
{
    public const string JobKind = "renew-subscription";

    /// <summary>How long to wait for a charge whose outcome is not known yet before looking again.</summary>
    public static readonly TimeSpan Unsettled = TimeSpan.FromHours(1);


    /// <summary>Renews the subscription if it is due; answers when to look again, or null when it needs no more looking at.</summary>
    public async Task<DateTimeOffset?> RunAsync(string subscriptionId, CancellationToken ct)
    {
        var due = await db.InTransactionAsync(async () =>
        {
            var subscription = await db.LockedAsync<Subscription>(subscriptionId, ct);
            if (subscription is null || subscription.Status is not (SubscriptionStatus.Active or SubscriptionStatus.PastDue or SubscriptionStatus.Trialing or SubscriptionStatus.Incomplete))
                return (Later: (DateTimeOffset?)null, Charge: (Charge?)null);
            var rules = await RenewalRules.OfAsync(db, subscription, options.Value, ct);
            var now = time.GetUtcNow();
            var last = await db.SubscriptionPeriods.Where(p => p.SubscriptionId == subscription.Id).OrderByDescending(p => p.Number).FirstAsync(ct);
            // Canceled at the period's end: no renewal, and no reminder of one.
            if (subscription.CancelsAt is { } cancelsAt)
            {
                if (cancelsAt > now) return (cancelsAt, null);
                await ManageSubscription.EndAsync(db, grants, notices, subscription, cancelsAt, unpaid: false, ct);
                log.LogInformation("Subscription {SubscriptionId} is canceled at its period's end", subscription.Id);
                await db.SaveChangesAsync(ct);
                return (null, null);
            }
            if (last.Status == PeriodStatus.Paid)
            {
                if (last.EndsAt > now)
                {
                    // Not due yet: the reminder when its day has come, then the period's end.
                    var remindAt = rules.RemindAt(last);
                    if (remindAt is null || remindAt > now) return (remindAt ?? last.EndsAt, null);
                    await notices.RemindAsync(db, subscription, last, ct);
                    await db.SaveChangesAsync(ct);
                    return (last.EndsAt, null);
                }
                // A downgrade asked during the period takes effect with the next one.
                if (await db.PlanChanges.FirstOrDefaultAsync(c => c.SubscriptionId == subscription.Id && c.Status == PlanChangeStatus.Scheduled, ct) is { } scheduled
                    && scheduled.EffectiveAt <= last.EndsAt)
                    PlanChangePurpose.Apply(subscription, scheduled, now);
                last = NextPeriod(subscription, last, rules, now);
                db.SubscriptionPeriods.Add(last);
            }
            // A period made just now has no payments yet.
            var payments = db.Entry(last).State == EntityState.Added ? [] : await db.Payments.Where(p => p.Purpose == RenewalPurpose.For(last.Id)).ToListAsync(ct);
            // Recorded and not yet answered: the run that recorded it is charging it now, so another waits; one left by a
            // run that died is charged again (same key, one charge) once that run's time is surely up.
            if (payments.FirstOrDefault(p => p.Status is PaymentStatus.Created && RenewalPurpose.AttemptOf(p, last.Id) is not null) is { } created)
                return created.CreatedAt + options.Value.ChargingFor > now ? (created.CreatedAt + options.Value.ChargingFor, null) : (null, new Charge(created, null, last, rules));
            // Paid and the period still open: the payment did not fit the subscription and waits for a person; nothing more is charged for it.
            if (payments.Any(p => p.Status is PaymentStatus.Succeeded or PaymentStatus.PartiallyRefunded))
            {
                log.LogWarning("Subscription {SubscriptionId}: period {Number} has a payment that paid nothing; it waits for a person", subscription.Id, last.Number);
                return (null, null);
            }
            // Pending or unknown (a charge, or the customer paying by hand): the provider's word, or the reconciler, settles it.
            // (A checkout to pay by hand is not opened while a retry is due — RenewalPurpose.CanPayAsync — so it holds a retry up
            // by one checkout's life at most.)
            if (payments.Any(p => p.Status is PaymentStatus.Created or PaymentStatus.Pending or PaymentStatus.Unknown)) return (now + Unsettled, null);
            // Each attempt failed (the subscription is past due): the next on the schedule, or the end of it.
            var attempts = payments.Where(p => RenewalPurpose.AttemptOf(p, last.Id) is not null).ToList();
            if (attempts.Count > 0)
            {
                if (rules.RetryAt(attempts.Count, attempts.Max(p => p.UpdatedAt)) is not { } retry)
                {
                    await EndDunningAsync(subscription, last, rules, attempts.Count, now, ct);
                    await db.SaveChangesAsync(ct);
                    return (null, null);
                }
                if (retry > now) return (retry, null);
            }
            var account = await db.ProviderAccounts.AsNoTracking().FirstAsync(a => a.Id == subscription.ProviderAccountId, ct);
            var payment = await charges.AddAsync(db, RenewalPurpose.For(last.Id), subscription.CustomerId, subscription.Price, account,
                RenewalPurpose.AttemptKey(last.Id, attempts.Count + 1), ct);
            await db.SaveChangesAsync(ct);
            return (null, new Charge(payment, account, last, rules));
        }, ct);
        if (due.Charge is not { } charge) return due.Later;
        // What the transaction read is not read again: the charge's outcome is recorded on rows locked afresh.
        db.ChangeTracker.Clear();

        var charged = await charges.RunAsync(charge.Payment, charge.Account, ct);
        log.LogInformation("Subscription {SubscriptionId}: renewal payment {PaymentId} is {Status}", subscriptionId, charged.Id, charged.Status.ToApi());
        db.ChangeTracker.Clear();
        // Paid: the next reminder, or period's end; failed: the next retry (or now, to end it); unsettled: look again in a while.
        var now = time.GetUtcNow();
        var period = charge.Period;
        if (await db.SubscriptionPeriods.AsNoTracking().Where(p => p.Id == period.Id).Select(p => p.Status).FirstAsync(ct) == PeriodStatus.Paid)
            return charge.Rules.FirstLook(period, now);
        if (!PaymentStates.IsSettled(charged.Status)) return now + Unsettled;
        var tries = (await db.Payments.AsNoTracking().Where(p => p.Purpose == RenewalPurpose.For(period.Id)).ToListAsync(ct))
            .Where(p => RenewalPurpose.AttemptOf(p, period.Id) is not null).ToList();
        return charge.Rules.RetryAt(tries.Count, tries.Max(p => p.UpdatedAt)) ?? now;
    }

    /// <summary>A payment the transaction left to charge (at its account, when it was read), of <paramref name="Period"/>, under <paramref name="Rules"/>.</summary>
    private sealed record Charge(Payment Payment, Payments.ProviderAccount? Account, SubscriptionPeriod Period, RenewalRules Rules);

    /// <summary>The retries are spent: what the period kept while past due ends, and the subscription is canceled or left unpaid, as its plan says.</summary>
    private async Task EndDunningAsync(Subscription subscription, SubscriptionPeriod open, RenewalRules rules, int attempts, DateTimeOffset now, CancellationToken ct)
    {
        if (rules.AfterRetries == Catalog.AfterRetries.LeaveUnpaid)
        {
            await grants.RevokeAsync(db, RenewalPurpose.GraceOf(open), now, ct);
            log.LogInformation("Subscription {SubscriptionId} is left unpaid: {Attempts} charges of period {Number} failed", subscription.Id, attempts, open.Number);
            return;
        }
        await ManageSubscription.EndAsync(db, grants, notices, subscription, now, unpaid: true, ct);
        log.LogInformation("Subscription {SubscriptionId} is canceled: {Attempts} charges of period {Number} failed", subscription.Id, attempts, open.Number);
    }

    /// <summary>
    /// The period after <paramref name="last"/>: the next boundary of the subscription's schedule. When that period is
    /// over already (downtime) and the plan bills once, the schedule is realigned to start a period now instead.
    /// </summary>
    private SubscriptionPeriod NextPeriod(Subscription subscription, SubscriptionPeriod last, RenewalRules rules, DateTimeOffset now)
    {
        var number = last.Number + 1;
        // A schedule restarted at this period (resumed after its paid period ran out) starts it at the anchor.
        var starts = number == subscription.AnchorNumber ? subscription.AnchorAt : last.EndsAt;
        if (rules.MissedPeriods == Catalog.MissedPeriods.BillOnce && subscription.Boundary(number + 1) <= now)
        {
            log.LogInformation("Subscription {SubscriptionId}: periods from {Missed} to now were missed; its schedule starts again now", subscription.Id, last.EndsAt);
            (subscription.AnchorAt, subscription.AnchorNumber, subscription.UpdatedAt, starts) = (now, number, now, now);
        }
        return new SubscriptionPeriod
        {
            TenantId = "", Id = ids.New("per"), SubscriptionId = subscription.Id, CustomerId = subscription.CustomerId,
            Number = number, StartsAt = starts, EndsAt = subscription.Boundary(number + 1), Status = PeriodStatus.Open, CreatedAt = now,
        };
    }
}

/// <summary>A subscription's renewal choices: its plan's (<see cref="Catalog.RenewalPolicy"/>), with the installation's defaults where the plan has none.</summary>
public sealed record RenewalRules(
    IReadOnlyList<TimeSpan> Retries, TimeSpan RemindBefore, Catalog.PastDueAccess PastDue, Catalog.AfterRetries AfterRetries, Catalog.MissedPeriods MissedPeriods)
{
    public static RenewalRules Of(Catalog.RenewalPolicy policy, SubscriptionOptions options) => new(
        policy.RetryDays is { } days ? days.Select(d => TimeSpan.FromDays(d)).ToList() : options.RetrySchedule,
        TimeSpan.FromDays(policy.RemindDaysBefore ?? options.RemindDaysBefore), policy.PastDue, policy.AfterRetries, policy.MissedPeriods);

    /// <summary>The rules of a subscription to <paramref name="plan"/>; the defaults when the plan is gone.</summary>
    public static RenewalRules Of(Catalog.Plan? plan, SubscriptionOptions options) => Of(plan?.Renewal ?? Catalog.RenewalPolicy.Default, options);

    public static async Task<RenewalRules> OfAsync(PaydeskDb db, Subscription subscription, SubscriptionOptions options, CancellationToken ct) =>
        Of(await db.Plans.AsNoTracking().FirstOrDefaultAsync(p => p.Id == subscription.PlanId, ct), options);

    /// <summary>When the customer is told of the renewal at the end of <paramref name="paid"/>; null when never (no reminder, or a period too short for one).</summary>
    public DateTimeOffset? RemindAt(SubscriptionPeriod paid) =>
        RemindBefore > TimeSpan.Zero && paid.EndsAt - RemindBefore > paid.StartsAt ? paid.EndsAt - RemindBefore : null;

    /// <summary>When the renewal job next looks at a subscription whose last period, <paramref name="paid"/>, is paid.</summary>
    public DateTimeOffset FirstLook(SubscriptionPeriod paid, DateTimeOffset now) => RemindAt(paid) is { } at && at > now ? at : paid.EndsAt;

    /// <summary>When attempt <paramref name="failed"/> + 1 at a period is due, the last having failed at <paramref name="lastFailedAt"/>; null when the retries are spent.</summary>
    public DateTimeOffset? RetryAt(int failed, DateTimeOffset lastFailedAt) => failed <= Retries.Count ? lastFailedAt + Retries[failed - 1] : null;
}

public sealed class SubscriptionOptions
{
    public static readonly IReadOnlyList<TimeSpan> DefaultRetries = [TimeSpan.FromDays(1), TimeSpan.FromDays(3), TimeSpan.FromDays(5)];

    /// <summary>
    /// The waits before each new attempt at a renewal whose charge failed (<c>Subscriptions:Retries:0</c>, <c>:1</c>…),
    /// for plans that set none; when not set, 3 retries after 1, 3 and 5 days. (Set here, it replaces the default rather than adding to it.)
    /// </summary>
    public List<TimeSpan>? Retries { get; set; }

    public IReadOnlyList<TimeSpan> RetrySchedule => Retries is { Count: > 0 } set ? set : DefaultRetries;

    /// <summary>How many days before a renewal its customer is told of it, for plans that set none; 0 for no reminders.</summary>
    public int RemindDaysBefore { get; set; } = 3;

    /// <summary>
    /// How long the run that recorded a renewal's payment has to charge it before another run may (charging it again
    /// under the same key, which the provider answers with the first charge): longer than a provider's call takes to time out.
    /// </summary>
    public TimeSpan ChargingFor { get; set; } = TimeSpan.FromMinutes(2);
}

internal sealed class RenewSubscriptionJob : IJobHandler
{
    public string Kind => RenewSubscription.JobKind;

    public async Task<JobOutcome> RunAsync(JobRun run, IServiceProvider services, CancellationToken ct) =>
        await services.GetRequiredService<RenewSubscription>().RunAsync(run.Payload, ct) is { } next ? JobOutcome.Later(next) : JobOutcome.Done;
}
