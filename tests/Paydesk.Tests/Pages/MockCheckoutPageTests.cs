using Microsoft.Playwright;

namespace Paydesk.Tests.Pages;

/// <summary>The customer's side of paying, in a real browser: the provider's page, then the page they return to.</summary>
public sealed class MockCheckoutPageTests
{
    private static async Task<(Shop Shop, string OrderId, string PaymentId, string RedirectUrl)> StartPaying()
    {
        var host = await PaydeskHost.Shared(Engine.Sqlite);
        var shop = await Shop.OpenAsync(host);
        var order = await shop.Tenant.PostOk("/api/v1/orders", new { customerId = shop.Customer, lines = new[] { new { planId = shop.Badge, termMonths = 3 } } });
        var (paymentId, redirectUrl) = await shop.Tenant.CheckoutAsync(order.Id());
        return (shop, order.Id(), paymentId, redirectUrl);
    }

    [Fact]
    public async Task Paying_on_the_provider_page_brings_the_customer_back_to_a_confirmation()
    {
        var (shop, orderId, paymentId, redirectUrl) = await StartPaying();
        var page = await Browser.NewPageAsync();

        await page.GotoAsync(redirectUrl);
        // 3 months of the badge plan: 3 × (100.00 − 3 × 2.00) RON.
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("282.00 RON");
        await Assertions.Expect(page.GetByText("Verified clinic — 3 months")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay", Exact = true }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/pay/{paymentId}/success$"));
        // The page only reads: it shows the confirmation once the provider's notification has paid the order.
        await Eventually.HoldsAsync(async () =>
        {
            await page.ReloadAsync();
            return await page.GetByRole(AriaRole.Heading, new() { Name = "Payment received" }).IsVisibleAsync();
        }, "the return page to confirm the payment");
        await shop.Tenant.OrderWhenAsync(orderId, "fulfilled");
    }

    [Fact]
    public async Task Declining_the_card_leaves_the_customer_on_payment_not_completed_and_the_order_unpaid()
    {
        var (shop, orderId, paymentId, redirectUrl) = await StartPaying();
        var page = await Browser.NewPageAsync();

        await page.GotoAsync(redirectUrl);
        await page.GetByRole(AriaRole.Button, new() { Name = "Decline the card" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Payment not completed");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/pay/{paymentId}/canceled$"));
        await shop.Tenant.PaymentWhenAsync(paymentId, "failed");
        (await shop.Tenant.GetOk($"/api/v1/orders/{orderId}")).Str("status").ShouldBe("awaiting_payment");

        // Back on the provider's page the checkout is closed: it cannot be paid after the fact.
        await page.GotoAsync(redirectUrl);
        await Assertions.Expect(page.GetByText("This checkout is closed.")).ToBeVisibleAsync();
    }
}
