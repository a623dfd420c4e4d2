using Microsoft.EntityFrameworkCore;
using Paydesk.Core;
using Paydesk.Storage;

namespace Paydesk.Subscriptions;

/// <summary>
/// What a paid line that renews (a plan sold by its billing interval) starts: who, which plan at
/// which price and interval, in which time zone, from when, and the payment that paid the first period.
/// </summary>
public sealed record SubscriptionStart(
    string CustomerId, string OrderId, string OrderLineId, string PlanId, int PlanVersion, Money Price, BillingInterval Interval,
    NodaTime.DateTimeZone Zone, DateTimeOffset StartsAt, string PaymentId, string Provider, string ProviderAccountId);

/// <summary>
/// Starts the subscription a fulfilled order line bought, in the fulfilment's transaction: active,
/// its first period (number 0) paid by the order's payment and granted by the order's own grants,
/// and its renewal due at that period's end. One per order line (a unique key): a fulfilment run
/// again starts nothing new.
/// </summary>
public sealed class StartSubscription(IdGenerator ids, Jobs.JobQueue jobs, Microsoft.Extensions.Options.IOptions<SubscriptionOptions> options)
{
    /// <summary>Adds the subscription unless the line has one; answers the new one, or null.</summary>
    public async Task<Subscription?> RunAsync(PaydeskDb db, SubscriptionStart start, DateTimeOffset now, CancellationToken ct)
    {
        if (await db.Subscriptions.AnyAsync(s => s.OrderLineId == start.OrderLineId, ct)) return null;
        var subscription = new Subscription
        {
            TenantId = "", Id = ids.New("sub"), CustomerId = start.CustomerId, PlanId = start.PlanId, PlanVersion = start.PlanVersion,
            AmountMinor = start.Price.Minor, Currency = start.Price.Currency.Code, IntervalUnit = start.Interval.Unit, IntervalCount = start.Interval.Count,
            TimeZone = start.Zone.Id, AnchorAt = start.StartsAt, Status = SubscriptionStatus.Active, Provider = start.Provider, ProviderAccountId = start.ProviderAccountId,
            OrderId = start.OrderId, OrderLineId = start.OrderLineId, CreatedAt = now, UpdatedAt = now,
        };
        subscription.Periods.Add(new SubscriptionPeriod
        {
            TenantId = "", Id = ids.New("per"), SubscriptionId = subscription.Id, CustomerId = start.CustomerId, Number = 0,
            StartsAt = start.StartsAt, EndsAt = start.Interval.Boundary(start.StartsAt, start.Zone, 1), Status = PeriodStatus.Paid,
            PaymentId = start.PaymentId, PaidAt = start.StartsAt, CreatedAt = now,
        });
        db.Subscriptions.Add(subscription);
        var rules = await RenewalRules.OfAsync(db, subscription, options.Value, ct);
        jobs.Add(db, RenewSubscription.JobKind, subscription.Id, rules.FirstLook(subscription.Periods[0], now));
        return subscription;
    }
}
