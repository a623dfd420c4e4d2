using Microsoft.EntityFrameworkCore;
using Paydesk.Entitlements.Messages;
using Paydesk.Notifications.Outbox;

namespace Paydesk.Tests.Orders;

/// <summary>
/// What is bought to be shipped goes to the order's address, else the customer's; staff record the
/// carrier and tracking when they ship it, and the customer is emailed the link, once.
/// </summary>
public sealed class ShipmentTests
{
    private static readonly object Home = new { line1 = "Str. Lalelelor 5", city = "Cluj-Napoca", postalCode = "400000", country = "ro" };
    private static readonly object Office = new { recipient = "Maria Pop (reception)", line1 = "Bd. Eroilor 10", line2 = "Floor 3", city = "Brasov", country = "RO" };

    private static Task<List<OutboxMessage>> ShippedMail(PaydeskHost host, TenantClient t) =>
        host.InTenantAsync(t.TenantId, db => db.OutboxMessages.AsNoTracking().Where(m => m.EventKey.StartsWith("shipment-shipped:")).ToListAsync());

    private static async Task<JsonElement> PaidShipment(TenantClient t, Shop shop, string customer, object? shippingAddress = null)
    {
        var order = await t.PostOk("/api/v1/orders", new { customerId = customer, lines = new[] { new { productId = shop.Band, quantity = 2 } }, shippingAddress });
        await t.PayAsync(order.Id());
        return Assert.Single(await t.ListAll($"/api/v1/shipments?orderId={order.Id()}"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_shipment_goes_to_the_orders_address_else_the_customers_and_shipping_it_emails_the_tracking_link_once(Engine engine)
    {
        var maildev = await MailDevServer.Shared;
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions { SmtpPort = maildev.SmtpPort });
        var shop = await Shop.OpenAsync(host);
        var t = shop.Tenant;
        var to = MailDevServer.NewRecipient("maria");
        var customer = (await t.PostOk("/api/v1/customers", new { name = "Maria Pop", email = to, address = Home })).Id();
        (await t.GetOk($"/api/v1/customers/{customer}")).GetProperty("address").Str("country").ShouldBe("RO");

        var toHome = await PaidShipment(t, shop, customer);
        var toOffice = await PaidShipment(t, shop, customer, Office);
        toHome.GetProperty("address").Str("line1").ShouldBe("Str. Lalelelor 5");
        toOffice.GetProperty("address").Str("recipient").ShouldBe("Maria Pop (reception)");
        toHome.Str("status").ShouldBe("placed");

        var shipped = await t.PostOk($"/api/v1/shipments/{toHome.Id()}/ship",
            new { carrier = "Fan Courier", trackingNumber = "FC123456", trackingUrl = "https://track.example/FC123456" });
        shipped.Str("status").ShouldBe("shipped");
        shipped.Str("carrier").ShouldBe("Fan Courier");
        shipped.Str("trackingUrl").ShouldBe("https://track.example/FC123456");
        Assert.Equal(JsonValueKind.String, shipped.GetProperty("shippedAt").ValueKind);
        // Pressed again: as it is, and no second email.
        (await t.PostOk($"/api/v1/shipments/{toHome.Id()}/ship", new { carrier = "Other" })).Str("carrier").ShouldBe("Fan Courier");

        static bool IsShipped(JsonElement m) => m.Str("subject").StartsWith("Shipped: ", StringComparison.Ordinal);
        var mails = await Eventually.ReadsAsync(() => maildev.MessagesTo(to), ms => ms.Any(IsShipped), "the shipped email");
        var mail = mails.Single(IsShipped);
        Assert.StartsWith("Shipped: 2 × Resistance band — INV-", mail.Str("subject"));
        var text = mail.Str("text");
        Assert.Contains("Fan Courier, tracking number FC123456", text);
        Assert.Contains("https://track.example/FC123456", text);
        Assert.Contains("400000 Cluj-Napoca", text);
        Assert.Contains("href=\"https://track.example/FC123456\"", mail.Str("html"));
        Assert.Single(await ShippedMail(host, t));

        var delivered = await t.PostOk($"/api/v1/shipments/{toHome.Id()}/deliver", new { });
        delivered.Str("status").ShouldBe("delivered");
        Assert.Equal(JsonValueKind.String, delivered.GetProperty("deliveredAt").ValueKind);
        await (await t.Post($"/api/v1/shipments/{toOffice.Id()}/deliver", new { })).ShouldBeProblem(409);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_shipment_with_no_address_anywhere_is_shipped_only_with_one_and_bad_details_are_named(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await Shop.OpenAsync(host);
        var t = shop.Tenant;
        var shipment = await PaidShipment(t, shop, shop.Customer);
        Assert.Equal(JsonValueKind.Null, shipment.GetProperty("address").ValueKind);

        await (await t.Post($"/api/v1/shipments/{shipment.Id()}/ship", new { })).ShouldBeProblem(400, "address");
        await (await t.Post($"/api/v1/shipments/{shipment.Id()}/ship", new { address = new { line1 = "Str. X 1", country = "RO" } })).ShouldBeProblem(400, "address.city");
        await (await t.Post($"/api/v1/shipments/{shipment.Id()}/ship", new { address = Home, trackingUrl = "javascript:alert(1)" })).ShouldBeProblem(400, "trackingUrl");
        await (await t.Post("/api/v1/customers", new { name = "Ion", address = new { line1 = "a", city = "b", country = "Romania" } })).ShouldBeProblem(400, "address.country");
        await (await t.Post("/api/v1/orders", new { customerId = shop.Customer, lines = new[] { new { productId = shop.Band } }, shippingAddress = new { city = "b", country = "RO" } }))
            .ShouldBeProblem(400, "shippingAddress.line1");
        (await t.GetOk($"/api/v1/shipments/{shipment.Id()}")).Str("status").ShouldBe("placed");

        var shipped = await t.PostOk($"/api/v1/shipments/{shipment.Id()}/ship", new { address = Home });
        shipped.GetProperty("address").Str("city").ShouldBe("Cluj-Napoca");
        Assert.Equal(JsonValueKind.Null, shipped.GetProperty("trackingUrl").ValueKind);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Ten_staff_pressing_ship_at_once_ship_it_once_and_email_the_customer_once(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await Shop.OpenAsync(host);
        var t = shop.Tenant;
        var shipment = await PaidShipment(t, shop, shop.Customer, Home);

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            t.Post($"/api/v1/shipments/{shipment.Id()}/ship", new { carrier = "Carrier", trackingNumber = $"T{i}" })));

        Assert.All(answers, a => a.StatusCode.ShouldBe(HttpStatusCode.OK));
        var numbers = (await Task.WhenAll(answers.Select(async a => (await a.Json()).Str("trackingNumber")))).Distinct().ToList();
        var kept = (await t.GetOk($"/api/v1/shipments/{shipment.Id()}")).Str("trackingNumber");
        Assert.Equal([kept], numbers);
        var mail = Assert.Single(await ShippedMail(host, t));
        mail.EventKey.ShouldBe(ShipmentNotice.EventKey(shipment.Id()));
        Assert.Contains(kept, mail.TextBody);
    }

    private static async Task<int> StockOf(TenantClient t, string productId) =>
        (await t.GetOk($"/api/v1/products/{productId}")).GetProperty("stock").GetInt32();

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_refund_in_full_before_shipping_cancels_the_shipment_and_restocks_and_after_shipping_leaves_both(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await Shop.OpenAsync(host);
        var t = shop.Tenant;
        var customer = (await t.PostOk("/api/v1/customers", new { name = "Maria Pop", address = Home })).Id();
        var stock = await StockOf(t, shop.Band);

        var early = await t.PostOk("/api/v1/orders", new { customerId = customer, lines = new[] { new { productId = shop.Band, quantity = 3 } } });
        var earlyPayment = await t.PayAsync(early.Id());
        (await StockOf(t, shop.Band)).ShouldBe(stock - 3);
        await t.PostOk($"/api/v1/payments/{earlyPayment}/refunds", new { reason = "Changed mind" });
        await t.OrderWhenAsync(early.Id(), "refunded");
        var canceled = Assert.Single(await t.ListAll($"/api/v1/shipments?orderId={early.Id()}"));
        canceled.Str("status").ShouldBe("canceled");
        (await StockOf(t, shop.Band)).ShouldBe(stock);
        await (await t.Post($"/api/v1/shipments/{canceled.Id()}/ship", new { carrier = "Fan Courier" })).ShouldBeProblem(409);

        var late = await t.PostOk("/api/v1/orders", new { customerId = customer, lines = new[] { new { productId = shop.Band, quantity = 2 } } });
        var latePayment = await t.PayAsync(late.Id());
        var parcel = Assert.Single(await t.ListAll($"/api/v1/shipments?orderId={late.Id()}"));
        await t.PostOk($"/api/v1/shipments/{parcel.Id()}/ship", new { carrier = "Fan Courier" });
        await t.PostOk($"/api/v1/payments/{latePayment}/refunds", new { reason = "Returned by post, later" });
        await t.OrderWhenAsync(late.Id(), "refunded");
        (await t.GetOk($"/api/v1/shipments/{parcel.Id()}")).Str("status").ShouldBe("shipped");
        (await StockOf(t, shop.Band)).ShouldBe(stock - 2);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Shipping_and_refunding_at_once_either_ships_and_keeps_the_stock_out_or_cancels_and_restocks_never_both(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await Shop.OpenAsync(host);
        var t = shop.Tenant;
        var customer = (await t.PostOk("/api/v1/customers", new { name = "Maria Pop", address = Home })).Id();
        var stock = await StockOf(t, shop.Band);

        var sales = new List<(string Order, string Payment, string Shipment, int Quantity)>();
        for (var i = 1; i <= 8; i++)
        {
            var order = (await t.PostOk("/api/v1/orders", new { customerId = customer, lines = new[] { new { productId = shop.Band, quantity = i } } })).Id();
            var payment = await t.PayAsync(order);
            sales.Add((order, payment, Assert.Single(await t.ListAll($"/api/v1/shipments?orderId={order}")).Id(), i));
        }
        await Task.WhenAll(sales.SelectMany(s => new[]
        {
            t.Post($"/api/v1/shipments/{s.Shipment}/ship", new { carrier = "Fan Courier" }),
            t.Post($"/api/v1/payments/{s.Payment}/refunds", new { reason = "Race" }),
        }));
        foreach (var s in sales) await t.OrderWhenAsync(s.Order, "refunded");

        var shipped = 0;
        foreach (var s in sales)
        {
            var status = (await t.GetOk($"/api/v1/shipments/{s.Shipment}")).Str("status");
            Assert.Contains(status, new[] { "shipped", "canceled" });
            if (status == "shipped") shipped += s.Quantity;
        }
        (await StockOf(t, shop.Band)).ShouldBe(stock - shipped);
    }
}
