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
        await PageCheck.VisitAsync(page, "mock-pay");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay", Exact = true }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/pay/{paymentId}/success$"));
        // The page only reads: it shows the confirmation once the provider's notification has paid the
        // order, and it follows the order by itself (htmx, under the page's script policy): no reload.
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Payment received" })).ToBeVisibleAsync();
        await shop.Tenant.OrderWhenAsync(orderId, "fulfilled");
        // What the purchase made active, with its end date, and the invoice; nothing left to wait for.
        await Assertions.Expect(page.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "active until" })).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "View and print your invoice" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#payment-status")).Not.ToHaveAttributeAsync("hx-trigger", new System.Text.RegularExpressions.Regex("."));
        await PageCheck.VisitAsync(page, "paid");

        // The invoice it links to: printable, and readable on a phone.
        await page.GetByRole(AriaRole.Link, new() { Name = "View and print your invoice" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^Invoice INV-"));
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Verified clinic — 3 months" })).ToContainTextAsync("282.00 RON");
        await PageCheck.VisitAsync(page, "invoice");
    }

    [Fact]
    public async Task Declining_the_card_leaves_the_customer_on_payment_not_completed_and_the_order_unpaid()
    {
        var (shop, orderId, paymentId, redirectUrl) = await StartPaying();
        var page = await Browser.NewPageAsync();

        await page.GotoAsync(redirectUrl);
        await page.GetByRole(AriaRole.Button, new() { Name = "Decline the card" }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/pay/{paymentId}/canceled$"));
        await shop.Tenant.PaymentWhenAsync(paymentId, "failed");
        // Declined is not canceled: once the provider has said so, the page tells which, and offers to pay again.
        await Eventually.HoldsAsync(async () =>
        {
            await page.ReloadAsync();
            return await page.GetByRole(AriaRole.Heading, new() { Name = "Payment declined" }).IsVisibleAsync();
        }, "the return page to say the card was declined");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Try again" })).ToBeVisibleAsync();
        await PageCheck.VisitAsync(page, "declined");
        (await shop.Tenant.GetOk($"/api/v1/orders/{orderId}")).Str("status").ShouldBe("awaiting_payment");

        // Back on the provider's page the checkout is closed: it cannot be paid after the fact.
        await page.GotoAsync(redirectUrl);
        await Assertions.Expect(page.GetByText("This checkout is closed.")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Canceling_on_the_provider_page_says_payment_not_completed_and_activates_nothing()
    {
        var (shop, orderId, paymentId, redirectUrl) = await StartPaying();
        var page = await Browser.NewPageAsync();

        await page.GotoAsync(redirectUrl);
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel and go back" }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/pay/{paymentId}/canceled$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Payment not completed");
        await Assertions.Expect(page.GetByText("You canceled the payment. Nothing was charged and nothing was activated.")).ToBeVisibleAsync();
        await shop.Tenant.PaymentWhenAsync(paymentId, "canceled");
        await PageCheck.VisitAsync(page, "canceled");
        (await shop.Tenant.GetOk($"/api/v1/orders/{orderId}")).Str("status").ShouldBe("awaiting_payment");
        Assert.Empty(await shop.Tenant.ListAll($"/api/v1/entitlements?customerId={shop.Customer}"));
    }
}
