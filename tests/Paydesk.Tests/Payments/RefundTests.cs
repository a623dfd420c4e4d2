using Microsoft.EntityFrameworkCore;

namespace Paydesk.Tests.Payments;

public sealed class RefundTests
{
    private static async Task<(Shop Shop, string OrderId, string PaymentId)> PaidPackage(PaydeskHost host)
    {
        var shop = await Shop.OpenAsync(host);
        var (orderId, paymentId) = await shop.Tenant.BuyAsync(shop.Customer, new { planId = shop.Package });
        return (shop, orderId, paymentId);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_full_refund_revokes_what_the_order_granted(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var (shop, orderId, paymentId) = await PaidPackage(host);

        var refund = await shop.Tenant.PostOk($"/api/v1/payments/{paymentId}/refunds", new { reason = "Moved abroad" });

        refund.Str("status").ShouldBe("succeeded");
        refund.GetProperty("amount").GetProperty("amount").GetInt64().ShouldBe(1_500_00);
        (await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}")).Str("status").ShouldBe("refunded");
        var order = await shop.Tenant.GetOk($"/api/v1/orders/{orderId}");
        order.Str("status").ShouldBe("refunded");
        order.GetProperty("refunded").GetProperty("amount").GetInt64().ShouldBe(1_500_00);
        Assert.All(await shop.Tenant.ListAll($"/api/v1/entitlements?orderId={orderId}"), e => e.Str("status").ShouldBe("revoked"));
        var atProvider = await host.RunAsync<Paydesk.Storage.PaydeskDb, long>(db => db.MockCharges.Where(c => c.PaymentId == paymentId).Select(c => c.RefundedMinor).SingleAsync());
        atProvider.ShouldBe(1_500_00);

        await (await shop.Tenant.Post($"/api/v1/payments/{paymentId}/refunds", new { })).ShouldBeProblem(409);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Partial_refunds_add_up_and_never_exceed_the_payment(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var (shop, orderId, paymentId) = await PaidPackage(host);

        await shop.Tenant.PostOk($"/api/v1/payments/{paymentId}/refunds", new { amount = new { amount = 500_00, currency = "RON" } });
        (await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}")).Str("status").ShouldBe("partially_refunded");
        var order = await shop.Tenant.GetOk($"/api/v1/orders/{orderId}");
        order.Str("status").ShouldBe("partially_refunded");
        Assert.All(await shop.Tenant.ListAll($"/api/v1/entitlements?orderId={orderId}"), e => e.Str("status").ShouldBe("active"));

        await (await shop.Tenant.Post($"/api/v1/payments/{paymentId}/refunds", new { amount = new { amount = 1_000_01, currency = "RON" } }))
            .ShouldBeProblem(400, "amount.amount");
        await (await shop.Tenant.Post($"/api/v1/payments/{paymentId}/refunds", new { amount = new { amount = 100, currency = "USD" } }))
            .ShouldBeProblem(400, "amount.currency");
        await (await shop.Tenant.Post($"/api/v1/payments/{paymentId}/refunds", new { amount = new { amount = -1, currency = "RON" } }))
            .ShouldBeProblem(400, "amount.amount");

        await shop.Tenant.PostOk($"/api/v1/payments/{paymentId}/refunds", new { amount = new { amount = 1_000_00, currency = "RON" } });
        (await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}")).Str("status").ShouldBe("refunded");
        (await shop.Tenant.GetOk($"/api/v1/orders/{orderId}")).Str("status").ShouldBe("refunded");
        Assert.All(await shop.Tenant.ListAll($"/api/v1/entitlements?orderId={orderId}"), e => e.Str("status").ShouldBe("revoked"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Only_an_admin_refunds_and_only_a_succeeded_payment(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var (shop, _, paymentId) = await PaidPackage(host);
        var staff = host.Client((await shop.Tenant.PostOk("/api/v1/api-keys", new { name = "Desk", role = "staff" })).Str("secret"));
        await (await staff.PostAsJsonAsync($"/api/v1/payments/{paymentId}/refunds", new { })).ShouldBeProblem(403);

        var order = await shop.Tenant.PostOk("/api/v1/orders", new { customerId = shop.Customer, lines = new[] { new { planId = shop.Package } } });
        var (pending, _) = await shop.Tenant.CheckoutAsync(order.Id());
        await (await shop.Tenant.Post($"/api/v1/payments/{pending}/refunds", new { })).ShouldBeProblem(409);
        (await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}")).Str("status").ShouldBe("succeeded");
    }
}
