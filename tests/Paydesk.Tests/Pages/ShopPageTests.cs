using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Paydesk.Tests.Pages;

/// <summary>Buying from a tenant's pricing page as a person does: pick, confirm, pay on the provider's page, come back.</summary>
public sealed class ShopPageTests
{
    private static async Task<(PaydeskHost Host, Shop Shop, string Slug)> OpenShopAsync()
    {
        var host = await PaydeskHost.Shared(Engine.Sqlite);
        var shop = await Shop.OpenAsync(host);
        return (host, shop, await host.SlugOfAsync(shop.Tenant.TenantId));
    }

    private static string At(PaydeskHost host, string path) => new Uri(host.BaseAddress, path).ToString();

    [Fact]
    public async Task A_new_buyer_picks_a_package_on_the_pricing_page_gives_name_and_email_pays_and_sees_it_active()
    {
        var (host, shop, slug) = await OpenShopAsync();
        var page = await Browser.NewPageAsync();

        await page.GotoAsync(At(host, $"/t/{slug}/pricing"));
        await PageCheck.VisitAsync(page, "pricing");
        // Every plan on sale is a card; each says what it includes and what it costs.
        await Assertions.Expect(page.Locator("article.plan")).ToHaveCountAsync(5);
        var package = page.GetByRole(AriaRole.Article, new() { Name = "10 sessions" });
        await Assertions.Expect(package.GetByText("1,500.00 RON")).ToBeVisibleAsync();
        await Assertions.Expect(package.GetByText("10 sessions of Physiotherapy session, to use within 6 months")).ToBeVisibleAsync();
        var termed = page.GetByRole(AriaRole.Article, new() { Name = "Telerehab" });
        await Assertions.Expect(termed.GetByLabel("Term").Locator("option")).ToHaveTextAsync(["1 month — 200.00 RON", "3 months — 540.00 RON"]);
        // Sold by term, a plan leads with the lowest it comes to a month: 540.00 / 3.
        await Assertions.Expect(termed.GetByText("from 180.00 RON per month")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Article, new() { Name = "Monthly" }).GetByText("200.00 RON per month")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Article, new() { Name = "Recovery" }).GetByText("2 × Resistance band, shipped to you")).ToBeVisibleAsync();

        await package.GetByRole(AriaRole.Button, new() { Name = "Buy: 10 sessions" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Confirm your order", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#total")).ToHaveTextAsync("1,500.00 RON");
        await PageCheck.VisitAsync(page, "confirm");

        // Nothing is placed until the buyer says who they are; the page names what is missing.
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay 1,500.00 RON" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Enter your name.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Email", new() { Exact = true })).ToHaveAttributeAsync("aria-invalid", "true");
        Assert.Empty(await shop.Tenant.ListAll("/api/v1/orders"));
        await PageCheck.VisitAsync(page, "confirm-refused");

        await page.GetByLabel("Your name").FillAsync("Radu Ionescu");
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync("radu@example.com");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay 1,500.00 RON" }).ClickAsync();

        // The provider's page, which writes amounts its own way.
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("1500.00 RON");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Payment received" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Physiotherapy session: 10 sessions, use by")).ToBeVisibleAsync();
        await PageCheck.VisitAsync(page, "paid");

        // The buyer became the tenant's customer, with the one order they paid for.
        var customers = await shop.Tenant.ListAll("/api/v1/customers");
        var radu = Assert.Single(customers, c => c.Str("email") == "radu@example.com");
        radu.Str("name").ShouldBe("Radu Ionescu");
        var order = Assert.Single(await shop.Tenant.ListAll($"/api/v1/orders?customerId={radu.Id()}"));
        order.Str("status").ShouldBe("fulfilled");
    }

    [Fact]
    public async Task A_payment_canceled_on_the_provider_page_returns_to_the_confirmation_saying_payment_not_completed()
    {
        var (host, shop, slug) = await OpenShopAsync();
        var page = await Browser.NewPageAsync();

        await page.GotoAsync(At(host, $"/t/{slug}/pricing"));
        var termed = page.GetByRole(AriaRole.Article, new() { Name = "Telerehab" });
        await termed.GetByLabel("Term").SelectOptionAsync(["3"]);
        await termed.GetByRole(AriaRole.Button, new() { Name = "Buy: Telerehab" }).ClickAsync();
        await Assertions.Expect(page.Locator("#total")).ToHaveTextAsync("540.00 RON");
        await page.GetByLabel("Your name").FillAsync("Elena Dobre");
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync("elena@example.com");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay 540.00 RON" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel and go back" }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/t/{slug}/checkout\\?plan=.*&term=3&canceled=pay_"));
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Payment not completed");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Nothing was charged and nothing was activated.");
        await Assertions.Expect(page.Locator("#total")).ToHaveTextAsync("540.00 RON");
        await PageCheck.VisitAsync(page, "canceled");

        var elena = Assert.Single(await shop.Tenant.ListAll("/api/v1/customers"), c => c.Str("email") == "elena@example.com");
        Assert.Empty(await shop.Tenant.ListAll($"/api/v1/entitlements?customerId={elena.Id()}"));
        Assert.Single(await shop.Tenant.ListAll($"/api/v1/orders?customerId={elena.Id()}")).Str("status").ShouldBe("awaiting_payment");
    }

    [Fact]
    public async Task A_plan_that_is_not_on_sale_has_no_confirmation_page()
    {
        var (host, shop, slug) = await OpenShopAsync();
        using var http = new HttpClient();
        (await http.GetAsync(At(host, $"/t/{slug}/checkout?plan=pln_nope"))).StatusCode.ShouldBe(System.Net.HttpStatusCode.NotFound);
        await shop.Tenant.PostOk($"/api/v1/plans/{shop.Package}/archive", new { });
        (await http.GetAsync(At(host, $"/t/{slug}/checkout?plan={shop.Package}"))).StatusCode.ShouldBe(System.Net.HttpStatusCode.NotFound);
        (await http.GetAsync(At(host, "/t/no-such-tenant/pricing"))).StatusCode.ShouldBe(System.Net.HttpStatusCode.NotFound);
    }
}

