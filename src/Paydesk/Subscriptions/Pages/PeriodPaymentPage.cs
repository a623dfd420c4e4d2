using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Api.Pages;
using Paydesk.Core;
using Paydesk.Invoices;
using Paydesk.Payments;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Subscriptions.Pages;

/// <summary>
/// <c>/subscriptions/periods/{id}/pay?t={token}</c>: where the email about a failed renewal leads.
/// It shows the unpaid period and, while it can be paid, a button that starts a checkout for it at
/// the subscription's provider; the card paid with there is kept for the next renewals. Looking at
/// the page changes nothing; only the button does. Without the right token, a 404.
/// </summary>
public static class PeriodPaymentPage
{
    public static void MapPeriodPaymentPage(this WebApplication app)
    {
        app.MapGet("/subscriptions/periods/{id}/pay", async (string id, string? t, SignedLinks links, PaydeskDb db, HttpContext http, CancellationToken ct) =>
        {
            if (await LoadAsync(id, t, links, db, ct) is not { } page) return Results.NotFound();
            return Render(http, page, t!, await ClosedAsync(db, page, ct), message: null);
        }).ExcludeFromDescription();

        app.MapPost("/subscriptions/periods/{id}/pay", async (string id, HttpContext http, SignedLinks links, PaydeskDb db, StartCheckout checkout, CancellationToken ct) =>
        {
            var form = await RequestText.ReadFormAsync(http.Request, ct);
            if (form is null) return Results.BadRequest();
            var t = form["t"].ToString();
            if (await LoadAsync(id, t, links, db, ct) is not { } page) return Results.NotFound();
            // A checkout opened by an earlier press and not yet paid: back to its page rather than a second one.
            var purpose = RenewalPurpose.For(page.Period.Id);
            var open = await db.Payments.AsNoTracking().Where(p => p.Purpose == purpose && p.Status == PaymentStatus.Pending && p.RedirectUrl != null)
                .Select(p => p.RedirectUrl).FirstOrDefaultAsync(ct);
            if (open is not null) return Results.Redirect(open);
            if (await ClosedAsync(db, page, ct) is { } closed) return Render(http, page, t, closed, message: null);

            var subscription = page.Subscription;
            var started = await checkout.Run(purpose, subscription.CustomerId, subscription.Price, page.PlanName,
                new CheckoutInput(subscription.Provider, null, null, subscription.ProviderAccountId), ct);
            if (started.Problem is { } problem) return Render(http, page, t, null, problem.Detail ?? problem.Title);
            return started.Value!.RedirectUrl is { } url ? Results.Redirect(url) : Render(http, page, t, null, NoPage);
        }).ExcludeFromDescription();
    }

    private sealed record Page(Tenant Tenant, Subscription Subscription, SubscriptionPeriod Period, string PlanName, Customers.Customer Customer);

    private static async Task<Page?> LoadAsync(string id, string? token, SignedLinks links, PaydeskDb db, CancellationToken ct)
    {
        if (links.TenantOf(LinkKind.PeriodPayment, id, token) is not { } tenantId) return null;
        // The token names the tenant and the period; the page acts for the subscription's customer, and no one else.
        db.Tenant.Set(tenantId, Role.Staff);
        var period = await db.SubscriptionPeriods.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
        if (period is null) return null;
        var subscription = await db.Subscriptions.AsNoTracking().FirstAsync(s => s.Id == period.SubscriptionId, ct);
        var tenant = await db.Tenants.AsNoTracking().FirstAsync(x => x.Id == tenantId, ct);
        var customer = await db.Customers.AsNoTracking().FirstAsync(c => c.Id == subscription.CustomerId, ct);
        var plan = await db.Plans.AsNoTracking().Where(p => p.Id == subscription.PlanId).Select(p => p.Name).FirstOrDefaultAsync(ct) ?? subscription.PlanId;
        return new Page(tenant, subscription, period, plan, customer);
    }

    /// <summary>Why the period cannot be paid now; null when it can.</summary>
    private static async Task<string?> ClosedAsync(PaydeskDb db, Page page, CancellationToken ct)
    {
        if (page.Period.Status == PeriodStatus.Paid) return "paid";
        if (SubscriptionStates.IsFinal(page.Subscription.Status)) return "canceled";
        var purpose = RenewalPurpose.For(page.Period.Id);
        return await db.Payments.Where(p => p.Purpose == purpose && p.RedirectUrl == null).AnyAsync(Payment.IsOpen, ct) ? "under-way" : null;
    }

    private static IResult Render(HttpContext http, Page page, string token, string? closed, string? message)
    {
        var culture = Languages.Culture(page.Customer.Locale);
        var words = PeriodPaymentWords.All.For(culture);
        return HtmlPages.Page<PeriodPaymentView>(http, new
        {
            page.Tenant, page.Subscription, page.Period, page.PlanName, Culture = culture, Zone = Display.Zone(page.Customer.TimeZone, page.Subscription.TimeZone),
            Token = token,
            Closed = closed switch { "paid" => words.Paid, "canceled" => words.Canceled, "under-way" => words.UnderWay, _ => null },
            Message = message == NoPage ? words.NoPage : message,
        }, HtmlPages.CheckoutPolicy);
    }

    private const string NoPage = "no-page";
}
