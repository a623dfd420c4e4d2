using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Api.Pages;
using Paydesk.Core;
using Paydesk.Invoices;
using Paydesk.Payments;
using Paydesk.Storage;
using Paydesk.Subscriptions;
using Paydesk.Tenancy;

namespace Paydesk.Web.Account;

public sealed record PlanOption(string Id, string Name, string Price);

/// <summary>A subscription as its customer sees it on the account page, with what they may do to it now.</summary>
public sealed record SubscriptionRow(
    string Id, string Plan, string Status, string Tone, string? Next, string? Card,
    bool CanCancel, bool CanUndo, bool CanPause, bool CanResume, IReadOnlyList<PlanOption> Plans, bool CanUpdateCard = false);

/// <summary>What the plan-change page shows: the prorated price before the customer confirms.</summary>
public sealed record PlanChangePage(
    CultureInfo Culture, string Merchant, string Slug, string SubscriptionId, string From, string To, string ToPlanId, bool Up,
    string Credit, string Charge, string Due, string EffectiveAt)
{
    /// <summary>The plan the customer is on: choosing it takes back the change waiting for the period's end.</summary>
    public bool Keep { get; init; }
}

/// <summary>
/// The customer's portal for their subscriptions, on their account page (<c>/t/{tenant}/account</c>):
/// plan, status, next charge and card; cancel at the period's end, keep it, pause, resume, change
/// plan after seeing the prorated price, and give a new card on the provider's page (<see cref="UpdateCard"/>). Every command is <see cref="ManageSubscription"/>'s or
/// <see cref="ChangePlan"/>'s, run as the customer (the customer filter: their own subscriptions only).
/// </summary>
internal static class SubscriptionPortal
{
    public static async Task<List<SubscriptionRow>> RowsAsync(
        PaydeskDb db, IReadOnlyList<SavedMethod> cards, IReadOnlySet<string> cardPages, CultureInfo culture, NodaTime.DateTimeZone zone, DateTimeOffset now, Func<int, int, string> expires, CancellationToken ct)
    {
        var w = SubscriptionPortalWords.All.For(culture);
        var subscriptions = await db.Subscriptions.AsNoTracking().Include(s => s.Periods).Where(s => s.Status != SubscriptionStatus.Canceled)
            .OrderBy(s => s.CreatedAt).ToListAsync(ct);
        if (subscriptions.Count == 0) return [];
        var plans = await Catalog.PlanQueries.WithCurrentVersion(db.Plans).AsNoTracking().Where(p => p.ArchivedAt == null).ToListAsync(ct);
        var names = await db.Plans.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        var ids = subscriptions.Select(s => s.Id).ToList();
        var waiting = await db.PlanChanges.AsNoTracking().Where(c => ids.Contains(c.SubscriptionId) && c.Status == PlanChangeStatus.Scheduled).ToListAsync(ct);
        string Date(DateTimeOffset at) => Display.Date(at, zone, culture);

        return subscriptions.Select(s =>
        {
            var view = SubscriptionView.From(s, s.Periods, now, withPeriods: false);
            var change = waiting.FirstOrDefault(c => c.SubscriptionId == s.Id);
            var next = s.CancelsAt is { } ends ? w.Ends(Date(ends))
                : change is not null ? w.Changes(names.GetValueOrDefault(change.ToPlanId, change.ToPlanId), Date(change.EffectiveAt))
                : view.NextChargeAt is { } at ? (s.Status == SubscriptionStatus.Trialing ? w.TrialEnds : w.Renews)(Date(at), Display.Amount(s.Price, culture)) : null;
            var card = cards.FirstOrDefault(m => m.ProviderAccountId == s.ProviderAccountId);
            // A trial is canceled like a paid period; it is paused or changed once it is paid for.
            var cancelable = s.Status is SubscriptionStatus.Active or SubscriptionStatus.Trialing && s.CancelsAt is null;
            var active = s.Status == SubscriptionStatus.Active && s.CancelsAt is null;
            var options = !active ? [] : plans
                .Where(p => p.Id != s.PlanId || change is not null)
                .Select(p => (Plan: p, Price: p.CurrentPrices.FirstOrDefault(x => x.TermMonths is null && x.Interval == s.Interval && x.Currency == s.Currency)))
                .Where(x => x.Price is not null)
                .Select(x => new PlanOption(x.Plan.Id, x.Plan.Name, Display.Amount(x.Price!.Amount, culture))).ToList();
            return new SubscriptionRow(s.Id, names.GetValueOrDefault(s.PlanId, s.PlanId), w.Statuses[s.Status],
                Tone(s.Status), next,
                card is null ? null : CardText.Of(card, expires),
                CanCancel: cancelable, CanUndo: s.CancelsAt is not null, CanPause: active, CanResume: s.Status == SubscriptionStatus.Paused, options,
                CanUpdateCard: cardPages.Contains(s.Provider));
        }).ToList();
    }

