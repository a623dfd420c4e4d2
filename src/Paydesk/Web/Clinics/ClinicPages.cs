using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Api.Pages;
using Paydesk.Core;
using Paydesk.Customers;
using Paydesk.Entitlements;
using Paydesk.Invoices;
using Paydesk.Orders;
using Paydesk.Payments;
using Paydesk.Storage;
using Paydesk.Tenancy;
using Paydesk.Web.Shop;

namespace Paydesk.Web.Clinics;

/// <summary>A row of the clinic's purchase history.</summary>
public sealed record HistoryRow(string What, string When, string Amount, string Status, string Tone, string ActiveUntil);

/// <summary>What <see cref="BillingView"/> shows.</summary>
public sealed record BillingPage(
    CultureInfo Culture, string Platform, string Clinic, string ClinicId, IReadOnlyList<PlanCard> Options, IReadOnlyList<(int Months, string Label)> Periods,
    IReadOnlyList<string> Picked, int Term, string Total, IReadOnlyList<HistoryRow> History, string? Notice = null, bool Canceled = false);

/// <summary>
/// The clinic's pages on the platform it is listed on. <c>/profile/clinics/{clinicId}</c> and its
/// <c>/billing</c> are for the clinic's own people only (a user whose membership, or emailed link,
/// makes them that customer of the platform): anyone else gets a 404, as for a clinic that does not
/// exist. The billing page buys listing options — the platform's plans sold by term — for the
/// picked period, through the same pricing, order and checkout commands as the API.
/// <c>/clinics/{clinicId}</c> is public: the clinic's name and the badges it holds now.
/// </summary>
internal static class ClinicPages
{
    public static readonly int[] Terms = [1, 3, 6, 12];

