using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Paydesk.Tests.Payments.Stripe;

namespace Paydesk.Tests.Pages;

/// <summary>A coach in the US sells through Stripe: the buyer pays, or goes back, on Stripe's checkout page (the emulator's), in a real browser.</summary>
public sealed class StripeCheckoutPageTests
{
    private static async Task<(PaydeskHost Host, StripeClinic Shop, string Slug)> OpenAsync()
    {
        var host = await PaydeskHost.Shared(Engine.Sqlite);
        var shop = await StripeClinic.OpenAsync(host);
        return (host, shop, await host.SlugOfAsync(shop.Tenant.TenantId));
    }

    private static async Task<IPage> ToStripePageAsync(PaydeskHost host, string slug, string name, string email)
    {
        var page = await Browser.NewPageAsync();
        await page.GotoAsync(new Uri(host.BaseAddress, $"/t/{slug}/pricing").ToString());
        await page.GetByRole(AriaRole.Article, new() { Name = "First session" }).GetByRole(AriaRole.Button, new() { Name = "Buy: First session" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Stripe")).ToBeCheckedAsync();
        await page.GetByLabel("Your name").FillAsync(name);
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Pay \\$?120.00") }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/stripe/pay/cs_test_"));
        await Assertions.Expect(page.Locator("#amount")).ToHaveTextAsync("120.00 USD");
        return page;
    }

    [Fact]
    public async Task A_coaching_session_paid_on_the_Stripe_page_is_activated()
    {
        var (host, shop, slug) = await OpenAsync();
        var page = await ToStripePageAsync(host, slug, "Jordan Lee", "jordan@example.com");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay", Exact = true }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Payment received" })).ToBeVisibleAsync();
        await PageCheck.VisitAsync(page, "stripe-paid");
        var jordan = Assert.Single(await shop.Tenant.ListAll("/api/v1/customers"), c => c.Str("email") == "jordan@example.com");
        var order = Assert.Single(await shop.Tenant.ListAll($"/api/v1/orders?customerId={jordan.Id()}"));
        await shop.Tenant.OrderWhenAsync(order.Id(), "fulfilled");
        Assert.Single(await shop.Tenant.ListAll($"/api/v1/entitlements?customerId={jordan.Id()}")).GetProperty("sessionsRemaining").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task Going_back_from_the_Stripe_page_says_payment_not_completed()
    {
        var (host, shop, slug) = await OpenAsync();
        var page = await ToStripePageAsync(host, slug, "Casey Kim", "casey@example.com");
        await page.GetByRole(AriaRole.Button, new() { Name = "Back" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Payment not completed");
        await PageCheck.VisitAsync(page, "stripe-canceled");
        var casey = Assert.Single(await shop.Tenant.ListAll("/api/v1/customers"), c => c.Str("email") == "casey@example.com");
        Assert.Empty(await shop.Tenant.ListAll($"/api/v1/entitlements?customerId={casey.Id()}"));
        Assert.Single(await shop.Tenant.ListAll($"/api/v1/orders?customerId={casey.Id()}")).Str("status").ShouldBe("awaiting_payment");
    }
}
