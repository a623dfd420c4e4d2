using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Api.Pages;
using Paydesk.Core;
using Paydesk.Invoices;
using Paydesk.Storage;
using Paydesk.Subscriptions;
using Paydesk.Tenancy;

namespace Paydesk.Web.Admin;

public sealed record SubscriptionListRow(string Id, string Customer, string Plan, string Status, string Tone, string? Next, int Missed, string Created);

public sealed record ChargeRow(string PaymentId, string Label, string Status, string When);

public sealed record PeriodRow(int Number, string From, string To, string Status, string Tone, IReadOnlyList<ChargeRow> Charges);

public sealed record SubscriptionPage(
    string Id, string Customer, string CustomerId, string Plan, string Price, string Status, string Tone, string? Next, int Missed,
    IReadOnlyList<PeriodRow> Periods, IReadOnlyList<string> Changes, bool CanCancel, bool CanComp);

/// <summary>
/// <c>/admin/{tenant}/subscriptions</c>: every subscription of the tenant, newest first, with its next charge and the
/// periods it missed; one subscription's page shows its periods, each period's charges and retries, and its plan changes,
/// and lets an admin cancel it (now or at the period's end) or give a period free — <see cref="ManageSubscription"/>'s
/// commands, as the API's, written to the audit log.
/// </summary>
internal static partial class AdminPages
{
    public static void MapSubscriptionPages(this RouteGroupBuilder admin)
    {
        admin.MapGet("/subscriptions", async (string slug, HttpContext http, PaydeskDb db, TimeProvider time, CancellationToken ct) =>
        {
            var opening = await OpenAsync(http, db, slug, ct);
            if (opening.Staff is not { } staff) return opening.Refusal(http);
            var (tenant, frame, _) = staff;
            var culture = frame.Culture;
            var zone = Display.Zone(tenant.TimeZone);
            var now = time.GetUtcNow();
            var subscriptions = await db.Subscriptions.AsNoTracking().Include(s => s.Periods).OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id).Take(100).ToListAsync(ct);
            var names = await CustomerNamesAsync(db, subscriptions.Select(s => s.CustomerId), ct);
            var plans = await db.Plans.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.Name, ct);
            var statuses = Account.SubscriptionPortalWords.All.For(culture).Statuses;
            return HtmlPages.Page<SubscriptionsView>(http, new
            {
                Frame = frame,
                Rows = subscriptions.Select(s =>
                {
                    var view = SubscriptionView.From(s, s.Periods, now, withPeriods: false);
                    return new SubscriptionListRow(s.Id, names.GetValueOrDefault(s.CustomerId, s.CustomerId), plans.GetValueOrDefault(s.PlanId, s.PlanId),
                        statuses[s.Status], Account.SubscriptionPortal.Tone(s.Status), Next(view, s, zone, culture), view.MissedPeriods, Display.Date(s.CreatedAt, zone, culture));
                }).ToList(),
            });
        });

        admin.MapGet("/subscriptions/{id}", async (string slug, string id, string? done, string? error, HttpContext http, PaydeskDb db, TimeProvider time, CancellationToken ct) =>
        {
            var opening = await OpenAsync(http, db, slug, ct);
            if (opening.Staff is not { } staff) return opening.Refusal(http);
            var (tenant, frame, role) = staff;
            var subscription = await db.Subscriptions.AsNoTracking().Include(s => s.Periods).FirstOrDefaultAsync(s => s.Id == id, ct);
            if (subscription is null) return Results.NotFound();
            var culture = frame.Culture;
            var zone = Display.Zone(tenant.TimeZone);
            var w = AdminSubscriptionWords.All.For(culture);
            var paymentStatuses = AdminWords.All.For(culture).PaymentStatuses;
            var purposes = subscription.Periods.Select(p => RenewalPurpose.For(p.Id)).ToList();
            var payments = await db.Payments.AsNoTracking().Where(p => purposes.Contains(p.Purpose)).OrderBy(p => p.CreatedAt).ToListAsync(ct);
            var plans = await db.Plans.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.Name, ct);
            var changes = await db.PlanChanges.AsNoTracking().Where(c => c.SubscriptionId == id).OrderBy(c => c.CreatedAt).ThenBy(c => c.Id).ToListAsync(ct);
            var customer = (await CustomerNamesAsync(db, [subscription.CustomerId], ct)).GetValueOrDefault(subscription.CustomerId, subscription.CustomerId);
            string Date(DateTimeOffset at) => Display.Date(at, zone, culture);
            var view = SubscriptionView.From(subscription, subscription.Periods, time.GetUtcNow(), withPeriods: false);
            var periods = subscription.Periods.OrderByDescending(p => p.Number).Select(p => new PeriodRow(
                p.Number, Date(p.StartsAt), Date(p.EndsAt),
                p.Status == PeriodStatus.Open ? w.Open : p.Comped ? w.Comped : p.Trial ? w.Trial : w.Paid, p.Status == PeriodStatus.Open ? "bad" : "good",
                payments.Where(x => x.Purpose == RenewalPurpose.For(p.Id)).Select(x => new ChargeRow(x.Id,
                    RenewalPurpose.AttemptOf(x, p.Id) is { } n ? w.Attempt(n) : w.ByHand, paymentStatuses[x.Status], Display.Time(x.UpdatedAt, zone, culture))).ToList())).ToList();
            return HtmlPages.Page<SubscriptionAdminView>(http, new
            {
                Frame = frame,
                Page = new SubscriptionPage(subscription.Id, customer, subscription.CustomerId, plans.GetValueOrDefault(subscription.PlanId, subscription.PlanId),
                    $"{Display.Amount(subscription.Price, culture)} / {subscription.Interval}", Account.SubscriptionPortalWords.All.For(culture).Statuses[subscription.Status],
                    Account.SubscriptionPortal.Tone(subscription.Status), Next(view, subscription, zone, culture), view.MissedPeriods, periods,
                    changes.Select(c => $"{Date(c.CreatedAt)}: {plans.GetValueOrDefault(c.FromPlanId, c.FromPlanId)} → {plans.GetValueOrDefault(c.ToPlanId, c.ToPlanId)}, " +
                        $"{c.Kind.ToString().ToLowerInvariant()}, {c.Status.ToString().ToLowerInvariant()}, {Display.Amount(c.DueMinor, c.Currency, culture)}").ToList(),
                    CanCancel: role == Role.TenantAdmin && !SubscriptionStates.IsFinal(subscription.Status),
                    CanComp: role == Role.TenantAdmin && subscription.Status is SubscriptionStatus.Active or SubscriptionStatus.PastDue && subscription.CancelsAt is null),
                Notice = error ?? (done is null ? null : AdminWords.All.For(culture).Done), NoticeIsError = error is not null,
            });
        });

        admin.MapPost("/subscriptions/{id}/cancel", async (string slug, string id, HttpContext http, PaydeskDb db, ManageSubscription manage, Audit audit, CancellationToken ct) =>
        {
            var opening = await OpenAsync(http, db, slug, ct);
            if (opening.Staff is not { Role: Role.TenantAdmin } staff) return opening.Staff is null ? opening.Refusal(http) : Results.NotFound();
            if (await Visitors.FormAsync(http, ct) is not { } form) return Results.BadRequest();
            var now = form["at"].ToString() == "now";
            return await ManageAsync(db, staff, audit, id, now ? "cancel-now" : "cancel-at-period-end", () => manage.CancelAsync(id, now, ct), ct);
        });

        admin.MapPost("/subscriptions/{id}/comp", async (string slug, string id, HttpContext http, PaydeskDb db, ManageSubscription manage, Audit audit, CancellationToken ct) =>
        {
            var opening = await OpenAsync(http, db, slug, ct);
            if (opening.Staff is not { Role: Role.TenantAdmin } staff) return opening.Staff is null ? opening.Refusal(http) : Results.NotFound();
            if (await Visitors.FormAsync(http, ct) is null) return Results.BadRequest();
            return await ManageAsync(db, staff, audit, id, "comp-period", () => manage.CompAsync(id, ct), ct);
        });
    }

    private static string? Next(SubscriptionView view, Subscription s, NodaTime.DateTimeZone zone, System.Globalization.CultureInfo culture) =>
        s.CancelsAt is { } cancels ? AdminSubscriptionWords.All.For(culture).CancelsOn(Display.Date(cancels, zone, culture))
        : view.NextChargeAt is { } at ? $"{Display.Date(at, zone, culture)} · {Display.Amount(s.Price, culture)}" : null;

    /// <summary>One command on a subscription, written to the audit log with its status before and after; back to its page, with what went wrong if anything did.</summary>
    private static async Task<IResult> ManageAsync(PaydeskDb db, Staff staff, Audit audit, string id, string action, Func<Task<Result<Subscription>>> command, CancellationToken ct)
    {
        var back = $"{staff.Frame.Root}/subscriptions/{Uri.EscapeDataString(id)}";
        var before = await db.Subscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (before is null) return Results.NotFound();
        var done = await command();
        if (done.Problem is { } problem) return Results.LocalRedirect($"{back}?error={Uri.EscapeDataString(problem.Detail ?? problem.Title)}");
        await audit.RecordAsync(db, staff.User, action, "subscription", id,
            new { status = before.Status.ToApi(), cancelsAt = before.CancelsAt }, new { status = done.Value!.Status.ToApi(), cancelsAt = done.Value.CancelsAt }, ct);
        return Results.LocalRedirect($"{back}?done={action}");
    }
}
