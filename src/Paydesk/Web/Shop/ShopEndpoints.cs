using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Api.Pages;
using Paydesk.Customers;
using Paydesk.Invoices;
using Paydesk.Orders;
using Paydesk.Payments;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Web.Shop;

/// <summary>What <see cref="CheckoutView"/> shows.</summary>
public sealed record CheckoutPage(
    CultureInfo Culture, string Merchant, string Slug, string PlanId, int? Term, string? Calendar,
    IReadOnlyList<(string Description, string Amount)> Lines, string Total, (string Name, string Email)? Buyer,
    IReadOnlyList<string> Providers, string Back, string? Notice = null, bool NoticeIsError = false, bool Canceled = false,
    string? Name = null, string? Email = null, IReadOnlyDictionary<string, string>? FieldErrors = null)
{
    public IReadOnlyDictionary<string, string> Errors => FieldErrors ?? new Dictionary<string, string>();
}

/// <summary>
/// <c>/t/{tenant}/pricing</c> and <c>/t/{tenant}/checkout</c>: buying from a tenant's pages. The
/// confirmation prices the choice with the same code as the API's quote; paying places the order
/// (<see cref="PlaceOrder"/>) and starts its checkout (<see cref="StartCheckout"/>), so the
/// order, its limits and its payment are exactly what the API would make. A buyer who is not
/// signed in gives a name and an email: the customer with that email is found, or made.
/// </summary>
internal static class ShopEndpoints
{
    public static void MapShop(this WebApplication app)
    {
        var shop = app.MapGroup("/t/{slug}").ExcludeFromDescription();

        shop.MapGet("/pricing", async (string slug, HttpContext http, PaydeskDb db, CancellationToken ct) =>
        {
            if (await Visitors.TenantAsync(db, slug, ct) is not { } tenant) return Results.NotFound();
            db.Tenant.Set(tenant.Id, Role.Staff);
            var culture = PageLanguage.Of(http);
            var plans = await PlanCards.LoadAsync(db, culture, onlyPlanId: null, ct);
            return HtmlPages.Page<PricingView>(http, new { Culture = culture, Merchant = tenant.Name, Slug = Escape(tenant.Slug), Plans = plans });
        });

        shop.MapGet("/checkout", async (string slug, string? plan, int? term, string? calendar, string? canceled,
            HttpContext http, PaydeskDb db, PriceOrder pricing, ProviderRegistry providers, CancellationToken ct) =>
        {
            if (await Visitors.TenantAsync(db, slug, ct) is not { } tenant || plan is null) return Results.NotFound();
            var visitor = await Visitors.OfAsync(http, db, ct);
            var page = await PageAsync(http, db, pricing, providers, tenant, visitor, plan, term, calendar, ct);
            if (page is null) return Results.NotFound();
            if (canceled is not null && await db.Payments.AsNoTracking().AnyAsync(p => p.Id == canceled && p.Status != Core.PaymentStatus.Succeeded, ct))
                page = page with { Notice = ShopWords.All.For(page.Culture).NotCompletedText, Canceled = true };
            return HtmlPages.Page<CheckoutView>(http, new { Page = page }, HtmlPages.CheckoutPolicy);
        });

        shop.MapPost("/checkout", async (string slug, HttpContext http, PaydeskDb db, PriceOrder pricing, PlaceOrder place, StartCheckout checkout,
            SaveCustomer customers, ProviderRegistry providers, PublicAddress address, CancellationToken ct) =>
        {
            if (await Visitors.TenantAsync(db, slug, ct) is not { } tenant) return Results.NotFound();
            if (await Visitors.FormAsync(http, ct) is not { } form) return Results.BadRequest();
            var planId = form["plan"].ToString();
            int? term = int.TryParse(form["term"], NumberStyles.None, CultureInfo.InvariantCulture, out var months) ? months : null;
            var calendar = form["calendar"].ToString() is { Length: > 0 } c ? c : null;
            var visitor = await Visitors.OfAsync(http, db, ct);
            var page = await PageAsync(http, db, pricing, providers, tenant, visitor, planId, term, calendar, ct);
            if (page is null) return Results.NotFound();
            var w = ShopWords.All.For(page.Culture);

            var customerId = visitor.CustomerIn(tenant.Id);
            if (customerId is null)
            {
                var name = form["name"].ToString().Trim();
                var email = form["email"].ToString().Trim();
                var errors = new Dictionary<string, string>();
                if (name.Length == 0) errors["name"] = w.NameRequired;
                var check = new FieldErrors();
                if (email.Length == 0 || check.Email("email", email) is null || check.Any) errors["email"] = w.EmailInvalid;
                if (errors.Count > 0)
                    return HtmlPages.Page<CheckoutView>(http, new { Page = page with { Name = name, Email = email, FieldErrors = errors } },
                        HtmlPages.CheckoutPolicy, StatusCodes.Status400BadRequest);
                customerId = await FindOrCreateCustomerAsync(db, customers, tenant, name, email, page.Culture, ct);
            }

            var order = await place.Run(new OrderInput(customerId, [new OrderLineInput(planId, term, 1, calendar)]), ct);
            if (order.Problem is { } refused) return Refused(http, page, refused);
            var placed = await db.Orders.AsNoTracking().Include(o => o.Lines).FirstAsync(o => o.Id == order.Value!.Id, ct);
            var back = $"t/{Escape(tenant.Slug)}/checkout?plan={Escape(planId)}{(term is null ? "" : $"&term={term}")}" +
                $"{(calendar is null ? "" : $"&calendar={Escape(calendar)}")}&canceled={{PAYMENT_ID}}";
            var provider = form["provider"].ToString() is { Length: > 0 } p && page.Providers.Contains(p) ? p : page.Providers.FirstOrDefault();
            var started = await checkout.Run(OrderPurpose.For(placed.Id), placed.CustomerId, placed.Total, placed.Summary(),
                new CheckoutInput(provider, null, new Uri(address.Url, back).ToString()), ct);
            if (started.Problem is { } failed) return Refused(http, page, failed);
            return started.Value!.RedirectUrl is { } url ? Results.Redirect(url) : Refused(http, page, new Problem(StatusCodes.Status502BadGateway, "", null));
        }).LimitedBy(RateLimit.PageCheckoutPerAddress);
    }

