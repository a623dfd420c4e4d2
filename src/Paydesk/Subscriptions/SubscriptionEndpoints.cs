using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Core;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Subscriptions;

/// <summary>A billing period as the API shows it.</summary>
/// <param name="Comped">Given free by the merchant: paid with no payment.</param>
/// <param name="Trial">The free trial the subscription began with: paid with no payment.</param>
public sealed record PeriodView(string Id, int Number, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string Status, string? PaymentId, DateTimeOffset? PaidAt, bool Comped, bool Trial)
{
    public static PeriodView From(SubscriptionPeriod p) =>
        new(p.Id, p.Number, p.StartsAt, p.EndsAt, p.Status.ToString().ToLowerInvariant(), p.PaymentId, p.PaidAt, p.Comped, p.Trial);
}

/// <summary>
/// A subscription as the API shows it. <paramref name="CurrentPeriod"/>, <paramref name="NextChargeAt"/>,
/// <paramref name="LastPaidAt"/> and <paramref name="MissedPeriods"/> are read from its periods, not kept beside them.
/// </summary>
/// <param name="NextChargeAt">When the next renewal is charged: the paid period's end, unless the subscription is canceled or cancels then, paused, or past due (its retries say).</param>
/// <param name="LastPaidAt">When a period was last paid (a charge, or given free); a free trial is not a payment.</param>
/// <param name="TrialEndsAt">When its free trial ends (and the first charge is due), for a subscription that began with one.</param>
/// <param name="MissedPeriods">Periods that ended unpaid.</param>
/// <param name="Periods">Every period, oldest first; only when one subscription is read.</param>
public sealed record SubscriptionView(
    string Id, string CustomerId, string PlanId, int PlanVersion, string Status, MoneyView Price, IntervalView Interval, string TimeZone,
    DateTimeOffset AnchorAt, string Provider, string OrderId, PeriodView? CurrentPeriod, DateTimeOffset? NextChargeAt, DateTimeOffset? LastPaidAt,
    int MissedPeriods, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? CanceledAt, DateTimeOffset? CancelsAt, DateTimeOffset? PausedAt,
    IReadOnlyList<PeriodView>? Periods, DateTimeOffset? TrialEndsAt)
{
    public static SubscriptionView From(Subscription s, IReadOnlyList<SubscriptionPeriod> periods, DateTimeOffset now, bool withPeriods)
    {
        var ordered = periods.OrderBy(p => p.Number).ToList();
        var current = ordered.LastOrDefault(p => p.StartsAt <= now) ?? ordered.FirstOrDefault();
        var last = ordered.LastOrDefault();
        return new SubscriptionView(
            s.Id, s.CustomerId, s.PlanId, s.PlanVersion, s.Status.ToApi(), MoneyView.From(s.AmountMinor, s.Currency), IntervalView.From(s.Interval),
            s.TimeZone, s.AnchorAt, s.Provider, s.OrderId, current is null ? null : PeriodView.From(current),
            s.Status is SubscriptionStatus.Active or SubscriptionStatus.Trialing && s.CancelsAt is null && last?.Status == PeriodStatus.Paid ? last.EndsAt : null, ordered.LastOrDefault(p => p.Status == PeriodStatus.Paid && !p.Trial)?.PaidAt,
            ordered.Count(p => p.Status == PeriodStatus.Open && p.EndsAt <= now), s.CreatedAt, s.UpdatedAt, s.CanceledAt, s.CancelsAt, s.PausedAt, withPeriods ? ordered.Select(PeriodView.From).ToList() : null,
            ordered.FirstOrDefault(p => p.Trial)?.EndsAt);
    }
}

/// <param name="At"><c>period_end</c> (the default) or <c>now</c>.</param>
public sealed record CancelInput(string? At);

/// <summary>Where the provider's page sends the customer back to; Paydesk's own return pages when left out.</summary>
public sealed record UpdateCardInput(string? SuccessUrl, string? CancelUrl);

internal static class SubscriptionEndpoints
{
    public static IServiceCollection AddSubscriptions(this IServiceCollection services, IConfiguration configuration) => services
        .Configure<SubscriptionOptions>(configuration.GetSection("Subscriptions"))
        .AddScoped<StartSubscription>().AddScoped<RenewSubscription>().AddScoped<ManageSubscription>().AddScoped<ChangePlan>().AddScoped<UpdateCard>()
        .AddScoped<Payments.IPaymentPurpose, CardUpdatePurpose>().AddScoped<Payments.IPaymentPurpose, PlanChangePurpose>().AddScoped<Messages.RenewalNotices>().AddSingleton<Jobs.IJobHandler, RenewSubscriptionJob>()
        .AddScoped<Payments.IPaymentPurpose, RenewalPurpose>().AddSingleton<Payments.IChargesSavedMethods, SubscriptionMethods>();

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

