using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Paydesk.Demo;

namespace Paydesk.Tests.Pages;

/// <summary>
/// The platform's paid services, bought by a clinic's admin from the clinic's profile, on the demo
/// data a new installation starts with: the clinic admin is Romanian, so their pages are too.
/// </summary>
public sealed class ClinicBillingPageTests
{
    private static async Task<(PaydeskHost Host, TenantClient Platform, string ClinicId)> DemoAsync()
    {
        // Mail goes to a real SMTP server, as in production: the confirmation is read from it.
        var host = await PaydeskHost.StartAsync(Engine.Sqlite, new HostOptions { Environment = "Development", SmtpPort = (await MailDevServer.Shared).SmtpPort });
        var platform = new TenantClient(host, "", DemoData.Keys["platform"]);
        var clinic = Assert.Single(await platform.ListAll("/api/v1/customers"), c => c.Str("email") == DemoData.Customers["platform"]);
        return (host, platform, clinic.Id());
    }

    private static string At(PaydeskHost host, string path) => new Uri(host.BaseAddress, path).ToString();

    private static async Task SignInAsync(IPage page, PaydeskHost host)
    {
        await page.GotoAsync(At(host, "/sign-in"));
        await page.GetByLabel("Email").FillAsync(DemoData.Accounts["clinic"]);
        await page.GetByLabel("Password").FillAsync(Paydesk.Tenancy.Passwords.Demo);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/home$"));
    }

