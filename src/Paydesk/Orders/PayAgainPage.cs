using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Core;
using Paydesk.Invoices;
using Paydesk.Payments;
using Paydesk.Storage;
using Paydesk.Tenancy;
using static Paydesk.Notifications.Email.EmailHtml;

namespace Paydesk.Orders;

/// <summary>
/// <c>/orders/{id}/pay?t={token}</c>: where the email about a failed or expired payment leads. It
/// shows the order and, while it can still be paid, a button that starts a new checkout with the
/// provider the customer used before and sends them to its page. Looking at the page changes
/// nothing (mail scanners open links); only the button does. Without the right token, a 404.
/// </summary>
public static class PayAgainPage
{
    // The form posts here, then the provider's page takes over: a redirect after a form is held to form-action.
    private const string Policy = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'self' https:; frame-ancestors 'none'";

    public static void MapPayAgainPage(this WebApplication app)
    {
        app.MapGet("/orders/{id}/pay", async (string id, string? t, SignedLinks links, PaydeskDb db, TimeProvider time, HttpContext http, CancellationToken ct) =>
        {
            if (await LoadAsync(id, t, links, db, ct) is not { } page) return Results.NotFound();
            return HtmlPages.Respond(http, Render(page, t!, Payable(page.Order, time), message: null), Policy);
        }).ExcludeFromDescription();

        app.MapPost("/orders/{id}/pay", async (string id, HttpContext http, SignedLinks links, PaydeskDb db, StartCheckout checkout, TimeProvider time, CancellationToken ct) =>
        {
            var form = await RequestText.ReadFormAsync(http.Request, ct);
            if (form is null) return Results.BadRequest();
            var t = form["t"].ToString();
            if (await LoadAsync(id, t, links, db, ct) is not { } page) return Results.NotFound();
            var order = page.Order;
            if (Payable(order, time) is { } notPayable) return HtmlPages.Respond(http, Render(page, t, notPayable, message: null), Policy);

            var provider = await db.Payments.AsNoTracking().Where(p => p.Purpose == OrderPurpose.For(order.Id))
                .OrderByDescending(p => p.CreatedAt).Select(p => p.Provider).FirstOrDefaultAsync(ct);
            var started = await checkout.Run(OrderPurpose.For(order.Id), order.CustomerId, order.Total, order.Summary(), new CheckoutInput(provider, null, null), ct);
            if (started.Problem is { } problem)
                return HtmlPages.Respond(http, Render(page, t, null, problem.Detail ?? problem.Title), Policy);
            return started.Value!.RedirectUrl is { } url ? Results.Redirect(url) : HtmlPages.Respond(http, Render(page, t, null, "The provider gave no page to pay on; try again in a minute."), Policy);
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

    /// <summary>Why the order cannot be paid now, in words; null when it can.</summary>
    private static string? Payable(Order order, TimeProvider time) => order.Status switch
    {
        OrderStatus.AwaitingPayment when order.ExpiresAt > time.GetUtcNow() => null,
        OrderStatus.AwaitingPayment or OrderStatus.Expired => "This order has expired; nothing was charged. Place it again to buy.",
        OrderStatus.Canceled => "This order was canceled; nothing was charged.",
        _ => "This order is paid already; there is nothing more to pay.",
    };

    private static string Render(Page page, string token, string? closed, string? message)
    {
        var (tenant, order, customer) = page;
        var culture = Display.Culture(customer.Locale);
        string Money(long minor) => Display.Amount(minor, order.Currency, culture);
        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture,
            $"<header><div><p class=\"seller\">{E(tenant.Name)}</p><h1>Pay your order</h1></div><dl><dt>Order</dt><dd><code>{E(order.Id)}</code></dd></dl></header>");
        body.Append("<table><thead><tr><th>Description</th><th class=\"num\">Quantity</th><th class=\"num\">Amount</th></tr></thead><tbody>");
        foreach (var line in order.Lines.OrderBy(l => l.Position))
        {
            var included = line.Kind == OrderLineKind.BundledProduct && line.AmountMinor == 0;
            body.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{E(line.Description)}</td><td class=\"num\">{E(line.Quantity.ToString("N0", culture))}</td><td class=\"num\">{(included ? "included" : E(Money(line.AmountMinor)))}</td></tr>");
        }
        body.Append(CultureInfo.InvariantCulture,
            $"</tbody><tfoot><tr><th colspan=\"2\">Total</th><td class=\"num total\">{E(Money(order.TotalMinor))}</td></tr></tfoot></table>");
        if (message is not null) body.Append(CultureInfo.InvariantCulture, $"<p class=\"problem\" role=\"alert\">{E(message)}</p>");
        if (closed is not null)
            body.Append(CultureInfo.InvariantCulture, $"<p class=\"closed\" role=\"status\">{E(closed)}</p>");
        else
            body.Append(CultureInfo.InvariantCulture,
                $"<form method=\"post\"><input type=\"hidden\" name=\"t\" value=\"{E(token)}\"><button type=\"submit\">Pay {E(Money(order.TotalMinor))}</button></form>");
        return HtmlPages.Document($"Pay your order · {tenant.Name}", InvoicePages.InvoiceStyle + PageStyle, body.ToString(), culture.Name);
    }

    private const string PageStyle = """
        form { margin-top: 1.5rem; }
        button { font: inherit; font-weight: 600; color: #fff; background: #2f6fdb; border: 0; border-radius: 6px; padding: .7rem 1.4rem; cursor: pointer; }
        button:focus-visible { outline: 3px solid #1f2933; outline-offset: 2px; }
        .problem { color: #9b1c1c; margin-top: 1.5rem; } .closed { margin-top: 1.5rem; font-weight: 600; }
        """;
}