    private static IResult Refused(HttpContext http, CheckoutPage page, Problem problem) =>
        HtmlPages.Page<CheckoutView>(http, new { Page = page with { Notice = problem.Detail ?? ShopWords.All.For(page.Culture).Unavailable, NoticeIsError = true } },
            HtmlPages.CheckoutPolicy, problem.Status is >= 400 and < 500 ? problem.Status : StatusCodes.Status502BadGateway);

    /// <summary>The confirmation of one plan at a term and calendar, priced; null when it is not on sale (a 404).</summary>
    private static async Task<CheckoutPage?> PageAsync(HttpContext http, PaydeskDb db, PriceOrder pricing, ProviderRegistry providers, Tenant tenant,
        Visitor visitor, string planId, int? term, string? calendar, CancellationToken ct)
    {
        var customerId = visitor.CustomerIn(tenant.Id);
        if (customerId is null) db.Tenant.Set(tenant.Id, Role.Staff);
        else db.Tenant.Set(tenant.Id, Role.Customer, customerId);
        var customer = customerId is null ? null : await db.Customers.AsNoTracking().FirstOrDefaultAsync(c => c.Id == customerId, ct);
        var culture = customer is null ? PageLanguage.Of(http) : Languages.Culture(customer.Locale);
        var quote = await pricing.Run(new OrderInput(null, [new OrderLineInput(planId, term, 1, calendar)]), orderId: "", customerRequired: false, ct);
        if (quote.Problem is not null) return null;
        var w = ShopWords.All.For(culture);
        var priced = quote.Value!;
        var lines = priced.Lines.OrderBy(l => l.Position)
            .Select(l => (l.Quantity == 1 ? l.DescriptionIn(culture) : $"{l.Quantity.ToString("N0", culture)} × {l.DescriptionIn(culture)}",
                l.Kind == OrderLineKind.BundledProduct && l.AmountMinor == 0 ? w.Included0 : Display.Amount(l.AmountMinor, priced.Currency.Code, culture)))
            .ToList();
        var back = $"/t/{Escape(tenant.Slug)}/checkout?plan={Escape(planId)}{(term is null ? "" : $"&term={term}")}{(calendar is null ? "" : $"&calendar={Escape(calendar)}")}";
        return new CheckoutPage(culture, tenant.Name, Escape(tenant.Slug), planId, term, calendar, lines,
            Display.Amount(priced.TotalMinor, priced.Currency.Code, culture),
            customer is null ? null : (customer.Name, customer.Email ?? ""), await providers.ForTenantAsync(db, priced.Currency, ct), back);
    }

    /// <summary>The tenant's customer with this email (the oldest, when there are several), or a new one in the page's language.</summary>
    private static async Task<string> FindOrCreateCustomerAsync(PaydeskDb db, SaveCustomer customers, Tenant tenant, string name, string email,
        CultureInfo culture, CancellationToken ct)
    {
        var lowered = email.ToLowerInvariant();
        var existing = await db.Customers.AsNoTracking().Where(c => c.Email != null && c.Email.ToLower() == lowered && c.ArchivedAt == null)
            .OrderBy(c => c.CreatedAt).Select(c => c.Id).FirstOrDefaultAsync(ct);
        if (existing is not null) return existing;
        var made = await customers.Create(new CustomerInput(name, email, null, null, culture.Name, tenant.TimeZone), ct);
        return made.Value?.Id ?? throw new InvalidOperationException($"A customer could not be made from a checked name and email: {made.Problem?.Detail}");
    }

    private static string Escape(string value) => Uri.EscapeDataString(value);

}
