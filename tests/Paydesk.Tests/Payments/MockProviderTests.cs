using Microsoft.Extensions.DependencyInjection;
using Paydesk.Notifications.Outbox;

namespace Paydesk.Tests.Payments;

public sealed class MockProviderTests
{
    [Fact]
    public async Task The_mock_provider_is_refused_in_production_unless_enabled()
    {
        await using var production = await PaydeskHost.StartAsync(Engine.Sqlite, new HostOptions { Environment = "Production", MockEnabled = null });
        var shop = await Shop.OpenAsync(production);
        var order = await shop.Tenant.PostOk("/api/v1/orders", new { customerId = shop.Customer, lines = new[] { new { planId = shop.Package } } });

        await (await shop.Tenant.Post($"/api/v1/orders/{order.Id()}/checkout", new { provider = "mock" })).ShouldBeProblem(400, "provider");
        (await production.Client().GetAsync("/mock-pay/pay_anything")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        await (await production.Client().PostAsync("/webhooks/mock/acct_anything", new StringContent("{}"))).ShouldBeProblem(404);
        Assert.Empty(await shop.Tenant.ListAll("/api/v1/payments"));

        await using var enabled = await PaydeskHost.StartAsync(Engine.Sqlite, new HostOptions { Environment = "Production", MockEnabled = true });
        var allowed = await Shop.OpenAsync(enabled);
        var payable = await allowed.Tenant.PostOk("/api/v1/orders", new { customerId = allowed.Customer, lines = new[] { new { planId = allowed.Package } } });
        var (paymentId, _) = await allowed.Tenant.CheckoutAsync(payable.Id());
        await allowed.Tenant.PressOnMockPageAsync(paymentId);
        await allowed.Tenant.OrderWhenAsync(payable.Id(), "fulfilled");
    }

    [Fact]
    public async Task In_development_the_confirmation_lands_in_the_local_mailbox_shown_at_dev_mail()
    {
        await using var host = await PaydeskHost.StartAsync(Engine.Sqlite, new HostOptions { Environment = "Development", MockEnabled = null });
        var clinic = new TenantClient(host, "clinic", "sk_test_demo_clinic");
        var plan = (await clinic.ListAll("/api/v1/plans")).Single(p => p.Str("name") == "Consultation");
        var customer = (await clinic.ListAll("/api/v1/customers"))[0];
        var order = await clinic.PostOk("/api/v1/orders", new { customerId = customer.Id(), lines = new[] { new { planId = plan.Id() } } });
        var (paymentId, _) = await clinic.CheckoutAsync(order.Id());
        await clinic.PressOnMockPageAsync(paymentId);
        await clinic.OrderWhenAsync(order.Id(), "fulfilled");
        var invoice = Assert.Single(await clinic.ListAll($"/api/v1/invoices?orderId={order.Id()}"));

        await host.RunAsync<IServiceScopeFactory, int>(scopes => OutboxDelivery.RunDueAsync(scopes, TimeProvider.System.GetUtcNow(), default));

        var mailbox = await host.Client().GetStringAsync("/dev/mail");
        Assert.Contains(invoice.Str("number"), mailbox);
        Assert.Contains(WebUtility.HtmlEncode(customer.Str("email")), mailbox);
    }
}
