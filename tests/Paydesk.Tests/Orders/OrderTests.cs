using Microsoft.Extensions.Time.Testing;

namespace Paydesk.Tests.Orders;

public sealed class OrderTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_order_is_priced_from_the_catalog_with_bundled_products_added(Engine engine)
    {
        var shop = await Shop.OpenAsync(await PaydeskHost.Shared(engine));

        var order = await shop.Tenant.PostOk("/api/v1/orders", new
        {
            customerId = shop.Customer,
            lines = new object[] { new { planId = shop.Termed, termMonths = 3 }, new { planId = shop.Hybrid, quantity = 2 } },
        });

        order.Str("status").ShouldBe("awaiting_payment");
        order.GetProperty("total").GetProperty("amount").GetInt64().ShouldBe(540_00 + 2 * 1_200_00);
        var lines = order.GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal(["plan", "plan", "bundled_product"], lines.Select(l => l.Str("type")));
        lines[0].GetProperty("termMonths").GetInt32().ShouldBe(3);
        lines[0].Str("description").ShouldBe("Telerehab — 3 months");
        lines[1].GetProperty("amount").GetProperty("amount").GetInt64().ShouldBe(2_400_00);
        lines[2].Str("productId").ShouldBe(shop.Band);
        lines[2].GetProperty("quantity").GetInt32().ShouldBe(4); // 2 bands per program, 2 programs
        lines[2].GetProperty("amount").GetProperty("amount").GetInt64().ShouldBe(0);
        lines[2].Str("bundledWith").ShouldBe(lines[1].Id());
        Assert.Equal(order.GetRawText(), (await shop.Tenant.GetOk($"/api/v1/orders/{order.Id()}")).GetRawText());
    }

    [Theory]
    [InlineData("""{"customerId":"{c}","lines":[{"planId":"{p}"}],"total":{"amount":1,"currency":"RON"}}""", "total")]
    [InlineData("""{"customerId":"{c}","lines":[{"planId":"{p}","price":{"amount":1,"currency":"RON"}}]}""", "lines[0].price")]
    [InlineData("""{"customerId":"{c}","lines":[{"planId":"{p}","amount":1}]}""", "lines[0].amount")]
    [InlineData("""{"customerId":"{c}","lines":[{"planId":"{p}"}],"status":"paid"}""", "status")]
    [InlineData("""{"customerId":"{c}","lines":[{"planId":"{p}"}],"currency":"USD"}""", "currency")]
    [InlineData("""{"customerId":"{c}","lines":[{"planId":"{p}"}],"discount":{"amount":100,"currency":"RON"}}""", "discount")]
    public async Task A_client_sent_price_amount_status_or_discount_is_rejected(string template, string field)
    {
        var shop = await Shop.OpenAsync(await PaydeskHost.Shared(Engine.Sqlite));
        var json = template.Replace("{c}", shop.Customer).Replace("{p}", shop.Package);

        await (await shop.Tenant.PostRaw("/api/v1/orders", json)).ShouldBeProblem(400, field);
        Assert.Empty(await shop.Tenant.ListAll("/api/v1/orders"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Bad_lines_are_named(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await Shop.OpenAsync(host);
        var other = await Shop.OpenAsync(host);
        var usd = (await shop.Tenant.PostOk("/api/v1/plans", new { name = "Dollars", price = new { amount = 30_00, currency = "USD" } })).Id();
        async Task Refused(object body, string field) =>
            await (await shop.Tenant.Post("/api/v1/orders", body)).ShouldBeProblem(400, field);

        await Refused(new { customerId = shop.Customer, lines = Array.Empty<object>() }, "lines");
        await Refused(new { lines = new[] { new { planId = shop.Package } } }, "customerId");
        await Refused(new { customerId = other.Customer, lines = new[] { new { planId = shop.Package } } }, "customerId");
        await Refused(new { customerId = shop.Customer, lines = new[] { new { planId = other.Package } } }, "lines[0].planId");
        await Refused(new { customerId = shop.Customer, lines = new[] { new { planId = shop.Termed } } }, "lines[0].termMonths");
        await Refused(new { customerId = shop.Customer, lines = new[] { new { planId = shop.Termed, termMonths = 6 } } }, "lines[0].termMonths");
        await Refused(new { customerId = shop.Customer, lines = new[] { new { planId = shop.Package, termMonths = 3 } } }, "lines[0].termMonths");
        await Refused(new { customerId = shop.Customer, lines = new[] { new { planId = shop.Package, quantity = 0 } } }, "lines[0].quantity");
        await Refused(new { customerId = shop.Customer, lines = new[] { new { planId = shop.Monthly, quantity = 2 } } }, "lines[0].quantity");
        await Refused(new { customerId = shop.Customer, lines = new[] { new { planId = shop.Package, calendarId = "cal_nope" } } }, "lines[0].calendarId");
        await Refused(new { customerId = shop.Customer, lines = new object[] { new { planId = shop.Package }, new { planId = usd } } }, "lines[1].planId");

        Assert.Empty(await shop.Tenant.ListAll("/api/v1/orders"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_price_change_after_the_order_leaves_the_order_as_it_was(Engine engine)
    {
        var shop = await Shop.OpenAsync(await PaydeskHost.Shared(engine));
        var order = await shop.Tenant.PostOk("/api/v1/orders", new { customerId = shop.Customer, lines = new[] { new { planId = shop.Package } } });

        await shop.Tenant.Http.PatchAsJsonAsync($"/api/v1/plans/{shop.Package}", new { price = new { amount = 1_900_00, currency = "RON" } });

        var again = await shop.Tenant.GetOk($"/api/v1/orders/{order.Id()}");
        again.GetProperty("total").GetProperty("amount").GetInt64().ShouldBe(1_500_00);
        again.GetProperty("lines")[0].GetProperty("planVersion").GetInt32().ShouldBe(1);
        var next = await shop.Tenant.PostOk("/api/v1/orders", new { customerId = shop.Customer, lines = new[] { new { planId = shop.Package } } });
        next.GetProperty("total").GetProperty("amount").GetInt64().ShouldBe(1_900_00);
        Assert.NotEqual(again.GetProperty("lines")[0].Str("priceId"), next.GetProperty("lines")[0].Str("priceId"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_customer_orders_only_for_themself_and_sees_only_their_orders(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await Shop.OpenAsync(host);
        var someoneElse = await shop.Tenant.CreateCustomerAsync("Ion", "ion@example.com");
        var theirs = await shop.Tenant.PostOk("/api/v1/orders", new { customerId = someoneElse, lines = new[] { new { planId = shop.Package } } });
        var asCustomer = host.Client((await shop.Tenant.PostOk($"/api/v1/customers/{shop.Customer}/sessions", new { })).Str("token"));

        var mine = await (await asCustomer.PostAsJsonAsync("/api/v1/orders", new { lines = new[] { new { planId = shop.Package } } })).Json();
        mine.Str("customerId").ShouldBe(shop.Customer);
        await (await asCustomer.PostAsJsonAsync("/api/v1/orders", new { customerId = someoneElse, lines = new[] { new { planId = shop.Package } } }))
            .ShouldBeProblem(400, "customerId");

        var visible = await asCustomer.GetFromJsonAsync<JsonElement>("/api/v1/orders");
        Assert.Equal([mine.Id()], visible.Items().Select(o => o.Id()));
        await (await asCustomer.GetAsync($"/api/v1/orders/{theirs.Id()}")).ShouldBeProblem(404);
        await (await asCustomer.PostAsync($"/api/v1/orders/{theirs.Id()}/cancel", null)).ShouldBeProblem(404);
        (await shop.Tenant.GetOk($"/api/v1/orders/{theirs.Id()}")).Str("status").ShouldBe("awaiting_payment");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_order_past_its_time_is_not_checked_out_even_before_its_expiry_has_run(Engine engine)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));
        // No workers: the order's expiry job is due and has not run.
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions
        {
            Clock = clock, Settings = new Dictionary<string, string> { ["Jobs:Enabled"] = "false" },
        });
        var shop = await Shop.OpenAsync(host);
        var order = await shop.Tenant.PostOk("/api/v1/orders", new { customerId = shop.Customer, lines = new[] { new { planId = shop.Package } } });

        clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        (await shop.Tenant.GetOk($"/api/v1/orders/{order.Id()}")).Str("status").ShouldBe("awaiting_payment");
        var refused = await (await shop.Tenant.Post($"/api/v1/orders/{order.Id()}/checkout", new { provider = "mock" })).ShouldBeProblem(409);
        Assert.Contains("expired", refused.Str("detail"));
        Assert.Empty(await shop.Tenant.ListAll($"/api/v1/payments?purpose=order:{order.Id()}"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_unpaid_order_can_be_canceled_once(Engine engine)
    {
        var shop = await Shop.OpenAsync(await PaydeskHost.Shared(engine));
        var order = await shop.Tenant.PostOk("/api/v1/orders", new { customerId = shop.Customer, lines = new[] { new { planId = shop.Package } } });

        var canceled = await shop.Tenant.PostOk($"/api/v1/orders/{order.Id()}/cancel", new { });
        canceled.Str("status").ShouldBe("canceled");
        Assert.Equal(JsonValueKind.String, canceled.GetProperty("closedAt").ValueKind);
        var again = await shop.Tenant.PostOk($"/api/v1/orders/{order.Id()}/cancel", new { });
        again.Str("closedAt").ShouldBe(canceled.Str("closedAt"));

        var filtered = await shop.Tenant.GetOk("/api/v1/orders?status=canceled");
        Assert.Equal([order.Id()], filtered.Items().Select(o => o.Id()));
        await (await shop.Tenant.Http.GetAsync("/api/v1/orders?status=lost")).ShouldBeProblem(400, "status");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_unpaid_order_expires_after_its_time_and_cannot_be_canceled_then(Engine engine)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 31, 22, 0, 0, TimeSpan.Zero));
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions { Clock = clock });
        var shop = await Shop.OpenAsync(host);
        var order = await shop.Tenant.PostOk("/api/v1/orders", new { customerId = shop.Customer, lines = new[] { new { planId = shop.Package } } });
        order.GetProperty("expiresAt").GetDateTimeOffset().ShouldBe(clock.GetUtcNow().AddHours(24));

        clock.Advance(TimeSpan.FromHours(23));
        await host.RunDueJobsAsync();
        (await shop.Tenant.GetOk($"/api/v1/orders/{order.Id()}")).Str("status").ShouldBe("awaiting_payment");

        // Its expiry is a job due when it runs out, on the host's clock: moving it past is all it takes.
        clock.Advance(TimeSpan.FromHours(1));
        var expired = await shop.Tenant.OrderWhenAsync(order.Id(), "expired");
        Assert.Equal(JsonValueKind.String, expired.GetProperty("closedAt").ValueKind);
        await (await shop.Tenant.Post($"/api/v1/orders/{order.Id()}/cancel", new { })).ShouldBeProblem(409);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Lines_whose_names_together_pass_the_column_are_placed_and_invoiced_with_their_description_cut(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var t = await host.NewTenantAsync();
        string Name(char c) => new(c, 200);
        var service = await t.PostOk("/api/v1/services", new
        {
            name = "Physiotherapy session", durationMinutes = 60, price = new { amount = 180_00, currency = "RON" },
            calendars = new object[] { new { name = Name('k') } },
        });
        var product = (await t.PostOk("/api/v1/products", new { sku = "MAT", name = Name('m'), price = new { amount = 45_00, currency = "RON" }, stock = 10 })).Id();
        // Each name at its longest: the plan, its term and its calendar; the product and the plan it comes with.
        var plan = (await t.PostOk("/api/v1/plans", new
        {
            name = Name('p'), terms = new[] { new { months = 12, price = new { amount = 1_000_00, currency = "RON" } } },
            grants = new object[] { new { type = "sessions", serviceId = service.Id(), count = 1 }, new { type = "product", productId = product, quantity = 1 } },
        })).Id();
        var customer = await t.CreateCustomerAsync();

        var placed = await t.Post("/api/v1/orders", new
        {
            customerId = customer, lines = new[] { new { planId = plan, termMonths = 12, calendarId = service.GetProperty("calendars")[0].Id() } },
        });
        placed.StatusCode.ShouldBe(HttpStatusCode.Created);
        var order = await placed.Json();
        var descriptions = order.GetProperty("lines").EnumerateArray().Select(l => l.Str("description")).ToList();
        Assert.Equal(2, descriptions.Count);
        Assert.All(descriptions, d => (d.Length, d[^1]).ShouldBe((300, '\u2026')));
        Assert.StartsWith(Name('p') + " \u2014 12 months (kkk", descriptions[0]);
        Assert.StartsWith(Name('m') + " (included with ppp", descriptions[1]);

        await t.PayAsync(order.Id());
        var invoice = Assert.Single(await t.ListAll($"/api/v1/invoices?orderId={order.Id()}"));
        Assert.Equal(descriptions, invoice.GetProperty("lines").EnumerateArray().Select(l => l.Str("description")));
    }
}
