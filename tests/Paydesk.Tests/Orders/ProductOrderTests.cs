using Microsoft.Extensions.Time.Testing;

namespace Paydesk.Tests.Orders;

/// <summary>
/// Products sold on their own and bundled in plans leave stock when an order takes them, never
/// below zero, and come back once if the order expires or is canceled unpaid.
/// </summary>
public sealed class ProductOrderTests
{
    private static async Task<string> Product(TenantClient t, int stock, long price = 45_00, string sku = "BALL") =>
        (await t.PostOk("/api/v1/products", new { sku, name = "Exercise ball", price = new { amount = price, currency = "RON" }, stock })).Id();

    private static async Task<int> StockOf(TenantClient t, string productId) =>
        (await t.GetOk($"/api/v1/products/{productId}")).GetProperty("stock").GetInt32();

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_product_is_ordered_on_its_own_at_its_list_price_taken_from_stock_and_shipped_once_paid(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await Shop.OpenAsync(host);
        var t = shop.Tenant;
        var ball = await Product(t, stock: 10, price: 120_00);
        var body = new { customerId = shop.Customer, lines = new object[] { new { productId = ball, quantity = 3 }, new { planId = shop.Package } } };

        var quote = await t.PostOk("/api/v1/quotes", body);
        var order = await t.PostOk("/api/v1/orders", body);

        order.GetProperty("total").GetProperty("amount").GetInt64().ShouldBe(3 * 120_00 + 1_500_00);
        quote.GetProperty("total").GetProperty("amount").GetInt64().ShouldBe(3 * 120_00 + 1_500_00);
        var line = order.GetProperty("lines")[0];
        line.Str("type").ShouldBe("product");
        line.Str("productId").ShouldBe(ball);
        line.GetProperty("unitPrice").GetProperty("amount").GetInt64().ShouldBe(120_00);
        (await StockOf(t, ball)).ShouldBe(7);

        await t.PayAsync(order.Id());
        var shipment = Assert.Single(await t.ListAll($"/api/v1/shipments?orderId={order.Id()}"));
        shipment.Str("productId").ShouldBe(ball);
        shipment.GetProperty("quantity").GetInt32().ShouldBe(3);
        // Paid, the stock stays taken.
        (await StockOf(t, ball)).ShouldBe(7);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Twenty_concurrent_orders_for_the_last_five_items_place_five_and_name_the_line_for_the_others(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var t = await host.NewTenantAsync();
        var ball = await Product(t, stock: 5);
        var customer = await t.CreateCustomerAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            t.Post("/api/v1/orders", new { customerId = customer, lines = new[] { new { productId = ball } } })));

        answers.Count(a => a.StatusCode == HttpStatusCode.Created).ShouldBe(5);
        foreach (var refused in answers.Where(a => a.StatusCode != HttpStatusCode.Created))
            Assert.Contains("left in stock", (await refused.ShouldBeProblem(400, "lines[0].quantity")).Str("detail"));
        (await StockOf(t, ball)).ShouldBe(0);
        (await t.ListAll("/api/v1/orders")).Count.ShouldBe(5);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Stock_comes_back_once_when_an_unpaid_order_is_canceled_or_expires(Engine engine)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions { Clock = clock });
        var shop = await Shop.OpenAsync(host);
        var t = shop.Tenant;
        await t.Http.PatchAsJsonAsync($"/api/v1/products/{shop.Band}", new { stock = 6 });
        // The hybrid plan bundles two bands; one more on its own.
        var body = new { customerId = shop.Customer, lines = new object[] { new { planId = shop.Hybrid }, new { productId = shop.Band } } };

        var canceled = await t.PostOk("/api/v1/orders", body);
        (await StockOf(t, shop.Band)).ShouldBe(3);
        await t.PostOk($"/api/v1/orders/{canceled.Id()}/cancel", new { });
        (await StockOf(t, shop.Band)).ShouldBe(6);
        await t.PostOk($"/api/v1/orders/{canceled.Id()}/cancel", new { });
        (await StockOf(t, shop.Band)).ShouldBe(6);

        var expiring = await t.PostOk("/api/v1/orders", body);
        var paid = await t.PostOk("/api/v1/orders", body);
        (await StockOf(t, shop.Band)).ShouldBe(0);
        await (await t.Post("/api/v1/orders", body)).ShouldBeProblem(400, "lines[0].quantity");
        await t.PayAsync(paid.Id());

        clock.Advance(TimeSpan.FromHours(25));
        await host.RunDueJobsAsync();
        await t.OrderWhenAsync(expiring.Id(), "expired");
        await host.RunDueJobsAsync();
        (await StockOf(t, shop.Band)).ShouldBe(3);
        (await t.GetOk($"/api/v1/orders/{paid.Id()}")).Str("status").ShouldBe("fulfilled");
        await (await t.Post($"/api/v1/orders/{expiring.Id()}/cancel", new { })).ShouldBeProblem(409);
        (await StockOf(t, shop.Band)).ShouldBe(3);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_bad_product_line_is_refused_naming_the_field_and_takes_nothing(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await Shop.OpenAsync(host);
        var t = shop.Tenant;
        var ball = await Product(t, stock: 4);
        var dollars = (await t.PostOk("/api/v1/products", new { sku = "USD-1", name = "Import", price = new { amount = 10_00, currency = "USD" }, stock = 9 })).Id();

        foreach (var (line, field) in new (object Line, string Field)[]
        {
            (new { productId = ball, planId = shop.Package }, "lines[0]"),
            (new { productId = "prod_nothing" }, "lines[0].productId"),
            (new { productId = ball, termMonths = 3 }, "lines[0].termMonths"),
            (new { productId = ball, quantity = 0 }, "lines[0].quantity"),
            (new { productId = ball, quantity = 5 }, "lines[0].quantity"),
            (new { }, "lines[0].planId"),
        })
        {
            await (await t.Post("/api/v1/orders", new { customerId = shop.Customer, lines = new[] { line } })).ShouldBeProblem(400, field);
            await (await t.Post("/api/v1/quotes", new { customerId = shop.Customer, lines = new[] { line } })).ShouldBeProblem(400, field);
        }
        await (await t.Post("/api/v1/orders", new { customerId = shop.Customer, lines = new object[] { new { productId = ball }, new { productId = dollars } } }))
            .ShouldBeProblem(400, "lines[1].productId");
        // Two lines of the same product count together.
        var both = await (await t.Post("/api/v1/orders", new { customerId = shop.Customer, lines = new object[] { new { productId = ball, quantity = 3 }, new { productId = ball, quantity = 2 } } }))
            .ShouldBeProblem(400, "lines[0].quantity");
        Assert.Contains("only 4 of 'Exercise ball' left in stock; this order takes 5", both.Str("detail"));

        Assert.Empty(await t.ListAll("/api/v1/orders"));
        (await StockOf(t, ball)).ShouldBe(4);
    }
}
