using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Core;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Subscriptions;

/// <summary>A billing period as the API shows it.</summary>
public sealed record PeriodView(string Id, int Number, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string Status, string? PaymentId, DateTimeOffset? PaidAt)
{
    public static PeriodView From(SubscriptionPeriod p) =>
        new(p.Id, p.Number, p.StartsAt, p.EndsAt, p.Status.ToString().ToLowerInvariant(), p.PaymentId, p.PaidAt);
}

/// <summary>
/// A subscription as the API shows it. <paramref name="CurrentPeriod"/>, <paramref name="NextChargeAt"/>,
/// <paramref name="LastPaidAt"/> and <paramref name="MissedPeriods"/> are read from its periods, not kept beside them.
/// </summary>
/// <param name="MissedPeriods">Periods that ended unpaid.</param>
/// <param name="Periods">Every period, oldest first; only when one subscription is read.</param>
public sealed record SubscriptionView(
    string Id, string CustomerId, string PlanId, int PlanVersion, string Status, MoneyView Price, IntervalView Interval, string TimeZone,
    DateTimeOffset AnchorAt, string Provider, string OrderId, PeriodView? CurrentPeriod, DateTimeOffset? NextChargeAt, DateTimeOffset? LastPaidAt,
    int MissedPeriods, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? CanceledAt, IReadOnlyList<PeriodView>? Periods)
{
    public static SubscriptionView From(Subscription s, IReadOnlyList<SubscriptionPeriod> periods, DateTimeOffset now, bool withPeriods)
    {
        var ordered = periods.OrderBy(p => p.Number).ToList();
        var current = ordered.LastOrDefault(p => p.StartsAt <= now) ?? ordered.FirstOrDefault();
        var last = ordered.LastOrDefault();
        return new SubscriptionView(
            s.Id, s.CustomerId, s.PlanId, s.PlanVersion, s.Status.ToApi(), MoneyView.From(s.AmountMinor, s.Currency), IntervalView.From(s.Interval),
            s.TimeZone, s.AnchorAt, s.Provider, s.OrderId, current is null ? null : PeriodView.From(current),
            SubscriptionStates.IsFinal(s.Status) ? null : last?.EndsAt, ordered.LastOrDefault(p => p.Status == PeriodStatus.Paid)?.PaidAt,
            ordered.Count(p => p.Status == PeriodStatus.Open && p.EndsAt <= now), s.CreatedAt, s.UpdatedAt, s.CanceledAt, withPeriods ? ordered.Select(PeriodView.From).ToList() : null);
    }
}

internal static class SubscriptionEndpoints
{
    public static IServiceCollection AddSubscriptions(this IServiceCollection services, IConfiguration configuration) => services
        .Configure<SubscriptionOptions>(configuration.GetSection("Subscriptions"))
        .AddScoped<StartSubscription>().AddScoped<RenewSubscription>().AddScoped<Messages.RenewalNotices>().AddSingleton<Jobs.IJobHandler, RenewSubscriptionJob>()
        .AddScoped<Payments.IPaymentPurpose, RenewalPurpose>();

    public static void MapSubscriptions(this RouteGroupBuilder api)
    {
        var subscriptions = api.MapGroup("/subscriptions").WithTags("Subscriptions").RequireAuthorization(Policies.Any);
        subscriptions.MapGet("/", async (PageRequest page, string? customerId, string? status, PaydeskDb db, TimeProvider time, CancellationToken ct) =>
        {
            // The query filter on customer-owned tables: a customer's own key sees only its own.
            IQueryable<Subscription> query = db.Subscriptions.Include(s => s.Periods);
            if (customerId is not null) query = query.Where(s => s.CustomerId == customerId);
            if (status is not null)
            {
                if (!SubscriptionStates.TryParseApi(status, out var wanted))
                    return Problem.Invalid("status", "must be one of incomplete, trialing, active, past_due, paused, canceled.").ToHttp();
                query = query.Where(s => s.Status == wanted);
            }
            var now = time.GetUtcNow();
            return (await page.Run(query, s => SubscriptionView.From(s, s.Periods, now, withPeriods: false), ct)).Ok();
        }).Lists<SubscriptionView>().WithName("listSubscriptions").WithSummary("List subscriptions: recurring plans bought");

        subscriptions.MapGet("/{id}", async (string id, PaydeskDb db, TimeProvider time, CancellationToken ct) =>
        {
            var subscription = await db.Subscriptions.Include(s => s.Periods).FirstOrDefaultAsync(s => s.Id == id, ct);
            return ApiResults.OkOrNotFound(subscription is null ? null : SubscriptionView.From(subscription, subscription.Periods, time.GetUtcNow(), withPeriods: true),
                "subscription", id);
        }).Reads<SubscriptionView>().WithName("getSubscription").WithSummary("Read a subscription with its periods");
    }
}
