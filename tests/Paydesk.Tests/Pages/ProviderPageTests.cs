using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Paydesk.Tenancy;

namespace Paydesk.Tests.Pages;

/// <summary>The back office's payment providers: accounts added, changed, made default and disabled, their credentials never shown again.</summary>
public sealed class ProviderPageTests
{
    private const string Key = "sk_test_51ProviderPageKeyNeverShown";
    private const string Webhook = "whsec_ProviderPageWebhookNeverShown";

    [Fact]
    public async Task An_admin_adds_stripe_accounts_changes_one_makes_another_the_default_disables_it_and_turns_receipts_on_and_no_credential_shows_again()
    {
        var host = await PaydeskHost.Shared(Engine.Sqlite);
        var tenant = await host.NewTenantAsync();
        var slug = await host.SlugOfAsync(tenant.TenantId);
        var admin = MailDevServer.NewRecipient("providers");
        await host.NewUserAsync(tenant.TenantId, admin, password: AdminPageTests.Password);
        var page = await AdminPageTests.SignedInAsync(host, admin);
        await page.GotoAsync(AdminPageTests.At(host, $"/admin/{slug}"));
        await page.GetByRole(AriaRole.Link, new() { Name = "Payment providers" }).ClickAsync();
        await Assertions.Expect(page.GetByText("No accounts yet.")).ToBeVisibleAsync();

        var addStripe = page.Locator("details").Filter(new() { Has = page.Locator("summary", new() { HasTextString = "Add a Stripe account" }) });
        async Task AddStripeAsync(string name, string key)
        {
            await page.Locator("summary", new() { HasTextString = "Add a Stripe account" }).ClickAsync();
            await addStripe.GetByLabel("Name").FillAsync(name);
            await addStripe.GetByLabel("Secret key").FillAsync(key);
            await addStripe.GetByLabel("Webhook signing secret").FillAsync(Webhook);
            await addStripe.GetByRole(AriaRole.Button, new() { Name = "Add a Stripe account" }).ClickAsync();
        }

        // A live key for a test account is refused by its field.
        await AddStripeAsync("Stripe EU", "sk_live_51Wrong");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("credentials.secretKey: must be a test-mode key");
        await AddStripeAsync("Stripe EU", Key);
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Done.");
        var first = page.GetByRole(AriaRole.Region, new() { Name = "Stripe EU" });
        await Assertions.Expect(first).ToContainTextAsync("Stripe · test (no real money) · active · default");
        await Assertions.Expect(first).ToContainTextAsync("Credentials set: Secret key, Webhook signing secret");
        var account = Assert.Single(await tenant.ListAll("/api/v1/provider-accounts"));
        await Assertions.Expect(first.GetByLabel("Notification address")).ToHaveValueAsync(new Regex($"/webhooks/stripe/{account.Id()}$"));
        await PageCheck.VisitAsync(page, "providers");

        // Renamed, its credentials left empty: kept.
        await first.Locator("summary").ClickAsync();
        await first.GetByLabel("Name").FillAsync("Stripe Europe");
        await first.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Done.");
        first = page.GetByRole(AriaRole.Region, new() { Name = "Stripe Europe" });
        await Assertions.Expect(first).ToContainTextAsync("Credentials set: Secret key, Webhook signing secret");

        // A second account made the default; the first, disabled, takes no checkout.
        await AddStripeAsync("Stripe US", Key);
        var second = page.GetByRole(AriaRole.Region, new() { Name = "Stripe US" });
        await second.GetByRole(AriaRole.Button, new() { Name = "Make it the default: Stripe US" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "Stripe US" })).ToContainTextAsync("active · default");
        await page.GetByRole(AriaRole.Button, new() { Name = "Disable: Stripe Europe" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "Stripe Europe" })).ToContainTextAsync("disabled");
        (await tenant.GetOk($"/api/v1/provider-accounts/{account.Id()}")).Str("status").ShouldBe("disabled");

        // Receipts under 54-FZ: on, under the simplified regime, at 20 % VAT; the regime is required.
        var receipts = page.GetByRole(AriaRole.Region, new() { Name = "Fiscal receipts (54-FZ)" });
        await Assertions.Expect(receipts.GetByLabel("Issue fiscal receipts")).Not.ToBeCheckedAsync();
        await receipts.GetByLabel("Issue fiscal receipts").CheckAsync();
        await receipts.GetByLabel("Tax regime").SelectOptionAsync(["usn_income"]);
        await receipts.GetByLabel("VAT rate").SelectOptionAsync(["vat20"]);
        await receipts.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Done.");
        await Assertions.Expect(receipts.GetByLabel("Issue fiscal receipts")).ToBeCheckedAsync();
        await Assertions.Expect(receipts.GetByLabel("VAT rate")).ToHaveValueAsync("vat20");
        var settings = await tenant.GetOk("/api/v1/tenant");
        (settings.GetProperty("fiscalReceipts").GetBoolean(), settings.Str("taxation"), settings.Str("vat")).ShouldBe((true, "usn_income", "vat20"));

        Assert.DoesNotContain(Key, await page.ContentAsync());
        Assert.DoesNotContain(Webhook, await page.ContentAsync());
        await page.GetByRole(AriaRole.Link, new() { Name = "Audit log" }).ClickAsync();
        await Assertions.Expect(page.Locator("tbody tr")).ToHaveCountAsync(6);
        foreach (var action in new[] { "add-provider-account", "change-provider-account", "disable-provider-account", "set-fiscal-receipts" })
            await Assertions.Expect(page.Locator("tbody")).ToContainTextAsync(action);
        Assert.DoesNotContain(Key, await page.ContentAsync());
        Assert.DoesNotContain(Webhook, await page.ContentAsync());

        // Staff see that the page is not theirs.
        var staff = MailDevServer.NewRecipient("providers-staff");
        await host.NewUserAsync(tenant.TenantId, staff, Role.Staff, password: AdminPageTests.Password);
        var staffPage = await AdminPageTests.SignedInAsync(host, staff);
        await staffPage.GotoAsync(AdminPageTests.At(host, $"/admin/{slug}/providers"));
        await Assertions.Expect(staffPage.GetByRole(AriaRole.Alert)).ToBeVisibleAsync();
        await Assertions.Expect(staffPage.GetByRole(AriaRole.Region, new() { Name = "Stripe US" })).ToHaveCountAsync(0);
    }
}
