using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Paydesk.Demo;

namespace Paydesk.Tests.Pages;

/// <summary>The demo as the README tells it: a customer asks for a sign-in link, and finds it in /dev/mail.</summary>
public sealed class DevMailPageTests
{
    [Fact]
    public async Task A_demo_customer_finds_their_sign_in_link_in_dev_mail_and_signs_in_with_it()
    {
        await using var host = await PaydeskHost.StartAsync(Engine.Sqlite, new HostOptions { Environment = "Development" });
        var page = await Browser.NewPageAsync();
        string At(string path) => new Uri(host.BaseAddress, path).ToString();

        await page.GotoAsync(At("/t/clinic/sign-in"));
        await page.GetByLabel("Email").FillAsync(DemoData.Customers["clinic"]);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send me a link" }).ClickAsync();

        await page.GotoAsync(At("/dev/mail"));
        await PageCheck.VisitAsync(page, "dev-mail");
        // Maria reads Romanian: her link's email is in it.
        await page.GetByRole(AriaRole.Link, new() { Name = "Linkul de autentificare la Demo Physio Clinic" }).ClickAsync();
        await PageCheck.VisitAsync(page, "dev-mail-message");
        var link = Regex.Match(await page.Locator("pre.mail").InnerTextAsync(), @"https?://\S+").Value;
        await page.GotoAsync(link);
        await page.GetByRole(AriaRole.Button, new() { Name = "Autentificare" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Contul dvs.", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Maria Popescu")).ToBeVisibleAsync();
    }
}