        subscriptions.MapPost("/{id}/cancel", async (string id, CancelInput? input, ManageSubscription manage, PaydeskDb db, TimeProvider time, CancellationToken ct) =>
        {
            var at = input?.At ?? "period_end";
            if (at is not ("now" or "period_end")) return Problem.Invalid("at", "must be now or period_end.").ToHttp();
            return await ViewAsync(await manage.CancelAsync(id, now: at == "now", ct), db, time, ct);
        }).Revises<SubscriptionView>().WithName("cancelSubscription")
            .WithSummary("Cancel a subscription at the end of its paid period (undoable until then), or now (access ends now; nothing is refunded)");

        subscriptions.MapPost("/{id}/undo-cancel", async (string id, ManageSubscription manage, PaydeskDb db, TimeProvider time, CancellationToken ct) =>
            await ViewAsync(await manage.UndoCancelAsync(id, ct), db, time, ct))
            .Revises<SubscriptionView>().WithName("undoCancelSubscription").WithSummary("Take back a cancel scheduled for the period's end");

        subscriptions.MapPost("/{id}/pause", async (string id, ManageSubscription manage, PaydeskDb db, TimeProvider time, CancellationToken ct) =>
            await ViewAsync(await manage.PauseAsync(id, ct), db, time, ct))
            .Revises<SubscriptionView>().WithName("pauseSubscription").WithSummary("Pause renewals: the paid period runs to its end, then nothing is charged until resumed");

        subscriptions.MapPost("/{id}/resume", async (string id, ManageSubscription manage, PaydeskDb db, TimeProvider time, CancellationToken ct) =>
            await ViewAsync(await manage.ResumeAsync(id, ct), db, time, ct))
            .Revises<SubscriptionView>().WithName("resumeSubscription").WithSummary("Resume a paused subscription: a period after the paid one starts now and is charged");

        subscriptions.MapPost("/{id}/change-plan", async (string id, PlanChangeInput input, ChangePlan change, CancellationToken ct) =>
            (await change.RunAsync(id, input, ct)).Ok())
            .Reads<PlanChangeView>().ProducesProblem(StatusCodes.Status409Conflict).WithName("changeSubscriptionPlan")
            .WithSummary("Move to another plan of the same interval: up now, the rest of the period prorated and charged; down at the period's end. preview: only say what it costs");

        subscriptions.MapPost("/{id}/update-card", async (string id, UpdateCardInput? input, UpdateCard update, CancellationToken ct) =>
            (await update.RunAsync(id, input?.SuccessUrl, input?.CancelUrl, ct)).Created(c => $"/api/v1/payments/{c.PaymentId}"))
            .LimitedBy(RateLimit.CheckoutPerKey).WithMetadata(new CommitsInSteps()).Creates<Payments.CheckoutView>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status502BadGateway)
            .WithName("updateSubscriptionCard")
            .WithSummary("A new card for the renewals, given on the provider's page: a checkout that charges nothing and keeps the card (Mock, Stripe)");

        subscriptions.MapGet("/{id}/plan-changes", async (string id, PaydeskDb db, CancellationToken ct) =>
        {
            if (!await db.Subscriptions.AnyAsync(s => s.Id == id, ct)) return Problem.NotFound("subscription", id).ToHttp();
            var changes = await db.PlanChanges.AsNoTracking().Where(c => c.SubscriptionId == id).OrderBy(c => c.CreatedAt).ThenBy(c => c.Id).ToListAsync(ct);
            return Results.Ok(changes.Select(PlanChangeView.From).ToList());
        }).Produces<List<PlanChangeView>>().ProducesProblem(StatusCodes.Status404NotFound).WithName("listSubscriptionPlanChanges").WithSummary("The plan changes asked of a subscription, oldest first");

        subscriptions.MapPost("/{id}/comp", async (string id, ManageSubscription manage, PaydeskDb db, TimeProvider time, CancellationToken ct) =>
            await ViewAsync(await manage.CompAsync(id, ct), db, time, ct))
            .RequireAuthorization(Policies.Admin).Revises<SubscriptionView>().WithName("compSubscriptionPeriod")
            .WithSummary("Give a period free: the unpaid one of a past-due subscription, else the next");
    }

    private static async Task<IResult> ViewAsync(Result<Subscription> changed, PaydeskDb db, TimeProvider time, CancellationToken ct)
    {
        if (changed.Problem is { } problem) return problem.ToHttp();
        var id = changed.Value!.Id;
        db.ChangeTracker.Clear();
        var subscription = await db.Subscriptions.AsNoTracking().Include(s => s.Periods).FirstAsync(s => s.Id == id, ct);
        return Results.Ok(SubscriptionView.From(subscription, subscription.Periods, time.GetUtcNow(), withPeriods: true));
    }
}