    public static void MapClinicPages(this WebApplication app)
    {
        var profile = app.MapGroup("/profile/clinics/{clinicId}").ExcludeFromDescription();

        profile.MapGet("/", async (string clinicId, HttpContext http, PaydeskDb db, TimeProvider time, CancellationToken ct) =>
        {
            var opening = await OpenAsync(http, db, clinicId, ct);
            if (opening.Value is not { } open) return opening.Refusal(http);
            return HtmlPages.Page<ClinicProfileView>(http, new
            {
                open.Culture, Platform = open.Tenant.Name, Clinic = open.Customer.Name, ClinicId = Uri.EscapeDataString(clinicId),
                Badges = await BadgesAsync(db, open.Customer.Id, time, ct),
            });
        });

        profile.MapGet("/billing", async (string clinicId, int? term, string? canceled, HttpContext http, PaydeskDb db, PriceOrder pricing, CancellationToken ct) =>
        {
            var opening = await OpenAsync(http, db, clinicId, ct);
            if (opening.Value is not { } open) return opening.Refusal(http);
            var page = await PageAsync(db, pricing, open, [], term ?? 1, ct);
            if (canceled is not null && await db.Payments.AsNoTracking().AnyAsync(p => p.Id == canceled && p.Status != PaymentStatus.Succeeded, ct))
                page = page with { Notice = ClinicWords.All.For(open.Culture).NotCompletedText, Canceled = true };
            return HtmlPages.Page<BillingView>(http, new { Page = page }, HtmlPages.CheckoutPolicy);
        });

        // What the total comes to for the options ticked: htmx asks on every change; nothing is kept.
        profile.MapGet("/billing/total", async (string clinicId, string[]? plan, int? term, HttpContext http, PaydeskDb db, PriceOrder pricing, CancellationToken ct) =>
        {
            var opening = await OpenAsync(http, db, clinicId, ct);
            if (opening.Value is not { } open) return opening.Refusal(http);
            return HtmlPages.Page<BillingTotal>(http, new { Text = await TotalAsync(pricing, open, plan ?? [], term ?? 1, ct) }, HtmlPages.CheckoutPolicy);
        });

        profile.MapPost("/billing", async (string clinicId, HttpContext http, PaydeskDb db, PriceOrder pricing, PlaceOrder place, StartCheckout checkout,
            ProviderRegistry providers, PublicAddress address, CancellationToken ct) =>
        {
            var opening = await OpenAsync(http, db, clinicId, ct);
            if (opening.Value is not { } open) return opening.Refusal(http);
            if (await Visitors.FormAsync(http, ct) is not { } form) return Results.BadRequest();
            var picked = form["plan"].OfType<string>().Distinct().ToList();
            var term = int.TryParse(form["term"], NumberStyles.None, CultureInfo.InvariantCulture, out var months) && Terms.Contains(months) ? months : 1;
            var w = ClinicWords.All.For(open.Culture);
                async Task<IResult> Again(string notice, int status) =>
                HtmlPages.Page<BillingView>(http, new { Page = (await PageAsync(db, pricing, open, picked, term, ct)) with { Notice = notice } }, HtmlPages.CheckoutPolicy, status);
            if (picked.Count == 0) return await Again(w.PickOne, StatusCodes.Status400BadRequest);

            var order = await place.Run(new OrderInput(open.Customer.Id, picked.Select(p => new OrderLineInput(p, term, 1, null)).ToList()), ct);
            if (order.Problem is { } refused) return await Again(refused.Detail ?? refused.Title, refused.Status);
            var placed = await db.Orders.AsNoTracking().Include(o => o.Lines).FirstAsync(o => o.Id == order.Value!.Id, ct);
            var cancel = new Uri(address.Url, $"profile/clinics/{Uri.EscapeDataString(clinicId)}/billing?term={term}&canceled={{PAYMENT_ID}}");
            var started = await checkout.Run(OrderPurpose.For(placed.Id), placed.CustomerId, placed.Total, placed.Summary(),
                new CheckoutInput(null, null, cancel.ToString()), ct);
            if (started.Problem is { } failed) return await Again(failed.Detail ?? failed.Title, failed.Status);
            return started.Value!.RedirectUrl is { } url ? Results.Redirect(url) : await Again(w.NotCompletedText, StatusCodes.Status502BadGateway);
        }).LimitedBy(RateLimit.PageCheckoutPerAddress);

        app.MapGet("/clinics/{clinicId}", async (string clinicId, HttpContext http, PaydeskDb db, TimeProvider time, CancellationToken ct) =>
        {
            if (await Installation.TenantOfClinicAsync(db, clinicId, ct) is not { } tenantId) return Results.NotFound();
            db.Tenant.Set(tenantId, Role.Staff);
            var platform = await db.Tenants.AsNoTracking().FirstAsync(t => t.Id == tenantId, ct);
            var clinic = await db.Customers.AsNoTracking().FirstOrDefaultAsync(c => c.Id == clinicId && c.ArchivedAt == null, ct);
            if (clinic is null) return Results.NotFound();
            return HtmlPages.Page<PublicClinicView>(http, new
            {
                Culture = PageLanguage.Of(http), Platform = platform.Name, Clinic = clinic.Name, ClinicId = Uri.EscapeDataString(clinicId),
                Badges = await BadgesAsync(db, clinic.Id, time, ct),
            });
        }).ExcludeFromDescription();
    }

    /// <summary>The clinic, opened as the platform's customer it is; or why not.</summary>
    private sealed record Opened(Tenant Tenant, Customer Customer, CultureInfo Culture);

    private readonly record struct Opening(Opened? Value, bool SignedIn, string Back)
    {
        /// <summary>Not signed in: to sign-in, and back. Signed in as someone else: a 404, as for no such clinic.</summary>
        public IResult Refusal(HttpContext http) =>
            SignedIn ? Results.NotFound() : Results.LocalRedirect($"/sign-in?back={Uri.EscapeDataString(Back)}");
    }

