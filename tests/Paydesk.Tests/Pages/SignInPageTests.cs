using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Tests.Pages;

/// <summary>
/// Signing in on the pages, in a real browser, with the mail read from a real SMTP server: a
/// tenant's admin by password (and a reset by email), a customer by a link sent to them.
/// </summary>
public sealed partial class SignInPageTests
{
    private static readonly TimeSpan Arrival = TimeSpan.FromSeconds(20);
    private static readonly Lazy<Task<PaydeskHost>> Host = new(async () =>
        await PaydeskHost.StartAsync(Engine.Sqlite, new HostOptions { SmtpPort = (await MailDevServer.Shared).SmtpPort }));

    [GeneratedRegex(@"https?://\S+")]
    private static partial Regex Link();

    private static async Task<(TenantClient Tenant, string Slug, string Name)> NewTenantAsync(PaydeskHost host)
    {
        var t = await host.NewTenantAsync();
        var tenant = await host.InTenantAsync(t.TenantId, db => db.Tenants.FirstAsync(x => x.Id == t.TenantId));
        return (t, tenant.Slug, tenant.Name);
    }

    /// <summary>A user of the tenant's back office, with no password yet (as one invited is).</summary>
    private static Task<string> NewAdminAsync(PaydeskHost host, string tenantId, string email) => host.NewUserAsync(tenantId, email);

    private static async Task<string> MailedLinkAsync(string to, string subject)
    {
        var mail = await (await MailDevServer.Shared).WaitForMessageTo(to, Arrival);
        mail.Str("subject").ShouldBe(subject);
        return Link().Match(mail.Str("text")).Value;
    }

