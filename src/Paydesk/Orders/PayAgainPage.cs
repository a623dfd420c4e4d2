using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Core;
using Paydesk.Invoices;
using Paydesk.Payments;
using Paydesk.Storage;
using Paydesk.Tenancy;
using Paydesk.Api.Pages;

namespace Paydesk.Orders;

/// <summary>
/// <c>/orders/{id}/pay?t={token}</c>: where the email about a failed or expired payment leads. It
/// shows the order and, while it can still be paid, a button that starts a new checkout with the
/// provider the customer used before and sends them to its page. Looking at the page changes
/// nothing (mail scanners open links); only the button does. Without the right token, a 404.
/// </summary>
public static class PayAgainPage
{
    public static void MapPayAgainPage(this WebApplication app)
    {
        app.MapGet("/orders/{id}/pay", async (string id, string? t, SignedLinks links, PaydeskDb db, TimeProvider time, HttpContext http, CancellationToken ct) =>
        {
            if (await LoadAsync(id, t, links, db, ct) is not { } page) return Results.NotFound();
            return Render(http, page, t!, Payable(page.Order, time), message: null);
        }).ExcludeFromDescription();

        app.MapPost("/orders/{id}/pay", async (string id, HttpContext http, SignedLinks links, PaydeskDb db, StartCheckout checkout, TimeProvider time, CancellationToken ct) =>
        {
            var form = await RequestText.ReadFormAsync(http.Request, ct);
            if (form is null) return Results.BadRequest();
            var t = form["t"].ToString();
            if (await LoadAsync(id, t, links, db, ct) is not { } page) return Results.NotFound();
            var order = page.Order;
            if (Payable(order, time) is { } notPayable) return Render(http, page, t, notPayable, message: null);

            var provider = await db.Payments.AsNoTracking().Where(p => p.Purpose == OrderPurpose.For(order.Id))
                .OrderByDescending(p => p.CreatedAt).Select(p => p.Provider).FirstOrDefaultAsync(ct);
            var started = await checkout.Run(OrderPurpose.For(order.Id), order.CustomerId, order.Total, order.Summary(), new CheckoutInput(provider, null, null), ct);
            if (started.Problem is { } problem)
                return Render(http, page, t, null, problem.Detail ?? problem.Title);
            return started.Value!.RedirectUrl is { } url ? Results.Redirect(url) : Render(http, page, t, null, NoPage);
        }).ExcludeFromDescription();
    }

    private sealed record Page(Tenant Tenant, Order Order, Customers.Customer Customer);

    private static async Task<Page?> LoadAsync(string id, string? token, SignedLinks links, PaydeskDb db, CancellationToken ct)
    {
        if (links.TenantOf(LinkKind.OrderPayment, id, token) is not { } tenantId) return null;
        // The token names the tenant and the order; the page acts for the order's customer, and no one else.
        db.Tenant.Set(tenantId, Role.Staff);
        var order = await db.Orders.AsNoTracking().Include(o => o.Lines).FirstOrDefaultAsync(o => o.Id == id, ct);
        if (order is null) return null;
        var tenant = await db.Tenants.AsNoTracking().FirstAsync(x => x.Id == tenantId, ct);
        var customer = await db.Customers.AsNoTracking().FirstAsync(c => c.Id == order.CustomerId, ct);
        return new Page(tenant, order, customer);
    }

    /// <summary>Why the order cannot be paid now (<c>expired</c>, <c>canceled</c>, <c>paid</c>); null when it can.</summary>
    private static string? Payable(Order order, TimeProvider time) => order.Status switch
    {
        OrderStatus.AwaitingPayment when order.ExpiresAt > time.GetUtcNow() => null,
        OrderStatus.AwaitingPayment or OrderStatus.Expired => "expired",
        OrderStatus.Canceled => "canceled",
        _ => "paid",
    };

    private static IResult Render(HttpContext http, Page page, string token, string? closed, string? message)
    {
        var culture = Languages.Culture(page.Customer.Locale);
        var words = Pages.PayAgainWords.All.For(culture);
        return HtmlPages.Page<Pages.PayAgainView>(http, new
        {
            page.Tenant, page.Order, Culture = culture, Token = token,
            Closed = closed switch { "expired" => words.Expired, "canceled" => words.Canceled, "paid" => words.Paid, _ => null },
            Message = message == NoPage ? words.NoPage : message,
        }, HtmlPages.CheckoutPolicy);
    }

    private const string NoPage = "no-page";
}
