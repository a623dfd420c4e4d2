namespace Paydesk.Tests.Infrastructure;

/// <summary>
/// A tenant with a small catalog of every kind of plan: a 10-session package (valid 6 months), a
/// telerehab plan sold by 1- or 3-month term, a hybrid program bundling two resistance bands, a
/// monthly subscription, a badge sold by 1/3/6/12-month term; and one customer.
/// </summary>
public sealed record Shop(TenantClient Tenant, string Customer, string Package, string Termed, string Hybrid, string Monthly, string Badge, string Band)
{
    /// <summary>A clinic with a package, a termed listing plan and a hybrid plan that bundles a band.</summary>
    public static async Task<Shop> OpenAsync(PaydeskHost host) => await OpenAsync(await host.NewTenantAsync());

    /// <summary>The same shop, for a tenant made otherwise (by <c>create-tenant</c>, for a Paydesk running as a process of its own).</summary>
    public static async Task<Shop> OpenAsync(TenantClient t)
    {
        var service = await t.CreateServiceAsync("Physiotherapy session", 180_00);
        var band = (await t.PostOk("/api/v1/products", new { sku = "BAND", name = "Resistance band", price = new { amount = 45_00, currency = "RON" }, stock = 1000 })).Id();
        await t.PostOk("/api/v1/features", new { key = "telerehab", name = "Telerehab" });
        await t.PostOk("/api/v1/features", new { key = "verified", name = "Verified clinic", kind = "badge" });
        var package = (await t.PostOk("/api/v1/plans", new
        {
            name = "10 sessions", price = new { amount = 1_500_00, currency = "RON" },
            grants = new[] { new { type = "sessions", serviceId = service, count = 10, validFor = new { unit = "month", count = 6 } } },
        })).Id();
        var termed = (await t.PostOk("/api/v1/plans", new
        {
            name = "Telerehab", terms = new[] { new { months = 1, price = new { amount = 200_00, currency = "RON" } }, new { months = 3, price = new { amount = 540_00, currency = "RON" } } },
            grants = new[] { new { type = "access", feature = "telerehab" } },
        })).Id();
        var hybrid = (await t.PostOk("/api/v1/plans", new
        {
            name = "Recovery", price = new { amount = 1_200_00, currency = "RON" },
            grants = new object[] { new { type = "sessions", serviceId = service, count = 6 }, new { type = "product", productId = band, quantity = 2 } },
        })).Id();
        var monthly = (await t.PostOk("/api/v1/plans", new
        {
            name = "Monthly", price = new { amount = 200_00, currency = "RON" }, interval = new { unit = "month", count = 1 },
            grants = new[] { new { type = "access", feature = "telerehab" } },
        })).Id();
        var badge = (await t.PostOk("/api/v1/plans", new
        {
            name = "Verified clinic",
            terms = new[] { 1, 3, 6, 12 }.Select(m => new { months = m, price = new { amount = m * (100_00 - m * 2_00), currency = "RON" } }),
            grants = new[] { new { type = "badge", feature = "verified" } },
        })).Id();
        var customer = await t.CreateCustomerAsync();
        return new Shop(t, customer, package, termed, hybrid, monthly, badge, band);
    }
}
