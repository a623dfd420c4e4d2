using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Paydesk.Tests.Pages;

/// <summary>The catalog in the back office: a plan made from the form, new prices, stock, archiving — each seen where buyers look.</summary>
public sealed class CatalogPageTests
{
    [Fact]
    public async Task An_admin_creates_a_recurring_plan_reprices_a_service_sets_stock_and_archives_a_plan()
    {
        var host = await PaydeskHost.Shared(Engine.Sqlite);
        var shop = await Shop.OpenAsync(host);
        var slug = await host.SlugOfAsync(shop.Tenant.TenantId);
        var admin = MailDevServer.NewRecipient("catalog");
        await host.NewUserAsync(shop.Tenant.TenantId, admin, password: "a long admin password");
        var page = await Browser.NewPageAsync();
        string At(string path) => new Uri(host.BaseAddress, path).ToString();
        await page.GotoAsync(At("/sign-in"));
        await page.GetByLabel("Email").FillAsync(admin);
        await page.GetByLabel("Password").FillAsync("a long admin password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await page.GotoAsync(At($"/admin/{slug}/catalog"));
        await PageCheck.VisitAsync(page, "catalog");
        await page.GetByRole(AriaRole.Link, new() { Name = "New plan" }).ClickAsync();
        await PageCheck.VisitAsync(page, "new-plan");

        // Refused, with the field named, and what was typed kept.
        await page.GetByLabel("Amount").FillAsync("49.00");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create the plan" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("name");
        await Assertions.Expect(page.GetByLabel("Amount")).ToHaveValueAsync("49.00");

        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Fortnightly check-in");
        await page.GetByRole(AriaRole.Radio, new() { Name = "Recurring" }).CheckAsync();
        await page.GetByLabel("Every", new() { Exact = true }).FillAsync("2");
        await page.GetByLabel("Unit of time").SelectOptionAsync(["week"]);
        await page.GetByLabel("Free trial (days)").FillAsync("7");
        await page.GetByLabel("Kind").First.SelectOptionAsync(["sessions"]);
        await page.GetByLabel("Service").First.SelectOptionAsync(new SelectOptionValue { Label = "Physiotherapy session" });
        await page.GetByLabel("Sessions").First.FillAsync("1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create the plan" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Done.");

        var plan = Assert.Single(await shop.Tenant.ListAll("/api/v1/plans"), p => p.Str("name") == "Fortnightly check-in");
        plan.GetProperty("interval").Str("unit").ShouldBe("week");
        plan.GetProperty("interval").GetProperty("count").GetInt32().ShouldBe(2);
        plan.GetProperty("trialDays").GetInt32().ShouldBe(7);
        plan.GetProperty("price").GetProperty("price").GetProperty("amount").GetInt64().ShouldBe(49_00);

        // A service's new price (a new version once the old one has been sold); a product's stock is what the page says.
        var services = page.Locator("section[aria-labelledby=services]");
        var service = services.GetByRole(AriaRole.Row).Filter(new() { HasText = "Physiotherapy session" });
        await service.GetByLabel("Price (RON)").FillAsync("200");
        await service.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.Locator("section[aria-labelledby=services]").GetByRole(AriaRole.Row).Filter(new() { HasText = "Physiotherapy session" }))
            .ToContainTextAsync("200.00 RON");
        var band = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Resistance band" });
        await band.GetByLabel("Stock").FillAsync("7");
        await band.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Resistance band" }).GetByLabel("Stock")).ToHaveValueAsync("7");
        (await shop.Tenant.GetOk($"/api/v1/products")).GetProperty("items").EnumerateArray().Single(p => p.Str("name") == "Resistance band")
            .GetProperty("stock").GetInt32().ShouldBe(7);

        // Archived: gone from the prices buyers see.
        await page.GetByRole(AriaRole.Button, new() { Name = "Archive: Monthly" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Done.");
        await page.GotoAsync(At($"/t/{slug}/pricing"));
        await Assertions.Expect(page.GetByRole(AriaRole.Article, new() { Name = "Fortnightly check-in" })).ToContainTextAsync("49.00 RON every 2 weeks");
        await Assertions.Expect(page.GetByRole(AriaRole.Article, new() { Name = "Monthly" })).ToHaveCountAsync(0);

        await page.GotoAsync(At($"/admin/{slug}/audit"));
        await Assertions.Expect(page.Locator("tbody tr")).ToHaveCountAsync(4);
        foreach (var action in new[] { "create-plan", "reprice", "update-product", "archive" })
            await Assertions.Expect(page.Locator("tbody")).ToContainTextAsync(action);
    }
}
