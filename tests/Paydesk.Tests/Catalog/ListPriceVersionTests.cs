namespace Paydesk.Tests.Catalog;

/// <summary>
/// A product's or service's list price is changed in place until something is sold at it; after
/// that a change makes a new version and the old one stays readable, and what was sold names the
/// version whose price it paid — however changes and orders interleave.
/// </summary>
public sealed class ListPriceVersionTests
{
    private static long Amount(JsonElement view) => view.GetProperty("price").GetProperty("amount").GetInt64();

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_product_price_changes_in_place_until_sold_at_then_makes_a_version_and_keeps_the_old_one(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var t = await host.NewTenantAsync();
        var customer = await t.CreateCustomerAsync();
        var ball = (await t.PostOk("/api/v1/products", new { sku = "BALL", name = "Exercise ball", price = new { amount = 100_00, currency = "RON" }, stock = 50 })).Id();

        var unsold = await (await t.Http.PatchAsJsonAsync($"/api/v1/products/{ball}", new { price = new { amount = 110_00, currency = "RON" } })).Json();
        unsold.GetProperty("priceVersion").GetInt32().ShouldBe(1);

        var order = await t.PostOk("/api/v1/orders", new { customerId = customer, lines = new[] { new { productId = ball } } });
        order.GetProperty("lines")[0].GetProperty("listPriceVersion").GetInt32().ShouldBe(1);
        var revised = await (await t.Http.PatchAsJsonAsync($"/api/v1/products/{ball}", new { price = new { amount = 120_00, currency = "RON" } })).Json();
        revised.GetProperty("priceVersion").GetInt32().ShouldBe(2);
        // A change of name or stock is no change of price.
        (await (await t.Http.PatchAsJsonAsync($"/api/v1/products/{ball}", new { name = "Gym ball", stock = 40 })).Json()).GetProperty("priceVersion").GetInt32().ShouldBe(2);

        var v1 = await t.GetOk($"/api/v1/products/{ball}/versions/1");
        Amount(v1).ShouldBe(110_00);
        v1.Str("status").ShouldBe("superseded");
        Assert.Equal(JsonValueKind.String, v1.GetProperty("until").ValueKind);
        var v2 = await t.GetOk($"/api/v1/products/{ball}/versions/2");
        Amount(v2).ShouldBe(120_00);
        v2.Str("status").ShouldBe("active");
        v2.GetProperty("from").GetDateTimeOffset().ShouldBe(v1.GetProperty("until").GetDateTimeOffset());
        await (await t.Http.GetAsync($"/api/v1/products/{ball}/versions/3")).ShouldBeProblem(404);
        (await t.GetOk($"/api/v1/orders/{order.Id()}")).GetProperty("total").GetProperty("amount").GetInt64().ShouldBe(110_00);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_service_list_price_sold_through_a_priced_calendar_is_versioned_too(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var t = await host.NewTenantAsync();
        var customer = await t.CreateCustomerAsync();
        var service = await t.PostOk("/api/v1/services", new
        {
            name = "Consultation", durationMinutes = 45, price = new { amount = 150_00, currency = "RON" },
            calendars = new object[] { new { name = "Evening hours", price = new { amount = 170_00, currency = "RON" } } },
        });
        var evening = service.GetProperty("calendars")[0].Id();
        var plan = (await t.PostOk("/api/v1/plans", new
        {
            name = "Consultation", price = new { amount = 150_00, currency = "RON" },
            grants = new[] { new { type = "sessions", serviceId = service.Id(), count = 1 } },
        })).Id();

        var order = await t.PostOk("/api/v1/orders", new { customerId = customer, lines = new[] { new { planId = plan, calendarId = evening } } });
        order.GetProperty("lines")[0].GetProperty("listPriceVersion").GetInt32().ShouldBe(1);
        var revised = await (await t.Http.PatchAsJsonAsync($"/api/v1/services/{service.Id()}", new { price = new { amount = 160_00, currency = "RON" } })).Json();

        revised.GetProperty("priceVersion").GetInt32().ShouldBe(2);
        Amount(await t.GetOk($"/api/v1/services/{service.Id()}/versions/1")).ShouldBe(150_00);
        // Evening hours are now 10.00 above the list price, not 20.00.
        var after = await t.PostOk("/api/v1/quotes", new { lines = new[] { new { planId = plan, calendarId = evening } } });
        after.GetProperty("total").GetProperty("amount").GetInt64().ShouldBe(160_00);
        after.GetProperty("lines")[0].GetProperty("listPriceVersion").GetInt32().ShouldBe(2);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Orders_racing_price_changes_each_name_the_version_whose_price_they_paid(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var t = await host.NewTenantAsync();
        var customer = await t.CreateCustomerAsync();
        var ball = (await t.PostOk("/api/v1/products", new { sku = "BALL", name = "Exercise ball", price = new { amount = 100_00, currency = "RON" }, stock = 1000 })).Id();

        var orders = Enumerable.Range(0, 24).Select(_ => t.Post("/api/v1/orders", new { customerId = customer, lines = new[] { new { productId = ball } } })).ToList();
        // One admin changes the price six times over, one change after another, while the orders come in.
        var changes = Task.Run(async () =>
        {
            for (var i = 1; i <= 6; i++)
            {
                var answer = await t.Http.PatchAsJsonAsync($"/api/v1/products/{ball}", new { price = new { amount = 100_00 + i * 1_00, currency = "RON" } });
                Assert.True(answer.StatusCode == HttpStatusCode.OK, string.Join("\n", host.Logs.Lines.Where(l => l.Contains("Unhandled")).Select(l => l[..Math.Min(1500, l.Length)]).TakeLast(1)));
            }
        });
        var answers = await Task.WhenAll(orders);
        await changes;

        // Placed or told the price moved under it; nothing else.
        foreach (var answer in answers.Where(a => a.StatusCode != HttpStatusCode.Created))
            Assert.Contains("changed while the order was being placed", (await answer.ShouldBeProblem(409)).Str("detail"));
        // Once the price stands still, an order is placed at it.
        (await t.PostOk("/api/v1/orders", new { customerId = customer, lines = new[] { new { productId = ball } } }))
            .GetProperty("total").GetProperty("amount").GetInt64().ShouldBe(100_00 + 6 * 1_00);
        var placed = await t.ListAll("/api/v1/orders");
        var versions = new Dictionary<int, long>();
        foreach (var line in placed.Select(o => o.GetProperty("lines")[0]))
        {
            var version = line.GetProperty("listPriceVersion").GetInt32();
            if (!versions.TryGetValue(version, out var price))
                versions[version] = price = Amount(await t.GetOk($"/api/v1/products/{ball}/versions/{version}"));
            line.GetProperty("unitPrice").GetProperty("amount").GetInt64().ShouldBe(price);
        }
        Amount(await t.GetOk($"/api/v1/products/{ball}")).ShouldBe(100_00 + 6 * 1_00);
    }
}
