using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Paydesk.Tests.Payments.Robokassa;

namespace Paydesk.Tests.Pages;

/// <summary>A clinic in Russia sells through Robokassa: the buyer pays, or gives up, on Robokassa's page (the emulator's), in a real browser.</summary>
public sealed class RobokassaCheckoutPageTests
{
    private static async Task<(PaydeskHost Host, RobokassaClinic Shop, string Slug)> OpenAsync()
    {
        var host = await PaydeskHost.Shared(Engine.Sqlite);
        var shop = await RobokassaClinic.OpenAsync(host);
        return (host, shop, await host.SlugOfAsync(shop.Tenant.TenantId));
    }

    private static string At(PaydeskHost host, string path) => new Uri(host.BaseAddress, path).ToString();

    private static async Task<IPage> ToRobokassaPageAsync(PaydeskHost host, string slug, string name, string email)
    {
        var page = await Browser.NewPageAsync();
        await page.GotoAsync(At(host, $"/t/{slug}/pricing"));
        await page.GetByRole(AriaRole.Article, new() { Name = "3 сеанса" }).GetByRole(AriaRole.Button, new() { Name = "Buy: 3 сеанса" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Robokassa")).ToBeCheckedAsync();
        await page.GetByLabel("Your name").FillAsync(name);
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Pay 5,000.00") }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/Merchant/Index.aspx\\?"));
        await Assertions.Expect(page.Locator("#amount")).ToHaveTextAsync(new Regex("^5\\s000,00 ₽$"));
        return page;
    }

    [Fact]
    public async Task A_clinic_order_paid_on_the_Robokassa_page_is_activated()
    {
        var (host, shop, slug) = await OpenAsync();
        var page = await ToRobokassaPageAsync(host, slug, "Анна Смирнова", "anna@example.ru");
        await page.GetByRole(AriaRole.Button, new() { Name = "Оплатить картой", Exact = true }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Payment received" })).ToBeVisibleAsync();
        await PageCheck.VisitAsync(page, "robokassa-paid");
        var anna = Assert.Single(await shop.Tenant.ListAll("/api/v1/customers"), c => c.Str("email") == "anna@example.ru");
        var order = Assert.Single(await shop.Tenant.ListAll($"/api/v1/orders?customerId={anna.Id()}"));
        await shop.Tenant.OrderWhenAsync(order.Id(), "fulfilled");
        Assert.Single(await shop.Tenant.ListAll($"/api/v1/entitlements?customerId={anna.Id()}")).GetProperty("sessionsRemaining").GetInt32().ShouldBe(3);
    }

    [Fact]
    public async Task A_payment_given_up_on_the_Robokassa_page_says_payment_not_completed()
    {
        var (host, shop, slug) = await OpenAsync();
        var page = await ToRobokassaPageAsync(host, slug, "Олег Петров", "oleg@example.ru");
        await page.GetByRole(AriaRole.Button, new() { Name = "Вернуться в магазин" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Payment not completed");
        await PageCheck.VisitAsync(page, "robokassa-canceled");
        var oleg = Assert.Single(await shop.Tenant.ListAll("/api/v1/customers"), c => c.Str("email") == "oleg@example.ru");
        Assert.Empty(await shop.Tenant.ListAll($"/api/v1/entitlements?customerId={oleg.Id()}"));
        Assert.Single(await shop.Tenant.ListAll($"/api/v1/orders?customerId={oleg.Id()}")).Str("status").ShouldBe("awaiting_payment");
    }
}
