namespace Paydesk.Tests.Tenancy;

public sealed class BuyingIsolationTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Another_tenant_can_neither_see_nor_touch_an_order_its_payment_invoice_or_grants(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var alice = await Shop.OpenAsync(host);
        var bob = await Shop.OpenAsync(host);
        var (orderId, paymentId) = await alice.Tenant.BuyAsync(alice.Customer, new { planId = alice.Hybrid });
        var invoice = Assert.Single(await alice.Tenant.ListAll("/api/v1/invoices"));
        var shipment = Assert.Single(await alice.Tenant.ListAll("/api/v1/shipments"));

        foreach (var path in new[] { $"/api/v1/orders/{orderId}", $"/api/v1/payments/{paymentId}", $"/api/v1/invoices/{invoice.Id()}" })
            await (await bob.Tenant.Http.GetAsync(path)).ShouldBeProblem(404);
        foreach (var list in new[] { "orders", "payments", "invoices", "entitlements", "shipments" })
            Assert.Empty(await bob.Tenant.ListAll($"/api/v1/{list}"));
        Assert.Empty(await bob.Tenant.ListAll($"/api/v1/entitlements?customerId={alice.Customer}"));

        await (await bob.Tenant.Post($"/api/v1/payments/{paymentId}/refunds", new { })).ShouldBeProblem(404);
        await (await bob.Tenant.Post($"/api/v1/payments/{paymentId}/reconcile", new { })).ShouldBeProblem(404);
        await (await bob.Tenant.Post($"/api/v1/orders/{orderId}/checkout", new { })).ShouldBeProblem(404);
        await (await bob.Tenant.Post($"/api/v1/orders/{orderId}/fulfil", new { })).ShouldBeProblem(404);
        await (await bob.Tenant.Post($"/api/v1/orders/{orderId}/cancel", new { })).ShouldBeProblem(404);
        await (await bob.Tenant.Post($"/api/v1/shipments/{shipment.Id()}/ship", new { })).ShouldBeProblem(404);

        // Alice's side is untouched.
        (await alice.Tenant.GetOk($"/api/v1/payments/{paymentId}")).Str("status").ShouldBe("succeeded");
        (await alice.Tenant.GetOk($"/api/v1/orders/{orderId}")).Str("status").ShouldBe("fulfilled");
        Assert.Single(await alice.Tenant.ListAll("/api/v1/shipments"), s => s.Str("status") == "placed");
    }
}
