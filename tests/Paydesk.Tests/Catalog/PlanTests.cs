using Microsoft.EntityFrameworkCore;

namespace Paydesk.Tests.Catalog;

public sealed class PlanTests
{
    private static async Task<(string Service, string Product)> SeedCatalog(TenantClient tenant)
    {
        var service = await tenant.CreateServiceAsync("Physiotherapy session", 180_00);
        var product = (await tenant.PostOk("/api/v1/products", new { sku = "BAND-01", name = "Resistance band", price = new { amount = 45_00, currency = "RON" }, stock = 10 })).Id();
        await tenant.PostOk("/api/v1/features", new { key = "telerehab", name = "Telerehab", kind = "access" });
        await tenant.PostOk("/api/v1/features", new { key = "verified", name = "Verified", kind = "badge" });
        return (service, product);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_hybrid_plan_keeps_every_kind_of_grant(Engine engine)
    {
        var tenant = await (await PaydeskHost.Shared(engine)).NewTenantAsync();
        var (service, product) = await SeedCatalog(tenant);

        var plan = await tenant.PostOk("/api/v1/plans", new
        {
            name = "Recovery program",
            price = new { amount = 1_200_00, currency = "RON" },
            interval = new { unit = "month", count = 3 },
            trialDays = 7,
            grants = new object[]
            {
                new { type = "sessions", serviceId = service, count = 6, validFor = new { unit = "month", count = 3 } },
                new { type = "access", feature = "telerehab" },
                new { type = "badge", feature = "verified", term = new { unit = "year", count = 1 } },
                new { type = "tokens", tokens = 50, every = "period" },
                new { type = "product", productId = product, quantity = 2 },
            },
        });

        var read = await tenant.GetOk($"/api/v1/plans/{plan.Id()}");
        Assert.Equal(plan.GetRawText(), read.GetRawText());
        read.Str("type").ShouldBe("recurring");
        read.GetProperty("interval").Str("unit").ShouldBe("month");
        read.GetProperty("interval").GetProperty("count").GetInt32().ShouldBe(3);
        read.GetProperty("trialDays").GetInt32().ShouldBe(7);
        var price = read.GetProperty("price").GetProperty("price");
        price.GetProperty("amount").GetInt64().ShouldBe(1_200_00);
        price.Str("display").ShouldBe("1200.00 RON");
        var grants = read.GetProperty("grants").EnumerateArray().ToList();
        Assert.Equal(["sessions", "access", "badge", "tokens", "product"], grants.Select(g => g.Str("type")));
        grants[0].Str("serviceId").ShouldBe(service);
        grants[0].GetProperty("count").GetInt32().ShouldBe(6);
        grants[0].GetProperty("validFor").Str("unit").ShouldBe("month");
        Assert.False(grants[1].TryGetProperty("term", out _)); // for the period bought
        grants[2].GetProperty("term").Str("unit").ShouldBe("year");
        grants[3].GetProperty("tokens").GetInt64().ShouldBe(50);
        grants[3].Str("every").ShouldBe("period");
        grants[4].Str("productId").ShouldBe(product);
        grants[4].GetProperty("quantity").GetInt32().ShouldBe(2);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Term_options_each_carry_their_own_price(Engine engine)
    {
        var tenant = await (await PaydeskHost.Shared(engine)).NewTenantAsync("RUB", "Europe/Moscow");
        await tenant.PostOk("/api/v1/features", new { key = "featured", name = "Featured", kind = "badge" });

        var plan = await tenant.PostOk("/api/v1/plans", new
        {
            name = "Featured clinic",
            terms = new[] { 12, 1, 6, 3 }.Select(m => new { months = m, price = new { amount = m * (3000_00 - m * 50_00), currency = "RUB" } }),
            grants = new[] { new { type = "badge", feature = "featured" } },
        });

        plan.Str("type").ShouldBe("one_time");
        Assert.Equal(JsonValueKind.Null, plan.GetProperty("price").ValueKind);
        var terms = plan.GetProperty("terms").EnumerateArray().ToList();
        Assert.Equal([1, 3, 6, 12], terms.Select(t => t.GetProperty("termMonths").GetInt32()));
        Assert.Equal(4, terms.Select(t => t.Str("id")).Distinct().Count());
        Assert.Equal(6 * (3000_00 - 6 * 50_00), terms[2].GetProperty("price").GetProperty("amount").GetInt64());
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Changing_a_price_makes_a_new_version_and_keeps_the_old_price(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var tenant = await host.NewTenantAsync();
        await tenant.PostOk("/api/v1/features", new { key = "telerehab", name = "Telerehab", kind = "access" });
        var v1 = await tenant.PostOk("/api/v1/plans", new
        {
            name = "Monthly telerehab", price = new { amount = 200_00, currency = "RON" }, interval = new { unit = "month", count = 1 },
            grants = new[] { new { type = "access", feature = "telerehab" } },
        });
        var oldPriceId = v1.GetProperty("price").Str("id");

        var renamed = await (await tenant.Http.PatchAsJsonAsync($"/api/v1/plans/{v1.Id()}", new { description = "Now with video calls" })).Json();
        renamed.GetProperty("version").GetInt32().ShouldBe(1);
        renamed.GetProperty("price").Str("id").ShouldBe(oldPriceId);

        var v2 = await (await tenant.Http.PatchAsJsonAsync($"/api/v1/plans/{v1.Id()}", new { price = new { amount = 220_00, currency = "RON" } })).Json();
        v2.GetProperty("version").GetInt32().ShouldBe(2);
        Assert.NotEqual(oldPriceId, v2.GetProperty("price").Str("id"));
        v2.GetProperty("price").GetProperty("price").GetProperty("amount").GetInt64().ShouldBe(220_00);
        v2.GetProperty("interval").Str("unit").ShouldBe("month"); // what the revision left out is kept
        Assert.Equal("telerehab", v2.GetProperty("grants")[0].Str("feature"));
        v2.Str("description").ShouldBe("Now with video calls");

        // The first price still exists, unchanged, for whatever was sold at it.
        var old = await host.InTenantAsync(tenant.TenantId, db => db.PlanPrices.SingleAsync(p => p.Id == oldPriceId));
        old.AmountMinor.ShouldBe(200_00);
        old.PlanVersion.ShouldBe(1);
        Assert.NotNull(old.SupersededAt);

        await (await tenant.Http.PatchAsJsonAsync($"/api/v1/plans/{v1.Id()}", new { price = new { amount = 5_00, currency = "EUR" } }))
            .ShouldBeProblem(400, "price");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Every_version_of_a_plan_stays_readable_and_what_was_sold_names_its_version(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await Shop.OpenAsync(host);
        var t = shop.Tenant;
        var (soldAtV1, _) = await t.BuyAsync(shop.Customer, new { planId = shop.Package });
        await t.Http.PatchAsJsonAsync($"/api/v1/plans/{shop.Package}", new { price = new { amount = 1_600_00, currency = "RON" } });
        var service = (await t.GetOk($"/api/v1/plans/{shop.Package}")).GetProperty("grants")[0].Str("serviceId");
        await t.Http.PatchAsJsonAsync($"/api/v1/plans/{shop.Package}", new { grants = new[] { new { type = "sessions", serviceId = service, count = 12 } } });
        var (soldAtV3, _) = await t.BuyAsync(shop.Customer, new { planId = shop.Package });

        var v1 = await t.GetOk($"/api/v1/plans/{shop.Package}/versions/1");
        v1.Str("status").ShouldBe("superseded");
        v1.GetProperty("price").GetProperty("price").GetProperty("amount").GetInt64().ShouldBe(1_500_00);
        v1.GetProperty("grants")[0].GetProperty("count").GetInt32().ShouldBe(10);
        var v3 = await t.GetOk($"/api/v1/plans/{shop.Package}/versions/3");
        v3.Str("status").ShouldBe("active");
        v3.GetProperty("price").GetProperty("price").GetProperty("amount").GetInt64().ShouldBe(1_600_00);
        v3.GetProperty("grants")[0].GetProperty("count").GetInt32().ShouldBe(12);
        await (await t.Http.GetAsync($"/api/v1/plans/{shop.Package}/versions/4")).ShouldBeProblem(404);
        await (await t.Http.GetAsync($"/api/v1/plans/{shop.Package}/versions/0")).ShouldBeProblem(404);
        await (await (await host.NewTenantAsync()).Http.GetAsync($"/api/v1/plans/{shop.Package}/versions/1")).ShouldBeProblem(404);

        foreach (var (order, version, sessions) in new[] { (soldAtV1, 1, 10), (soldAtV3, 3, 12) })
        {
            (await t.GetOk($"/api/v1/orders/{order}")).GetProperty("lines")[0].GetProperty("planVersion").GetInt32().ShouldBe(version);
            var entitlement = Assert.Single(await t.ListAll($"/api/v1/entitlements?orderId={order}"));
            entitlement.GetProperty("planVersion").GetInt32().ShouldBe(version);
            entitlement.GetProperty("sessionsTotal").GetInt32().ShouldBe(sessions);
        }
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_archived_plan_leaves_the_list_but_stays_readable(Engine engine)
    {
        var tenant = await (await PaydeskHost.Shared(engine)).NewTenantAsync();
        var keep = (await tenant.PostOk("/api/v1/plans", new { name = "Keep", price = new { amount = 100, currency = "RON" } })).Id();
        var drop = (await tenant.PostOk("/api/v1/plans", new { name = "Drop", price = new { amount = 100, currency = "RON" } })).Id();

        var archived = await tenant.PostOk($"/api/v1/plans/{drop}/archive", new { });

        archived.Str("status").ShouldBe("archived");
        Assert.Equal([keep], (await tenant.ListAll("/api/v1/plans")).Select(p => p.Id()));
        Assert.Equal([keep, drop], (await tenant.ListAll("/api/v1/plans?includeArchived=true")).Select(p => p.Id()));
        (await tenant.GetOk($"/api/v1/plans/{drop}")).Str("status").ShouldBe("archived");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_archived_service_cannot_be_granted_by_a_new_plan(Engine engine)
    {
        var tenant = await (await PaydeskHost.Shared(engine)).NewTenantAsync();
        var service = await tenant.CreateServiceAsync();
        await tenant.PostOk($"/api/v1/services/{service}/archive", new { });

        var response = await tenant.Post("/api/v1/plans", new
        {
            name = "Old", price = new { amount = 100, currency = "RON" },
            grants = new[] { new { type = "sessions", serviceId = service, count = 1 } },
        });
        await response.ShouldBeProblem(400, "grants[0].serviceId");
    }
}
