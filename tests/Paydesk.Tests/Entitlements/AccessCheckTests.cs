using Microsoft.Extensions.Time.Testing;

namespace Paydesk.Tests.Entitlements;

/// <summary>The check an app makes before each action: may this customer use this feature now, and until when.</summary>
public sealed class AccessCheckTests
{
    private static readonly DateTimeOffset June10 = new(2026, 6, 10, 9, 0, 0, TimeSpan.Zero);

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Access_follows_what_was_bought_until_it_ends_or_is_refunded(Engine engine)
    {
        var clock = new FakeTimeProvider(June10);
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions { Clock = clock });
        var shop = await Shop.OpenAsync(host);
        var check = $"/api/v1/customers/{shop.Customer}/access/telerehab";

        var none = await shop.Tenant.GetOk(check);
        (none.Str("customerId"), none.Str("feature"), none.GetProperty("allowed").GetBoolean()).ShouldBe((shop.Customer, "telerehab", false));
        Assert.Equal(JsonValueKind.Null, none.GetProperty("until").ValueKind);

        // Three months, then one more that starts where they end: allowed until the end of both.
        var (_, first) = await shop.Tenant.BuyAsync(shop.Customer, new { planId = shop.Termed, termMonths = 3 });
        var (_, second) = await shop.Tenant.BuyAsync(shop.Customer, new { planId = shop.Termed, termMonths = 1 });
        var both = await shop.Tenant.GetOk(check);
        both.GetProperty("allowed").GetBoolean().ShouldBe(true);
        both.GetProperty("until").GetDateTimeOffset().ShouldBe(June10.AddMonths(4));
        var firstEntitlement = (await shop.Tenant.ListAll($"/api/v1/entitlements?customerId={shop.Customer}"))[0].Id();
        Assert.Equal([firstEntitlement], both.GetProperty("entitlementIds").EnumerateArray().Select(e => e.GetString()));
        // Another customer of the tenant has none of it.
        var other = await shop.Tenant.CreateCustomerAsync("Ion Pop");
        (await shop.Tenant.GetOk($"/api/v1/customers/{other}/access/telerehab")).GetProperty("allowed").GetBoolean().ShouldBe(false);

        // The first purchase refunded: the one that remains starts in three months, so no access now.
        await shop.Tenant.PostOk($"/api/v1/payments/{first}/refunds", new { reason = "Changed plans" });
        (await shop.Tenant.GetOk(check)).GetProperty("allowed").GetBoolean().ShouldBe(false);

        clock.Advance(TimeSpan.FromDays(95));
        var later = await shop.Tenant.GetOk(check);
        later.GetProperty("allowed").GetBoolean().ShouldBe(true);
        later.GetProperty("until").GetDateTimeOffset().ShouldBe(June10.AddMonths(4));
        clock.Advance(June10.AddMonths(4) - clock.GetUtcNow());
        (await shop.Tenant.GetOk(check)).GetProperty("allowed").GetBoolean().ShouldBe(false);
        Assert.NotEqual(first, second);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_customer_checks_only_their_own_access_and_unknown_names_are_404(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await Shop.OpenAsync(host);
        await shop.Tenant.BuyAsync(shop.Customer, new { planId = shop.Badge, termMonths = 1 });
        var other = await shop.Tenant.CreateCustomerAsync("Ion Pop");
        var session = (await shop.Tenant.PostOk($"/api/v1/customers/{shop.Customer}/sessions", new { ttlMinutes = 15 })).Str("token");
        var asCustomer = host.Client(session);

        var own = await (await asCustomer.GetAsync($"/api/v1/customers/{shop.Customer}/access/verified")).Json();
        own.GetProperty("allowed").GetBoolean().ShouldBe(true);
        await (await asCustomer.GetAsync($"/api/v1/customers/{other}/access/verified")).ShouldBeProblem(404);

        var unknownFeature = await (await shop.Tenant.Http.GetAsync($"/api/v1/customers/{shop.Customer}/access/no-such-feature")).ShouldBeProblem(404);
        Assert.Contains("feature", unknownFeature.Str("detail"));
        var unknownCustomer = await (await shop.Tenant.Http.GetAsync("/api/v1/customers/cus_nobody/access/verified")).ShouldBeProblem(404);
        Assert.Contains("customer", unknownCustomer.Str("detail"));
        // Another tenant's key does not see this tenant's customer.
        var stranger = await host.NewTenantAsync();
        await (await stranger.Http.GetAsync($"/api/v1/customers/{shop.Customer}/access/verified")).ShouldBeProblem(404);
    }
}
