using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Paydesk.Tests.Pages;

/// <summary>The catalog in the back office: a plan made from the form, new prices, stock, archiving — each seen where buyers look.</summary>
public sealed class CatalogPageTests
{
    /// <summary>A new tenant with a catalog, and a page on which its admin is signed in.</summary>
    private static async Task<(PaydeskHost Host, Shop Shop, string Slug, IPage Page)> ShopAndItsAdminAsync()
    {
        var host = await PaydeskHost.Shared(Engine.Sqlite);
        var shop = await Shop.OpenAsync(host);
        var admin = MailDevServer.NewRecipient("catalog");
        await host.NewUserAsync(shop.Tenant.TenantId, admin, password: AdminPageTests.Password);
        return (host, shop, await host.SlugOfAsync(shop.Tenant.TenantId), await AdminPageTests.SignedInAsync(host, admin));
    }

    [Fact]
    public async Task An_admin_creates_a_recurring_plan_reprices_a_service_sets_stock_and_archives_a_plan()
    {
        var (host, shop, slug, page) = await ShopAndItsAdminAsync();
        string At(string path) => AdminPageTests.At(host, path);

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

    [Fact]
    public async Task An_admin_adds_a_service_with_calendars_a_product_and_a_feature_and_revises_plans_into_new_versions_only_when_what_they_sell_changes()
    {
        var (host, shop, slug, page) = await ShopAndItsAdminAsync();
        var (sold, _) = await shop.Tenant.BuyAsync(shop.Customer, new { planId = shop.Package });
        await page.GotoAsync(AdminPageTests.At(host, $"/admin/{slug}/catalog"));
        ILocator Form(string summary) => page.Locator("details").Filter(new() { Has = page.Locator("summary", new() { HasTextString = summary }) });
        async Task OpenAsync(string summary) => await page.Locator("summary", new() { HasTextString = summary }).ClickAsync();

        // A service with two calendars, one at its own price; a wrong amount is refused by its field.
        await OpenAsync("New service");
        var service = Form("New service");
        await service.GetByLabel("Name", new() { Exact = true }).FillAsync("Hydrotherapy");
        await service.GetByLabel("Price (RON)").FillAsync("15O");
        await service.GetByRole(AriaRole.Button, new() { Name = "Create the service" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("price: is not an amount");
        await OpenAsync("New service");
        await service.GetByLabel("Name", new() { Exact = true }).FillAsync("Hydrotherapy");
        await service.GetByLabel("Price (RON)").FillAsync("150");
        await service.GetByLabel("Calendar 1: name").FillAsync("Dr. Ionescu");
        await service.GetByLabel("Calendar 1: price").FillAsync("170");
        await service.GetByLabel("Calendar 2: name").FillAsync("Dr. Popa");
        await PageCheck.VisitAsync(page, "new-service");
        await service.GetByRole(AriaRole.Button, new() { Name = "Create the service" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Done.");
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Hydrotherapy" }))
            .ToContainTextAsync("Dr. Ionescu: 170.00 RON; Dr. Popa: 150.00 RON");
        var created = Assert.Single(await shop.Tenant.ListAll("/api/v1/services"), s => s.Str("name") == "Hydrotherapy");
        created.GetProperty("price").GetProperty("amount").GetInt64().ShouldBe(150_00);
        created.GetProperty("calendars").EnumerateArray().Select(c => (c.Str("name"), c.GetProperty("price").GetProperty("amount").GetInt64()))
            .OrderBy(c => c.Item1).ToList().ShouldBe([("Dr. Ionescu", 170_00L), ("Dr. Popa", 150_00L)]);

        // A product with its stock, and a badge; a key the API could not name it by is refused.
        await OpenAsync("New product");
        var product = Form("New product");
        await product.GetByLabel("SKU").FillAsync("MAT");
        await product.GetByLabel("Name").FillAsync("Exercise mat");
        await product.GetByLabel("Price (RON)").FillAsync("80.50");
        await product.GetByLabel("Stock").FillAsync("12");
        await product.GetByRole(AriaRole.Button, new() { Name = "Create the product" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Done.");
        var mat = Assert.Single(await shop.Tenant.ListAll("/api/v1/products"), p => p.Str("sku") == "MAT");
        (mat.GetProperty("price").GetProperty("amount").GetInt64(), mat.GetProperty("stock").GetInt32()).ShouldBe((80_50L, 12));

        await OpenAsync("New access feature or badge");
        var feature = Form("New access feature or badge");
        await feature.GetByLabel("Name").FillAsync("Top rated");
        await feature.GetByLabel("Key").FillAsync("Top Rated");
        await feature.GetByLabel("Kind").SelectOptionAsync(["badge"]);
        await feature.GetByRole(AriaRole.Button, new() { Name = "Create the feature" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("key: may hold only lower-case letters");
        await OpenAsync("New access feature or badge");
        await feature.GetByLabel("Name").FillAsync("Top rated");
        await feature.GetByLabel("Key").FillAsync("top-rated");
        await feature.GetByLabel("Kind").SelectOptionAsync(["badge"]);
        await feature.GetByRole(AriaRole.Button, new() { Name = "Create the feature" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "top-rated" })).ToContainTextAsync("Top rated top-rated · badge");
        Assert.Single(await shop.Tenant.ListAll("/api/v1/features"), f => f.Str("key") == "top-rated").Str("kind").ShouldBe("badge");

        // A new price and fewer sessions: version 2, while the order sold at version 1 keeps its own.
        await page.GetByRole(AriaRole.Link, new() { Name = "Edit: 10 sessions" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "10 sessions: edit" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Amount")).ToHaveValueAsync("1500.00");
        await Assertions.Expect(page.GetByLabel("Sessions").First).ToHaveValueAsync("10");
        await PageCheck.VisitAsync(page, "edit-plan");
        await page.GetByLabel("Amount").FillAsync("1400");
        await page.GetByLabel("Sessions").First.FillAsync("8");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Done.");
        var package = await shop.Tenant.GetOk($"/api/v1/plans/{shop.Package}");
        package.GetProperty("version").GetInt32().ShouldBe(2);
        package.GetProperty("price").GetProperty("price").GetProperty("amount").GetInt64().ShouldBe(1_400_00);
        package.GetProperty("grants")[0].GetProperty("count").GetInt32().ShouldBe(8);
        package.GetProperty("grants")[0].GetProperty("validFor").GetProperty("count").GetInt32().ShouldBe(6);
        var line = (await shop.Tenant.GetOk($"/api/v1/orders/{sold}")).GetProperty("lines")[0];
        (line.GetProperty("planVersion").GetInt32(), line.GetProperty("amount").GetProperty("amount").GetInt64()).ShouldBe((1, 1_500_00L));

        // A new name only: the same version; a name taken away is refused by its field, what was typed kept.
        await page.GetByRole(AriaRole.Link, new() { Name = "Edit: Telerehab" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Term prices: 3 months")).ToHaveValueAsync("540.00");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("");
        await page.GetByLabel("Term prices: 3 months").FillAsync("500");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("The plan was not changed");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("name");
        await Assertions.Expect(page.GetByLabel("Term prices: 3 months")).ToHaveValueAsync("500");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Telerehab at home");
        await page.GetByLabel("Term prices: 3 months").FillAsync("540.00");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Done.");
        var telerehab = await shop.Tenant.GetOk($"/api/v1/plans/{shop.Termed}");
        (telerehab.Str("name"), telerehab.GetProperty("version").GetInt32()).ShouldBe(("Telerehab at home", 1));

        await page.GotoAsync(AdminPageTests.At(host, $"/t/{slug}/pricing"));
        await Assertions.Expect(page.GetByRole(AriaRole.Article, new() { Name = "10 sessions" })).ToContainTextAsync("1,400.00 RON");
        await Assertions.Expect(page.GetByRole(AriaRole.Article, new() { Name = "Telerehab at home" })).ToBeVisibleAsync();

        await page.GotoAsync(AdminPageTests.At(host, $"/admin/{slug}/audit"));
        await Assertions.Expect(page.Locator("tbody tr")).ToHaveCountAsync(5);
        foreach (var action in new[] { "create-service", "create-product", "create-feature", "revise-plan" })
            await Assertions.Expect(page.Locator("tbody")).ToContainTextAsync(action);
    }
}