    [Fact]
    public async Task The_clinic_admin_buys_two_listing_options_for_six_months_and_sees_them_active_on_the_public_page_and_in_the_history()
    {
        var (host, platform, clinicId) = await DemoAsync();
        await using var _ = host;
        var page = await Browser.NewPageAsync();

        await SignInAsync(page, host);
        await page.GetByRole(AriaRole.Link, new() { Name = "Clinic Directory Platform" }).ClickAsync();
        await PageCheck.VisitAsync(page, "account");
        await page.GetByRole(AriaRole.Link, new() { Name = "Profilul clinicii și serviciile plătite" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Demo Physio Clinic", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Nicio insignă încă.")).ToBeVisibleAsync();
        await PageCheck.VisitAsync(page, "profile");
        await page.GetByRole(AriaRole.Link, new() { Name = "Servicii plătite" }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/profile/clinics/{clinicId}/billing$"));
        var total = page.Locator("#billing-total");
        await Assertions.Expect(total).ToHaveTextAsync("Alegeți cel puțin o opțiune.");
        await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = "Nimic cumpărat încă." })).ToHaveCountAsync(0);
        await PageCheck.VisitAsync(page, "billing");

        // The total follows every pick, asked of the quote: 1 month, then 6 months of two options.
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "Featured clinic" }).CheckAsync();
        await Assertions.Expect(total).ToHaveTextAsync("Total: 2.990,00 RUB");
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "Verified clinic" }).CheckAsync();
        await Assertions.Expect(total).ToHaveTextAsync("Total: 3.980,00 RUB");
        await page.GetByRole(AriaRole.Radio, new() { Name = "6 luni" }).CheckAsync();
        // 6 × 2,490.00 + 6 × 790.00
        await Assertions.Expect(total).ToHaveTextAsync("Total: 19.680,00 RUB");
        await PageCheck.VisitAsync(page, "billing-picked");
        var maildev = await MailDevServer.Shared;
        var earlier = (await maildev.MessagesTo(DemoData.Customers["platform"])).Select(m => m.Str("id")).ToHashSet();
        await page.GetByRole(AriaRole.Button, new() { Name = "Plătiți opțiunile alese" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("19680.00 RUB");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Plata a fost primită" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "activ până la" })).ToHaveCountAsync(2);
        await Assertions.Expect(page.GetByText(new Regex("^Featured clinic — activ până la .+ 2027$"))).ToBeVisibleAsync();
        await PageCheck.VisitAsync(page, "paid");

        await page.GotoAsync(At(host, $"/clinics/{clinicId}"));
        await Assertions.Expect(page.GetByRole(AriaRole.List, new() { Name = "Badges" }).GetByRole(AriaRole.Listitem))
            .ToHaveTextAsync(["Featured clinic", "Verified clinic"]);
        await PageCheck.VisitAsync(page, "public");

        await page.GotoAsync(At(host, $"/profile/clinics/{clinicId}/billing"));
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Featured clinic — 6 luni, Verified clinic — 6 luni" });
        await Assertions.Expect(row).ToContainTextAsync("19.680,00 RUB");
        await Assertions.Expect(row).ToContainTextAsync("activ");
        await Assertions.Expect(row).ToContainTextAsync("2027");
        await PageCheck.VisitAsync(page, "history");
        var order = Assert.Single(await platform.ListAll($"/api/v1/orders?customerId={clinicId}"));
        order.Str("status").ShouldBe("fulfilled");

        // The confirmation, in Romanian: its words, not only its dates and amounts.
        var invoice = Assert.Single(await platform.ListAll($"/api/v1/invoices?orderId={order.Id()}")).Str("number");
        var mails = await Eventually.ReadsAsync(() => maildev.MessagesTo(DemoData.Customers["platform"]),
            ms => ms.Any(m => !earlier.Contains(m.Str("id"))), "the confirmation email");
        var mail = Assert.Single(mails, m => !earlier.Contains(m.Str("id")));
        mail.Str("subject").ShouldBe($"Plata a fost primită — {invoice}");
        var text = mail.Str("text");
        Assert.Contains("19.680,00 RUB", text);
        Assert.Contains("Featured clinic — 6 luni", text);
        Assert.Contains("Activ acum", text);
        foreach (var english in new[] { "Thank you", "What you bought", "Active now", "until", "Hello", "Invoice" })
            Assert.DoesNotContain(english, text);
    }

    [Fact]
    public async Task Canceling_on_the_provider_page_returns_to_the_billing_page_saying_payment_not_completed()
    {
        var (host, platform, clinicId) = await DemoAsync();
        await using var _ = host;
        var page = await Browser.NewPageAsync();
        await SignInAsync(page, host);
        await page.GotoAsync(At(host, $"/profile/clinics/{clinicId}/billing"));
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "Featured clinic" }).CheckAsync();
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "Verified clinic" }).CheckAsync();
        await page.GetByRole(AriaRole.Radio, new() { Name = "6 luni" }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Plătiți opțiunile alese" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel and go back" }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/profile/clinics/{clinicId}/billing\\?term=6&canceled=pay_"));
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Plata nu a fost finalizată");
        await PageCheck.VisitAsync(page, "canceled");
        Assert.Empty(await platform.ListAll($"/api/v1/entitlements?customerId={clinicId}"));
        await page.GotoAsync(At(host, $"/clinics/{clinicId}"));
        await Assertions.Expect(page.GetByText("No badges yet.")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Only_the_clinic_s_own_people_open_its_profile_and_billing_pages()
    {
        var (host, platform, clinicId) = await DemoAsync();
        await using var _ = host;
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var answer = await anonymous.GetAsync(At(host, $"/profile/clinics/{clinicId}/billing"));
        answer.StatusCode.ShouldBe(System.Net.HttpStatusCode.Redirect);
        Assert.StartsWith("/sign-in?back=", answer.Headers.Location!.OriginalString);

        // A customer of the platform who is not this clinic: signed in, yet the clinic's pages are not there for them.
        var email = MailDevServer.NewRecipient("other");
        var other = await platform.PostOk("/api/v1/customers", new { name = "Another Clinic", email });
        var page = await Browser.NewPageAsync();
        await SignInAsync(page, host);
        var own = await page.GotoAsync(At(host, $"/profile/clinics/{clinicId}"));
        own!.Status.ShouldBe(200);
        foreach (var path in new[] { $"/profile/clinics/{other.Id()}", $"/profile/clinics/{other.Id()}/billing", $"/profile/clinics/{other.Id()}/billing/total?plan=x&term=1" })
            (await page.GotoAsync(At(host, path)))!.Status.ShouldBe(404);
        // A person is not a clinic: their id opens no public page.
        (await anonymous.GetAsync(At(host, $"/clinics/{other.Id()}"))).StatusCode.ShouldBe(System.Net.HttpStatusCode.NotFound);
    }
}
