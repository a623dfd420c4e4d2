using Paydesk.Demo;

namespace Paydesk.Tests.Orders;

/// <summary>
/// A quote is the order's own pricing with nothing kept: for any body, the quote and the order
/// placed from it right after hold the same lines and total.
/// </summary>
public sealed class QuoteTests
{
    /// <summary>The fields a quote and an order share, line by line, as one string to compare.</summary>
    private static string Priced(JsonElement answer) => string.Join("\n",
        [
            Money(answer.GetProperty("total")),
            .. answer.GetProperty("lines").EnumerateArray().Select(l => string.Join(" | ",
                l.Str("type"), l.Str("description"), l.GetProperty("quantity").GetInt32(), Money(l.GetProperty("unitPrice")), Money(l.GetProperty("amount")),
                l.GetProperty("planId").ToString(), l.GetProperty("planVersion").ToString(), l.GetProperty("priceId").ToString(),
                l.GetProperty("termMonths").ToString(), l.GetProperty("interval").ToString(), l.GetProperty("calendarId").ToString(),
                l.GetProperty("productId").ToString())),
        ]);

    private static string Money(JsonElement m) => $"{m.GetProperty("amount").GetInt64()} {m.Str("currency")}";

    /// <summary>Every line a buyer could ask for of one plan: each term, quantities 1–3 (1 for a subscription), each calendar.</summary>
    private static IEnumerable<object> LinesOf(JsonElement plan, IReadOnlyDictionary<string, JsonElement> services)
    {
        var terms = plan.GetProperty("terms").EnumerateArray().Select(t => (int?)t.GetProperty("termMonths").GetInt32()).DefaultIfEmpty(null).ToList();
        var quantities = plan.Str("type") == "recurring" ? [1] : new[] { 1, 2, 3 };
        var calendars = plan.GetProperty("grants").EnumerateArray().Where(g => g.Str("type") == "sessions")
            .SelectMany(g => services[g.Str("serviceId")].GetProperty("calendars").EnumerateArray().Select(c => c.Id()))
            .Select(c => (string?)c).Prepend(null).ToList();
        foreach (var term in terms)
            foreach (var quantity in quantities)
                foreach (var calendar in calendars)
                    yield return new { planId = plan.Id(), termMonths = term, quantity, calendarId = calendar };
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Every_demo_plan_term_quantity_and_calendar_quotes_exactly_what_the_order_then_costs(Engine engine)
    {
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions { Environment = "Development" });
        var compared = 0;
        foreach (var key in DemoData.Keys.Values)
        {
            var client = host.Client(key);
            var plans = (await client.GetFromJsonAsync<JsonElement>("/api/v1/plans")).Items().ToList();
            var services = (await client.GetFromJsonAsync<JsonElement>("/api/v1/services")).Items().ToDictionary(s => s.Id());
            var customer = (await client.GetFromJsonAsync<JsonElement>("/api/v1/customers")).Items().First().Id();
            Assert.NotEmpty(plans);

            var bodies = plans.SelectMany(p => LinesOf(p, services)).Select(line => new { customerId = customer, lines = new[] { line } }).ToList<object>();
            // And one order of everything sold once, twice over, where the currencies allow it.
            var oneOff = plans.Where(p => p.Str("type") != "recurring").GroupBy(p => p.Str("currency")).First().ToList();
            bodies.Add(new { customerId = customer, lines = oneOff.Select(p => LinesOf(p, services).Skip(1).First()).ToArray() });

            foreach (var body in bodies)
            {
                var quote = await client.PostAsJsonAsync("/api/v1/quotes", body);
                quote.StatusCode.ShouldBe(HttpStatusCode.OK);
                var order = await client.PostAsJsonAsync("/api/v1/orders", body);
                order.StatusCode.ShouldBe(HttpStatusCode.Created);
                Priced(await order.Json()).ShouldBe(Priced(await quote.Json()));
                compared++;
            }
        }
        Assert.True(compared > 60, $"only {compared} bodies compared");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_quote_keeps_nothing_and_refuses_what_an_order_refuses_naming_the_same_field(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await Shop.OpenAsync(host);
        var t = shop.Tenant;

        // Staff may price without naming a customer: a page shows a total before anyone buys.
        var quote = await t.PostOk("/api/v1/quotes", new { lines = new object[] { new { planId = shop.Hybrid, quantity = 2 }, new { planId = shop.Termed, termMonths = 3 } } });
        quote.GetProperty("total").GetProperty("amount").GetInt64().ShouldBe(2 * 1_200_00 + 540_00);
        Assert.Equal(["plan", "bundled_product", "plan"], quote.GetProperty("lines").EnumerateArray().Select(l => l.Str("type")));
        quote.GetProperty("lines")[1].GetProperty("quantity").GetInt32().ShouldBe(4);
        Assert.Empty(await t.ListAll("/api/v1/orders"));

        foreach (var (body, field) in new (object Body, string Field)[]
        {
            (new { customerId = shop.Customer, lines = new[] { new { planId = "plan_nothing" } } }, "lines[0].planId"),
            (new { customerId = shop.Customer, lines = new[] { new { planId = shop.Termed, termMonths = 2 } } }, "lines[0].termMonths"),
            (new { customerId = shop.Customer, lines = new[] { new { planId = shop.Monthly, quantity = 2 } } }, "lines[0].quantity"),
            (new { customerId = "cus_nobody", lines = new[] { new { planId = shop.Package } } }, "customerId"),
            (new { customerId = shop.Customer, lines = Array.Empty<object>() }, "lines"),
        })
        {
            await (await t.Post("/api/v1/quotes", body)).ShouldBeProblem(400, field);
            await (await t.Post("/api/v1/orders", body)).ShouldBeProblem(400, field);
        }
        await (await t.PostRaw("/api/v1/quotes", """{"lines":[{"planId":"x","price":1}]}""")).ShouldBeProblem(400, "lines[0].price");

        // A customer prices only for themself.
        var other = await t.CreateCustomerAsync("Ion Pop", "ion@example.com");
        var session = await t.PostOk($"/api/v1/customers/{shop.Customer}/sessions", new { });
        var own = host.Client(session.Str("token"));
        (await own.PostAsJsonAsync("/api/v1/quotes", new { lines = new[] { new { planId = shop.Package } } })).StatusCode.ShouldBe(HttpStatusCode.OK);
        await (await own.PostAsJsonAsync("/api/v1/quotes", new { customerId = other, lines = new[] { new { planId = shop.Package } } })).ShouldBeProblem(400, "customerId");
        Assert.Empty(await t.ListAll("/api/v1/orders"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_calendar_with_its_own_price_changes_each_session_by_the_difference_so_a_package_keeps_its_discount(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var t = await host.NewTenantAsync();
        var service = await t.PostOk("/api/v1/services", new
        {
            name = "Physiotherapy session", durationMinutes = 60, price = new { amount = 180_00, currency = "RON" },
            calendars = new object[]
            {
                new { name = "Standard hours" },
                new { name = "Evening hours", price = new { amount = 200_00, currency = "RON" } },
                new { name = "Spring promo", price = new { amount = 150_00, currency = "RON" } },
            },
        });
        var calendar = service.GetProperty("calendars").EnumerateArray().ToDictionary(c => c.Str("name"), c => c.Id());
        var single = (await t.PostOk("/api/v1/plans", new
        {
            name = "One session", price = new { amount = 180_00, currency = "RON" },
            grants = new[] { new { type = "sessions", serviceId = service.Id(), count = 1 } },
        })).Id();
        var package = (await t.PostOk("/api/v1/plans", new
        {
            name = "10 sessions", price = new { amount = 1_500_00, currency = "RON" },
            grants = new[] { new { type = "sessions", serviceId = service.Id(), count = 10 } },
        })).Id();
        var customer = await t.CreateCustomerAsync();

        async Task<(long Unit, long Total, string Description)> Order(string plan, string? calendarId, int quantity = 1)
        {
            var order = await t.PostOk("/api/v1/orders", new { customerId = customer, lines = new[] { new { planId = plan, calendarId, quantity } } });
            var line = order.GetProperty("lines")[0];
            line.GetProperty("calendarId").ToString().ShouldBe(calendarId ?? "");
            return (line.GetProperty("unitPrice").GetProperty("amount").GetInt64(), order.GetProperty("total").GetProperty("amount").GetInt64(), line.Str("description"));
        }

        (await Order(single, null)).ShouldBe((180_00L, 180_00L, "One session"));
        (await Order(single, calendar["Standard hours"])).ShouldBe((180_00L, 180_00L, "One session (Standard hours)"));
        (await Order(single, calendar["Evening hours"], quantity: 2)).ShouldBe((200_00L, 400_00L, "One session (Evening hours)"));
        (await Order(package, calendar["Evening hours"])).ShouldBe((1_500_00L + 10 * 20_00, 1_700_00L, "10 sessions (Evening hours)"));
        (await Order(package, calendar["Spring promo"])).ShouldBe((1_500_00L - 10 * 30_00, 1_200_00L, "10 sessions (Spring promo)"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_demo_clinics_evening_consultation_costs_170_not_the_plans_150(Engine engine)
    {
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions { Environment = "Development" });
        var clinic = host.Client(DemoData.Keys["clinic"]);
        var consultation = (await clinic.GetFromJsonAsync<JsonElement>("/api/v1/plans")).Items().Single(p => p.Str("name") == "Consultation");
        var evening = (await clinic.GetFromJsonAsync<JsonElement>("/api/v1/services")).Items().Single(s => s.Str("name") == "Consultation")
            .GetProperty("calendars").EnumerateArray().Single(c => c.Str("name") == "Evening hours").Id();
        var customer = (await clinic.GetFromJsonAsync<JsonElement>("/api/v1/customers")).Items().First().Id();

        var order = await (await clinic.PostAsJsonAsync("/api/v1/orders",
            new { customerId = customer, lines = new[] { new { planId = consultation.Id(), calendarId = evening } } })).Json();

        order.GetProperty("total").GetProperty("amount").GetInt64().ShouldBe(170_00);
    }
}