    [Fact]
    public async Task An_admin_resets_a_forgotten_password_by_email_signs_in_and_out_and_the_reset_link_then_is_void()
    {
        var host = await Host.Value;
        var (t, _, tenantName) = await NewTenantAsync(host);
        var email = MailDevServer.NewRecipient("ana");
        await NewAdminAsync(host, t.TenantId, email);
        var page = await Browser.NewPageAsync();

        await page.GotoAsync(new Uri(host.BaseAddress, "/sign-in").ToString());
        await PageCheck.VisitAsync(page, "sign-in");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync("not-my-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The email or the password is not right.");
        await PageCheck.VisitAsync(page, "sign-in-refused");

        await page.GetByRole(AriaRole.Link, new() { Name = "Forgot your password?" }).ClickAsync();
        await PageCheck.VisitAsync(page, "forgot");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send me a link" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("a link is on its way");

        var reset = await MailedLinkAsync(email, "Reset your Paydesk password");
        await page.GotoAsync(reset);
        await PageCheck.VisitAsync(page, "reset");
        await page.GetByLabel("New password").FillAsync("short");
        await page.GetByLabel("New password").EvaluateAsync("e => e.removeAttribute('minlength')");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the password and sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Use at least 10 characters.");
        await page.GetByLabel("New password").FillAsync("correct horse battery");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the password and sign in" }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/home$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your places" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = tenantName })).ToBeVisibleAsync();
        await PageCheck.VisitAsync(page, "home");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/sign-in$"));
        await page.GotoAsync(new Uri(host.BaseAddress, "/home").ToString());
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/sign-in\\?back=%2Fhome$"));

        await page.GetByLabel("Email").FillAsync(email.ToUpperInvariant());
        await page.GetByLabel("Password").FillAsync("correct horse battery");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/home$"));

        // The link set a password once; the password it set changed the stamp the link carries.
        await page.GotoAsync(reset);
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("This link has expired or was already used. Ask for a new one.");
    }

    [Fact]
    public async Task Asking_for_a_reset_of_an_address_without_an_account_answers_the_same_and_sends_nothing()
    {
        var host = await Host.Value;
        var nobody = MailDevServer.NewRecipient("nobody");
        var page = await Browser.NewPageAsync();
        await page.GotoAsync(new Uri(host.BaseAddress, "/sign-in/forgot").ToString());
        await page.GetByLabel("Email").FillAsync(nobody);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send me a link" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("a link is on its way");
        // A message to an address that exists, sent after, arrives; none came for the other.
        var (t, _, _) = await NewTenantAsync(host);
        var someone = MailDevServer.NewRecipient("someone");
        await NewAdminAsync(host, t.TenantId, someone);
        await page.GotoAsync(new Uri(host.BaseAddress, "/sign-in/forgot").ToString());
        await page.GetByLabel("Email").FillAsync(someone);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send me a link" }).ClickAsync();
        await MailedLinkAsync(someone, "Reset your Paydesk password");
        Assert.Empty(await (await MailDevServer.Shared).MessagesTo(nobody));
    }

    [Fact]
    public async Task A_customer_signs_in_by_the_link_sent_to_them_in_their_language_and_lands_on_their_account()
    {
        var host = await Host.Value;
        var (t, slug, tenantName) = await NewTenantAsync(host);
        var email = MailDevServer.NewRecipient("ioana");
        (await t.PostOk("/api/v1/customers", new { name = "Ioana Popescu", email, locale = "ro-RO" })).Id();
        var page = await Browser.NewPageAsync();

        await page.GotoAsync(new Uri(host.BaseAddress, $"/t/{slug}/account").ToString());
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/t/{slug}/sign-in\\?back="));
        await PageCheck.VisitAsync(page, "customer-sign-in");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send me a link" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Check your email" })).ToBeVisibleAsync();

        var link = await MailedLinkAsync(email, $"Linkul de autentificare la {tenantName}");
        await page.GotoAsync(link);
        await PageCheck.VisitAsync(page, "customer-confirm");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "ro-RO");
        await Assertions.Expect(page.GetByText($"Vă autentificați ca {email}?")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Autentificare" }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/t/{slug}/account$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Contul dvs.", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Ioana Popescu")).ToBeVisibleAsync();
        await PageCheck.VisitAsync(page, "customer-account");
    }

    [Fact]
    public async Task A_form_posted_without_its_anti_forgery_token_is_refused()
    {
        var host = await Host.Value;
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        var answer = await http.PostAsync("/sign-in", new FormUrlEncodedContent(new Dictionary<string, string> { ["email"] = "a@b.c", ["password"] = "x" }));
        answer.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        answer = await http.PostAsync("/sign-out", new FormUrlEncodedContent(new Dictionary<string, string>()));
        answer.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Failed_sign_ins_past_the_limit_are_refused_even_with_the_right_password()
    {
        await using var host = await PaydeskHost.StartAsync(Engine.Sqlite, new HostOptions
        {
            Settings = new Dictionary<string, string> { ["RateLimits:FailedSignIn:PermitLimit"] = "3", ["RateLimits:FailedSignIn:WindowSeconds"] = "3600" },
        });
        var (t, _, _) = await NewTenantAsync(host);
        var email = MailDevServer.NewRecipient("guessed");
        await host.NewUserAsync(t.TenantId, email, password: "the right password");
        var page = await Browser.NewPageAsync();
        async Task<IResponse?> Try(string password)
        {
            await page.GotoAsync(new Uri(host.BaseAddress, "/sign-in").ToString());
            await page.GetByLabel("Email").FillAsync(email);
            await page.GetByLabel("Password").FillAsync(password);
            return await page.RunAndWaitForResponseAsync(
                () => page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync(),
                r => r.Request.Method == "POST" && r.Url.EndsWith("/sign-in", StringComparison.Ordinal));
        }

        for (var i = 0; i < 3; i++) (await Try($"guess {i}"))!.Status.ShouldBe(400);
        (await Try("the right password"))!.Status.ShouldBe(429);
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Too many failed sign-ins");
        await Assertions.Expect(page).Not.ToHaveURLAsync(new Regex("/home$"));
    }
}
