using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Paydesk.Tests.Payments.TBank;

namespace Paydesk.Tests.Pages;

/// <summary>A clinic in Russia sells through T-Bank: the buyer pays, or gives up, on T-Bank's form (the emulator's), in a real browser.</summary>
public sealed class TBankCheckoutPageTests
{
    private static async Task<(PaydeskHost Host, TBankShop Shop, string Slug)> OpenAsync()
    {
        var host = await PaydeskHost.Shared(Engine.Sqlite);
        var shop = await TBankShop.OpenAsync(host);
        return (host, shop, await host.SlugOfAsync(shop.Tenant.TenantId));
    }

    private static string At(PaydeskHost host, string path) => new Uri(host.BaseAddress, path).ToString();

    private static async Task<IPage> ToTBankFormAsync(PaydeskHost host, string slug, string name, string email)
    {
        var page = await Browser.NewPageAsync();
        await page.GotoAsync(At(host, $"/t/{slug}/pricing"));
        await page.GetByRole(AriaRole.Article, new() { Name = "10 сеансов" }).GetByRole(AriaRole.Button, new() { Name = "Buy: 10 сеансов" }).ClickAsync();
        // T-Bank first: the clinic has an account there; the Mock provider, on in tests, comes after it.
        await Assertions.Expect(page.GetByLabel("T-Bank")).ToBeCheckedAsync();
        await page.GetByLabel("Your name").FillAsync(name);
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Pay 15,000.00") }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/tbank/pay/\\d+$"));
        await Assertions.Expect(page.Locator("#amount")).ToHaveTextAsync(new Regex("^15\\s000,00 ₽$"));
        return page;
    }

    [Fact]
    public async Task A_clinic_order_paid_on_the_TBank_form_is_activated()
    {
        var (host, shop, slug) = await OpenAsync();
        var page = await ToTBankFormAsync(host, slug, "Анна Смирнова", "anna@example.ru");
        await page.GetByRole(AriaRole.Button, new() { Name = "Оплатить", Exact = true }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Payment received" })).ToBeVisibleAsync();
        await PageCheck.VisitAsync(page, "tbank-paid");
        var anna = Assert.Single(await shop.Tenant.ListAll("/api/v1/customers"), c => c.Str("email") == "anna@example.ru");
        var order = Assert.Single(await shop.Tenant.ListAll($"/api/v1/orders?customerId={anna.Id()}"));
        await shop.Tenant.OrderWhenAsync(order.Id(), "fulfilled");
        Assert.Single(await shop.Tenant.ListAll($"/api/v1/entitlements?customerId={anna.Id()}")).GetProperty("sessionsRemaining").GetInt32().ShouldBe(10);
    }

    [Fact]
    public async Task A_payment_cancelled_on_the_TBank_form_says_payment_not_completed()
    {
        var (host, shop, slug) = await OpenAsync();
        var page = await ToTBankFormAsync(host, slug, "Олег Петров", "oleg@example.ru");
        await page.GetByRole(AriaRole.Button, new() { Name = "Отменить и вернуться в магазин" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Payment not completed");
        await PageCheck.VisitAsync(page, "tbank-canceled");
        var oleg = Assert.Single(await shop.Tenant.ListAll("/api/v1/customers"), c => c.Str("email") == "oleg@example.ru");
        Assert.Empty(await shop.Tenant.ListAll($"/api/v1/entitlements?customerId={oleg.Id()}"));
        Assert.Single(await shop.Tenant.ListAll($"/api/v1/orders?customerId={oleg.Id()}")).Str("status").ShouldBe("awaiting_payment");
    }
}