    /// <summary>How a status is coloured, here and in the back office.</summary>
    public static string Tone(SubscriptionStatus status) => status switch
    {
        SubscriptionStatus.Active => "good", SubscriptionStatus.PastDue or SubscriptionStatus.Canceled => "bad", _ => "warn",
    };

    private const string NoPage = "The provider opened no page for a new card.";

    public static void MapSubscriptionPortal(this WebApplication app)
    {
        MapCommand(app, "cancel", (m, id, ct) => m.CancelAsync(id, now: false, ct));
        MapCommand(app, "undo-cancel", (m, id, ct) => m.UndoCancelAsync(id, ct));
        MapCommand(app, "pause", (m, id, ct) => m.PauseAsync(id, ct));
        MapCommand(app, "resume", (m, id, ct) => m.ResumeAsync(id, ct));

        // A new card, on the provider's own page; the provider sends the customer back here, where the card shows once it reports it kept.
        app.MapPost("/t/{slug}/account/subscriptions/{id}/card", async (string slug, string id, HttpContext http, PaydeskDb db, UpdateCard update,
            Payments.PublicAddress address, CancellationToken ct) =>
        {
            if (await AsCustomerAsync(http, db, slug, ct) is not { } visitor) return Results.NotFound();
            if (visitor.Redirect is { } signIn) return signIn;
            if (await Visitors.FormAsync(http, ct) is null) return Results.BadRequest();
            var back = new Uri(address.Url, $"t/{Uri.EscapeDataString(visitor.Tenant.Slug)}/account#subscriptions").ToString();
            var started = await update.RunAsync(id, back, back, ct);
            if (started.Problem is { Status: StatusCodes.Status404NotFound }) return Results.NotFound();
            return started.Value?.RedirectUrl is { } page ? Results.Redirect(page) : Back(http, visitor, started.Problem ?? Problem.Conflict(NoPage));
        }).ExcludeFromDescription();

        // The price first: a page that says what changing costs now, and a button that does it.
        app.MapGet("/t/{slug}/account/subscriptions/{id}/change", async (string slug, string id, string? plan, HttpContext http, PaydeskDb db, ChangePlan change, CancellationToken ct) =>
        {
            if (await AsCustomerAsync(http, db, slug, ct) is not { } visitor) return Results.NotFound();
            if (visitor.Redirect is { } signIn) return signIn;
            var preview = await change.RunAsync(id, new PlanChangeInput(plan, Preview: true), ct);
            if (preview.Problem is { Status: StatusCodes.Status404NotFound }) return Results.NotFound();
            if (preview.Problem is { } problem) return Back(http, visitor, problem);
            var p = preview.Value!;
            var names = await db.Plans.AsNoTracking().Where(x => x.Id == p.FromPlanId || x.Id == p.ToPlanId).ToDictionaryAsync(x => x.Id, x => x.Name, ct);
            string Money(MoneyView m) => Display.Amount(m.Amount, m.Currency, visitor.Culture);
            return HtmlPages.Page<PlanChangeConfirm>(http, new
            {
                Page = new PlanChangePage(visitor.Culture, visitor.Tenant.Name, Uri.EscapeDataString(visitor.Tenant.Slug), id,
                    names.GetValueOrDefault(p.FromPlanId, p.FromPlanId), names.GetValueOrDefault(p.ToPlanId, p.ToPlanId), p.ToPlanId, p.Kind == "upgrade",
                    Money(p.Credit), Money(p.Charge), Money(p.Due), Display.Date(p.EffectiveAt, visitor.Zone, visitor.Culture)) { Keep = p.FromPlanId == p.ToPlanId },
            });
        }).ExcludeFromDescription();

        app.MapPost("/t/{slug}/account/subscriptions/{id}/change", async (string slug, string id, HttpContext http, PaydeskDb db, ChangePlan change, CancellationToken ct) =>
        {
            if (await AsCustomerAsync(http, db, slug, ct) is not { } visitor) return Results.NotFound();
            if (visitor.Redirect is { } signIn) return signIn;
            if (await Visitors.FormAsync(http, ct) is not { } form) return Results.BadRequest();
            var changed = await change.RunAsync(id, new PlanChangeInput(form["plan"].ToString(), Preview: false), ct);
            if (changed.Problem is { Status: StatusCodes.Status404NotFound }) return Results.NotFound();
            return Back(http, visitor, changed.Problem ?? (changed.Value!.Status == "failed" ? Problem.Conflict(changed.Value.Status) : null));
        }).ExcludeFromDescription();
    }

