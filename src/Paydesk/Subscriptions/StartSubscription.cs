using Microsoft.EntityFrameworkCore;
using Paydesk.Core;
using Paydesk.Storage;

namespace Paydesk.Subscriptions;

/// <summary>
/// What a paid line that renews (a plan sold by its billing interval) starts: who, which plan at
/// which price and interval, in which time zone, from when, and the payment that paid the first
/// period — or kept the card for after its free trial of <paramref name="TrialDays"/> days.
/// </summary>
/// <param name="FirstOwed">The line's trial did not hold: period 0 is owed, and charged at once.</param>
public sealed record SubscriptionStart(
    string CustomerId, string OrderId, string OrderLineId, string PlanId, int PlanVersion, Money Price, BillingInterval Interval,
    NodaTime.DateTimeZone Zone, DateTimeOffset StartsAt, string PaymentId, string Provider, string ProviderAccountId, int? TrialDays = null, bool FirstOwed = false);

/// <summary>
/// Starts the subscription a fulfilled order line bought, in the fulfilment's transaction: active,
/// its first period (number 0) paid by the order's payment and granted by the order's own grants,
/// and its renewal due at that period's end. One per order line (a unique key): a fulfilment run
/// again starts nothing new.
/// </summary>
/// <remarks>
/// A line sold with a free trial starts <c>trialing</c>: period 0 is the trial (paid with no
/// payment, as long as the trial), and the schedule is anchored at its end, where the renewal
/// charges the card the order's checkout kept. One trial per customer and plan: pricing gives none
/// to a customer who subscribed to the plan before, and <see cref="TrialHoldsAsync"/> decides,
/// with the customer locked, between two orders that raced for one — the loser starts
/// <c>incomplete</c>, its period 0 charged at once.
/// </remarks>
public sealed class StartSubscription(IdGenerator ids, Jobs.JobQueue jobs, Microsoft.Extensions.Options.IOptions<SubscriptionOptions> options)
{
    /// <summary>
    /// Whether the trial a line was sold with still holds: no other subscription of the customer's
    /// to the plan. Locks the customer until the transaction ends, so two fulfilments decide in turn.
    /// </summary>
    public async Task<bool> TrialHoldsAsync(PaydeskDb db, string customerId, string planId, string orderLineId, CancellationToken ct)
    {
        await db.LockedAsync<Customers.Customer>(customerId, ct);
        return !await db.Subscriptions.AnyAsync(s => s.CustomerId == customerId && s.PlanId == planId && s.OrderLineId != orderLineId, ct);
    }

    /// <summary>Adds the subscription unless the line has one; answers the new one, or null.</summary>
    public async Task<Subscription?> RunAsync(PaydeskDb db, SubscriptionStart start, DateTimeOffset now, CancellationToken ct)
    {
        var unpaid = start.FirstOwed;
        if (await db.Subscriptions.AnyAsync(s => s.OrderLineId == start.OrderLineId, ct)) return null;
        // A trial is period 0, as long as the trial; the schedule counts from its end.
        var trialEnds = start.TrialDays is { } days ? new BillingInterval(IntervalUnit.Day, days).Boundary(start.StartsAt, start.Zone, 1) : (DateTimeOffset?)null;
        var subscription = new Subscription
        {
            TenantId = "", Id = ids.New("sub"), CustomerId = start.CustomerId, PlanId = start.PlanId, PlanVersion = start.PlanVersion,
            AmountMinor = start.Price.Minor, Currency = start.Price.Currency.Code, IntervalUnit = start.Interval.Unit, IntervalCount = start.Interval.Count,
            TimeZone = start.Zone.Id, AnchorAt = trialEnds ?? start.StartsAt, AnchorNumber = trialEnds is null ? 0 : 1,
            Status = unpaid ? SubscriptionStatus.Incomplete : trialEnds is null ? SubscriptionStatus.Active : SubscriptionStatus.Trialing,
            Provider = start.Provider, ProviderAccountId = start.ProviderAccountId,
            OrderId = start.OrderId, OrderLineId = start.OrderLineId, CreatedAt = now, UpdatedAt = now,
        };
        var first = new SubscriptionPeriod
        {
            TenantId = "", Id = ids.New("per"), SubscriptionId = subscription.Id, CustomerId = start.CustomerId, Number = 0,
            StartsAt = start.StartsAt, EndsAt = trialEnds ?? start.Interval.Boundary(start.StartsAt, start.Zone, 1),
            Status = unpaid ? PeriodStatus.Open : PeriodStatus.Paid, Trial = trialEnds is not null,
            PaymentId = unpaid || trialEnds is not null ? null : start.PaymentId, PaidAt = unpaid ? null : start.StartsAt, CreatedAt = now,
        };
        subscription.Periods.Add(first);
        db.Subscriptions.Add(subscription);
        var rules = await RenewalRules.OfAsync(db, subscription, options.Value, ct);
        jobs.Add(db, RenewSubscription.JobKind, subscription.Id, unpaid ? now : rules.FirstLook(first, now));
        return subscription;
    }
}
