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
}
