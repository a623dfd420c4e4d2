using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Core;
using Paydesk.Entitlements;
using Paydesk.Jobs;
using Paydesk.Storage;

namespace Paydesk.Subscriptions;

/// <summary>
/// What the customer (from the portal or with their own key) and the merchant do to a subscription:
/// cancel now or at the end of the paid period, undo a scheduled cancel, pause and resume, and
/// (the merchant) comp a period. Each runs with the subscription locked, so it cannot cross a renewal.
/// </summary>
public sealed class ManageSubscription(
    PaydeskDb db, GrantEntitlements grants, JobQueue jobs, Messages.RenewalNotices notices, IdGenerator ids, TimeProvider time,
    Microsoft.Extensions.Options.IOptions<SubscriptionOptions> options, ILogger<ManageSubscription> log)
{
    /// <summary>
    /// Cancels at the end of the paid period (<paramref name="now"/> false: access runs to its end, nothing more is
    /// charged, and it can be undone until then), or now: what the periods still running granted ends now, and nothing
    /// is refunded by it (a refund is the payment's own command).
    /// </summary>
    public Task<Result<Subscription>> CancelAsync(string id, bool now, CancellationToken ct) => ChangeAsync(id, async (subscription, last, at) =>
    {
        if (SubscriptionStates.IsFinal(subscription.Status)) return Problem.Conflict($"Subscription {id} is canceled already.");
        if (!now)
        {
            if (subscription.Status is not (SubscriptionStatus.Active or SubscriptionStatus.Trialing) || last.Status != PeriodStatus.Paid)
                return Problem.Conflict($"Subscription {id} is {subscription.Status.ToApi()}: only an active or trialing one is canceled at its period's end; cancel it now instead.");
            subscription.CancelsAt = last.EndsAt;
            await jobs.EnqueueAsync(db, RenewSubscription.JobKind, subscription.Id, last.EndsAt, ct);
            return null;
        }
        await EndAsync(db, grants, notices, subscription, at, unpaid: false, ct);
        return null;
    }, ct);

    /// <summary>Takes back a cancel scheduled for the period's end: the subscription renews as before.</summary>
    public Task<Result<Subscription>> UndoCancelAsync(string id, CancellationToken ct) => ChangeAsync(id, async (subscription, last, at) =>
    {
        if (subscription.CancelsAt is null || SubscriptionStates.IsFinal(subscription.Status))
            return Problem.Conflict($"Subscription {id} has no cancel to undo.");
        subscription.CancelsAt = null;
        await jobs.EnqueueAsync(db, RenewSubscription.JobKind, subscription.Id, await FirstLookAsync(subscription, last, at, ct), ct);
        return null;
    }, ct);

    /// <summary>Stops renewals: the paid period runs to its end, then nothing is charged or granted until resumed.</summary>
    public Task<Result<Subscription>> PauseAsync(string id, CancellationToken ct) => ChangeAsync(id, (subscription, last, at) =>
    {
        if (subscription.CancelsAt is not null) return Task.FromResult<Problem?>(Problem.Conflict($"Subscription {id} is canceled at its period's end; undo that first."));
        if (!SubscriptionStates.CanMove(subscription.Status, SubscriptionStatus.Paused))
            return Task.FromResult<Problem?>(Problem.Conflict($"Subscription {id} is {subscription.Status.ToApi()}: only an active one is paused."));
        // A renewal being charged now: its outcome would renew what the customer was told is paused.
        if (last.Status != PeriodStatus.Paid)
            return Task.FromResult<Problem?>(Problem.Conflict($"Subscription {id} is being renewed; ask again once its renewal is settled."));
        (subscription.Status, subscription.PausedAt) = (SubscriptionStatus.Paused, at);
        return Task.FromResult<Problem?>(null);
    }, ct);

    /// <summary>
    /// Renews again: within the paid period, at its end as before; after it, a new period starts now (the schedule
    /// counted from now) and is charged at once.
    /// </summary>
    public Task<Result<Subscription>> ResumeAsync(string id, CancellationToken ct) => ChangeAsync(id, async (subscription, last, at) =>
    {
        if (subscription.Status != SubscriptionStatus.Paused) return Problem.Conflict($"Subscription {id} is {subscription.Status.ToApi()}, not paused.");
        (subscription.Status, subscription.PausedAt) = (SubscriptionStatus.Active, null);
        if (last.EndsAt <= at) (subscription.AnchorAt, subscription.AnchorNumber) = (at, last.Number + 1);
        await jobs.EnqueueAsync(db, RenewSubscription.JobKind, subscription.Id, last.EndsAt <= at ? at : await FirstLookAsync(subscription, last, at, ct), ct);
        return null;
    }, ct);

    /// <summary>
    /// Gives a period free: the unpaid one when the subscription is past due (it is active again), else the next one,
    /// made now and paid with no payment, so its renewal charges nothing. Its grants are issued as a paid period's.
    /// </summary>
    public Task<Result<Subscription>> CompAsync(string id, CancellationToken ct) => ChangeAsync(id, async (subscription, last, at) =>
    {
        if (subscription.Status is not (SubscriptionStatus.Active or SubscriptionStatus.PastDue))
            return Problem.Conflict($"Subscription {id} is {subscription.Status.ToApi()}: only an active or past-due one gets a period free.");
        if (subscription.CancelsAt is not null)
            return Problem.Conflict($"Subscription {id} is canceled at its period's end; undo that first.");
        var period = last;
        if (last.Status == PeriodStatus.Paid)
        {
            // One period ahead at most: a second comp (the same form sent twice) gives nothing more.
            if (last.StartsAt > at) return Problem.Conflict($"Subscription {id} has its next period given already.");
            var number = last.Number + 1;
            period = new SubscriptionPeriod
            {
                TenantId = "", Id = ids.New("per"), SubscriptionId = subscription.Id, CustomerId = subscription.CustomerId, Number = number,
                StartsAt = last.EndsAt, EndsAt = subscription.Boundary(number + 1), Status = PeriodStatus.Open, CreatedAt = at,
            };
            db.SubscriptionPeriods.Add(period);
        }
        (period.Status, period.PaidAt, period.Comped) = (PeriodStatus.Paid, at, true);
        if (SubscriptionStates.Decide(subscription.Status, SubscriptionStatus.Active).IsApply) subscription.Status = SubscriptionStatus.Active;
        await grants.IssueAsync(db, new GrantLine(RenewalPurpose.SourceOf(period), period.Id, subscription.CustomerId, subscription.PlanId, subscription.PlanVersion, 1, subscription.Interval)
        {
            Period = (period.StartsAt, period.EndsAt),
        }, subscription.Zone, at, ct);
        log.LogInformation("Subscription {SubscriptionId}: period {Number} is given free", subscription.Id, period.Number);
        await jobs.EnqueueAsync(db, RenewSubscription.JobKind, subscription.Id, await FirstLookAsync(subscription, period, at, ct), ct);
        return null;
    }, ct);

    /// <summary>
    /// Ends the subscription now: canceled, what its periods still running (or kept while past due) granted ends, and
    /// the customer is told. The caller holds the subscription's lock and saves.
    /// </summary>
    internal static async Task EndAsync(PaydeskDb db, GrantEntitlements grants, Messages.RenewalNotices notices, Subscription subscription, DateTimeOffset now, bool unpaid, CancellationToken ct)
    {
        if (!SubscriptionStates.Decide(subscription.Status, SubscriptionStatus.Canceled).IsApply) return;
        (subscription.Status, subscription.CanceledAt, subscription.CancelsAt, subscription.UpdatedAt) = (SubscriptionStatus.Canceled, now, null, now);
        var running = await db.SubscriptionPeriods.Where(p => p.SubscriptionId == subscription.Id && p.EndsAt > now).ToListAsync(ct);
        foreach (var period in running)
        {
            // The first period's grants are the order's own, for the line that bought the subscription.
            if (period.Number == 0) await grants.RevokeAsync(db, new Source(Source.OrderKind, subscription.OrderId), now, ct, subscription.OrderLineId);
            await grants.RevokeAsync(db, RenewalPurpose.SourceOf(period), now, ct);
            await grants.RevokeAsync(db, RenewalPurpose.GraceOf(period), now, ct);
        }
        // What upgrades granted over the rest of a period still running ends with it; a downgrade waiting for the
        // period's end has nothing left to do. (An upgrade still being paid is its payment's to settle: paid after
        // the end, it is refunded.)
        var runningIds = running.Select(p => p.Id).ToList();
        var changes = await db.PlanChanges.Where(c => c.SubscriptionId == subscription.Id
            && ((c.Status == PlanChangeStatus.Applied && runningIds.Contains(c.PeriodId)) || c.Status == PlanChangeStatus.Scheduled)).ToListAsync(ct);
        foreach (var change in changes)
        {
            if (change.Status == PlanChangeStatus.Applied) await grants.RevokeAsync(db, PlanChangePurpose.SourceOf(change), now, ct);
            else (change.Status, change.UpdatedAt) = (PlanChangeStatus.Canceled, now);
        }
        await notices.CanceledAsync(db, subscription, unpaid, ct);
    }

    /// <summary>
    /// The order that started the subscription was refunded in full: nothing more is charged. A period paid by a
    /// payment of its own (or given free) that is running still runs to its end — the order's refund gave none of it
    /// back — and the subscription is canceled then; otherwise it ends now. The caller holds the subscription's lock.
    /// </summary>
    internal static async Task EndWithItsOrderAsync(
        PaydeskDb db, GrantEntitlements grants, Messages.RenewalNotices notices, JobQueue jobs, Subscription subscription, DateTimeOffset now, CancellationToken ct)
    {
        if (SubscriptionStates.IsFinal(subscription.Status)) return;
        var last = await db.SubscriptionPeriods.Where(p => p.SubscriptionId == subscription.Id).OrderByDescending(p => p.Number).FirstAsync(ct);
        if (last.Number > 0 && last.Status == PeriodStatus.Paid && last.EndsAt > now)
        {
            (subscription.CancelsAt, subscription.UpdatedAt) = (last.EndsAt, now);
            await jobs.EnqueueAsync(db, RenewSubscription.JobKind, subscription.Id, last.EndsAt, ct);
            return;
        }
        await EndAsync(db, grants, notices, subscription, now, unpaid: false, ct);
    }

    private async Task<DateTimeOffset> FirstLookAsync(Subscription subscription, SubscriptionPeriod paid, DateTimeOffset now, CancellationToken ct) =>
        (await RenewalRules.OfAsync(db, subscription, options.Value, ct)).FirstLook(paid, now);

    private async Task<Result<Subscription>> ChangeAsync(string id, Func<Subscription, SubscriptionPeriod, DateTimeOffset, Task<Problem?>> change, CancellationToken ct) =>
        // Visible first: a customer's own key reaches only its own (the customer filter), as a read would.
        !await db.Subscriptions.AnyAsync(s => s.Id == id, ct) ? Problem.NotFound("subscription", id) :
        await db.InTransactionAsync<Result<Subscription>>(async () =>
        {
            var subscription = await db.LockedAsync<Subscription>(id, ct);
            if (subscription is null) return Problem.NotFound("subscription", id);
            var last = await db.SubscriptionPeriods.Where(p => p.SubscriptionId == id).OrderByDescending(p => p.Number).FirstAsync(ct);
            var now = time.GetUtcNow();
            if (await change(subscription, last, now) is { } refused) return refused;
            subscription.UpdatedAt = now;
            await db.SaveChangesAsync(ct);
            return subscription;
        }, ct);
}
