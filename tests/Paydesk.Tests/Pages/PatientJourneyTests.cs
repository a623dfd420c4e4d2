using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Paydesk.Tests.Pages;

/// <summary>
/// A patient buys a package from the clinic's pricing page, then signs in by the link sent to
/// them and follows their sessions on their account page, while the clinic marks them used.
/// </summary>
public sealed partial class PatientJourneyTests
{
    private static readonly Lazy<Task<PaydeskHost>> Host = new(async () =>
        await PaydeskHost.StartAsync(Engine.Sqlite, new HostOptions { SmtpPort = (await MailDevServer.Shared).SmtpPort }));

    [GeneratedRegex(@"https?://\S+/sign-in/link\S+")]
    private static partial Regex SignInLink();

    [Fact]
    public async Task A_patient_buys_ten_sessions_signs_in_by_link_and_sees_them_counted_down_as_the_clinic_uses_one()
    {
        var host = await Host.Value;
        var shop = await Shop.OpenAsync(host);
        var slug = await host.SlugOfAsync(shop.Tenant.TenantId);
        var email = MailDevServer.NewRecipient("patient");
        var page = await Browser.NewPageAsync();

        await page.GotoAsync(new Uri(host.BaseAddress, $"/t/{slug}/pricing").ToString());
        await page.GetByRole(AriaRole.Article, new() { Name = "10 sessions" }).GetByRole(AriaRole.Button, new() { Name = "Buy: 10 sessions" }).ClickAsync();
        await page.GetByLabel("Your name").FillAsync("Mihai Stan");
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay 1,500.00 RON" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Payment received" })).ToBeVisibleAsync();

        // Their account asks who they are, and a link to their email answers it.
        await page.GotoAsync(new Uri(host.BaseAddress, $"/t/{slug}/account").ToString());
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send me a link" }).ClickAsync();
        var maildev = await MailDevServer.Shared;
        var mail = await Eventually.ReadsAsync(() => maildev.MessagesTo(email),
            ms => ms.Any(m => m.Str("subject").StartsWith("Your sign-in link", StringComparison.Ordinal)), "the sign-in link");
        var link = SignInLink().Match(mail.Single(m => m.Str("subject").StartsWith("Your sign-in link", StringComparison.Ordinal)).Str("text")).Value;
        await page.GotoAsync(link);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/t/{slug}/account$"));
        var sessions = page.Locator("ul.entitlements li");
        await Assertions.Expect(sessions).ToHaveTextAsync(new Regex("^Physiotherapy session: 10 sessions left of 10, use by "));
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^Invoice INV-") })).ToBeVisibleAsync();
        await PageCheck.VisitAsync(page, "account");

        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "10 sessions" })).ToContainTextAsync("active");

        // The clinic's staff mark one used in the back office; the patient's page counts it.
        var staffEmail = MailDevServer.NewRecipient("reception");
        await host.NewUserAsync(shop.Tenant.TenantId, staffEmail, Paydesk.Tenancy.Role.Staff, "a long staff password");
        var staff = await AdminPageTests.SignedInAsync(host, staffEmail, "a long staff password");
        await staff.GotoAsync(new Uri(host.BaseAddress, $"/admin/{slug}/customers").ToString());
        await staff.GetByRole(AriaRole.Link, new() { Name = "Mihai Stan" }).ClickAsync();
        await staff.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Use a session") }).ClickAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Status)).ToHaveTextAsync("Done.");
        await page.ReloadAsync();
        await Assertions.Expect(sessions).ToHaveTextAsync(new Regex("^Physiotherapy session: 9 sessions left of 10, use by "));
    }
}