    private static async Task<Opening> OpenAsync(HttpContext http, PaydeskDb db, string clinicId, CancellationToken ct)
    {
        var back = http.Request.Path.Value ?? "/";
        var visitor = await Visitors.OfAsync(http, db, ct);
        if (visitor.TenantWhereCustomer(clinicId) is not { } tenantId) return new Opening(null, visitor.SignedIn, back);
        db.Tenant.Set(tenantId, Role.Customer, clinicId);
        var customer = await db.Customers.AsNoTracking().FirstOrDefaultAsync(c => c.Id == clinicId && c.ArchivedAt == null, ct);
        if (customer is null) return new Opening(null, true, back);
        var tenant = await db.Tenants.AsNoTracking().FirstAsync(t => t.Id == tenantId, ct);
        return new Opening(new Opened(tenant, customer, Languages.Culture(customer.Locale)), true, back);
    }

    private static async Task<BillingPage> PageAsync(PaydeskDb db, PriceOrder pricing, Opened open, IReadOnlyList<string> picked, int term, CancellationToken ct)
    {
        var culture = open.Culture;
        var common = CommonWords.All.For(culture);
        var options = (await PlanCards.LoadAsync(db, culture, onlyPlanId: null, ct)).Where(p => p.Termed).ToList();
        var periods = Terms.Select(m => (m, common.Period(IntervalUnit.Month, m, culture))).ToList();
        return new BillingPage(culture, open.Tenant.Name, open.Customer.Name, Uri.EscapeDataString(open.Customer.Id), options, periods, picked, term,
            await TotalAsync(pricing, open, picked, term, ct), await HistoryAsync(db, open, ct));
    }

    private static async Task<string> TotalAsync(PriceOrder pricing, Opened open, IReadOnlyList<string> picked, int term, CancellationToken ct)
    {
        var w = ClinicWords.All.For(open.Culture);
        if (picked.Count == 0) return w.PickOne;
        var quote = await pricing.Run(new OrderInput(null, picked.Distinct().Select(p => new OrderLineInput(p, term, 1, null)).ToList()), orderId: "", customerRequired: false, ct);
        if (quote.Problem is { } problem) return problem.Message;
        return $"{w.Total}: {Display.Amount(quote.Value!.TotalMinor, quote.Value.Currency.Code, open.Culture)}";
    }

    private static async Task<List<HistoryRow>> HistoryAsync(PaydeskDb db, Opened open, CancellationToken ct)
    {
        var w = ClinicWords.All.For(open.Culture);
        var zone = Display.Zone(open.Customer.TimeZone, open.Tenant.TimeZone);
        var orders = await db.Orders.AsNoTracking().Include(o => o.Lines).OrderByDescending(o => o.CreatedAt).Take(50).ToListAsync(ct);
        var ids = orders.Select(o => o.Id).ToList();
        var ends = (await db.Entitlements.AsNoTracking()
                .Where(e => e.SourceKind == OrderPurpose.SourceKind && ids.Contains(e.SourceId) && e.Status == EntitlementStatus.Active && e.EndsAt != null)
                .Select(e => new { e.SourceId, e.EndsAt }).ToListAsync(ct))
            .GroupBy(e => e.SourceId).ToDictionary(g => g.Key, g => g.Max(e => e.EndsAt!.Value));
        return orders.Select(o => new HistoryRow(
            o.SummaryIn(open.Culture), Display.Date(o.CreatedAt, zone, open.Culture), Display.Amount(o.TotalMinor, o.Currency, open.Culture),
            w.Statuses[o.Status],
            ClinicWords.Tone(o.Status),
            ends.TryGetValue(o.Id, out var end) ? Display.Date(end, zone, open.Culture) : "—")).ToList();
    }

    /// <summary>The names of the badges the customer holds now: active, begun and not ended.</summary>
    private static async Task<List<string>> BadgesAsync(PaydeskDb db, string customerId, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var held = (await db.Entitlements.AsNoTracking()
                .Where(e => e.CustomerId == customerId && e.Kind == EntitlementKind.Badge && e.Status == EntitlementStatus.Active)
                .ToListAsync(ct))
            .Where(e => e.StartsAt <= now && (e.EndsAt is null || e.EndsAt > now)).ToList();
        var names = await EntitlementWords.NamesAsync(db, held, ct);
        return held.Select(e => EntitlementWords.NameOf(e, names) ?? e.FeatureKey ?? "").Distinct().Order(StringComparer.CurrentCulture).ToList();
    }
}