    private static void MapCommand(WebApplication app, string command, Func<ManageSubscription, string, CancellationToken, Task<Result<Subscription>>> run) =>
        app.MapPost($"/t/{{slug}}/account/subscriptions/{{id}}/{command}", async (string slug, string id, HttpContext http, PaydeskDb db, ManageSubscription manage, CancellationToken ct) =>
        {
            if (await AsCustomerAsync(http, db, slug, ct) is not { } visitor) return Results.NotFound();
            if (visitor.Redirect is { } signIn) return signIn;
            if (await Visitors.FormAsync(http, ct) is null) return Results.BadRequest();
            var done = await run(manage, id, ct);
            return done.Problem?.Status == StatusCodes.Status404NotFound ? Results.NotFound() : Back(http, visitor, done.Problem);
        }).ExcludeFromDescription();

    private sealed record Customer(Tenant Tenant, CultureInfo Culture, NodaTime.DateTimeZone Zone, IResult? Redirect);

    /// <summary>The signed-in customer of the tenant, with the database scoped to them; a redirect to sign in when not signed in; null for no such tenant.</summary>
    private static async Task<Customer?> AsCustomerAsync(HttpContext http, PaydeskDb db, string slug, CancellationToken ct)
    {
        var tenant = await Visitors.TenantAsync(db, slug, ct);
        if (tenant is null) return null;
        var visitor = await Visitors.OfAsync(http, db, ct);
        if (visitor.CustomerIn(tenant.Id) is not { } customerId)
            return new Customer(tenant, CultureInfo.InvariantCulture, NodaTime.DateTimeZone.Utc, Results.LocalRedirect($"/t/{Uri.EscapeDataString(tenant.Slug)}/sign-in"));
        db.Tenant.Set(tenant.Id, Role.Customer, customerId);
        var customer = await db.Customers.AsNoTracking().FirstAsync(c => c.Id == customerId, ct);
        return new Customer(tenant, Languages.Culture(customer.Locale), Display.Zone(customer.TimeZone, tenant.TimeZone), null);
    }

    /// <summary>Back to the account's subscriptions, saying it is done or why not — sealed, so no link can make the page say anything else.</summary>
    private static IResult Back(HttpContext http, Customer customer, Problem? problem)
    {
        var w = SubscriptionPortalWords.All.For(customer.Culture);
        var said = problem is null ? w.Done : w.NotDone(problem.Detail ?? problem.Title);
        var sealedSaid = Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(Notices(http).Protect(System.Text.Encoding.UTF8.GetBytes(said)));
        return Results.LocalRedirect($"/t/{Uri.EscapeDataString(customer.Tenant.Slug)}/account?said={sealedSaid}#subscriptions");
    }

    /// <summary>What a command said, unsealed; null for anything this Paydesk did not seal.</summary>
    public static string? Said(HttpContext http, string? said)
    {
        if (string.IsNullOrEmpty(said) || said.Length > 2048) return null;
        try
        {
            return System.Text.Encoding.UTF8.GetString(Notices(http).Unprotect(Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlDecode(said)));
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or FormatException)
        {
            return null;
        }
    }

    private static Microsoft.AspNetCore.DataProtection.IDataProtector Notices(HttpContext http) =>
        http.RequestServices.GetRequiredService<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>().CreateProtector("account-notices");
}