/// <summary>The demo coach's first paid session, bought as a new client would from a fresh installation.</summary>
public sealed class CoachConsultationPageTests
{
    [Fact]
    public async Task A_coach_s_new_client_buys_the_30_dollar_first_consultation()
    {
        await using var host = await PaydeskHost.StartAsync(Engine.Sqlite, new HostOptions { Environment = "Development" });
        var page = await Browser.NewPageAsync();

        // The demo clinic's prices too, as the README shows them.
        await page.GotoAsync(new Uri(host.BaseAddress, "/t/clinic/pricing").ToString());
        await Assertions.Expect(page.GetByRole(AriaRole.Article, new() { Name = "10-session physiotherapy package" })).ToBeVisibleAsync();
        await PageCheck.VisitAsync(page, "clinic-pricing");

        await page.GotoAsync(new Uri(host.BaseAddress, "/t/coach/pricing").ToString());
        var card = page.GetByRole(AriaRole.Article, new() { Name = "First consultation" });
        await Assertions.Expect(card.GetByText("30.00 USD", new() { Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(card.GetByText("1 session of First consultation, to use within 30 days")).ToBeVisibleAsync();
        await Assertions.Expect(card.GetByLabel("When").Locator("option")).ToHaveTextAsync(["Weekdays — 30.00 USD a session"]);
        await PageCheck.VisitAsync(page, "coach-pricing");
        await card.GetByRole(AriaRole.Button, new() { Name = "Buy: First consultation" }).ClickAsync();

        await Assertions.Expect(page.Locator("#total")).ToHaveTextAsync("30.00 USD");
        await page.GetByLabel("Your name").FillAsync("Jordan Lee");
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync("jordan.lee@example.com");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay 30.00 USD" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay", Exact = true }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Payment received" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Sam Rivera Coaching")).ToHaveCountAsync(2);
        await Assertions.Expect(page.GetByText(new Regex("^First consultation: 1 session, use by "))).ToBeVisibleAsync();
        await PageCheck.VisitAsync(page, "coach-paid");
    }
}
