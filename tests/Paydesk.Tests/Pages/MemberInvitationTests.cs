using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Paydesk.Tests.Pages;

/// <summary>Inviting staff: the API makes the member, the email lets them set a password, the back office opens.</summary>
public sealed partial class MemberInvitationTests
{
    [GeneratedRegex(@"https?://\S+")]
    private static partial Regex Link();

    [Fact]
    public async Task An_invited_member_sets_a_password_from_the_email_and_signs_in_to_the_back_office()
    {
        var maildev = await MailDevServer.Shared;
        await using var host = await PaydeskHost.StartAsync(Engine.Sqlite, new HostOptions { SmtpPort = maildev.SmtpPort });
        var t = await host.NewTenantAsync();
        var slug = await host.SlugOfAsync(t.TenantId);
        var email = MailDevServer.NewRecipient("new-staff");

        var member = await t.PostOk("/api/v1/members", new { email, name = "Radu Staff", role = "staff", locale = "ro-RO" });
        member.Str("role").ShouldBe("staff");
        member.Str("email").ShouldBe(email);
        Assert.Contains((await t.ListAll("/api/v1/members")), m => m.Str("email") == email);
        // Twice is a conflict, not a second membership.
        await (await t.Post("/api/v1/members", new { email, name = "Radu Staff" })).ShouldBeProblem(409);
        await (await t.Post("/api/v1/members", new { email = "not-an-email", role = "owner" })).ShouldBeProblem(400);

        var mail = await maildev.WaitForMessageTo(email, TimeSpan.FromSeconds(20));
        mail.Str("subject").ShouldBe($"Invitație la Tenant {slug} în Paydesk");
        var page = await Browser.NewPageAsync();
        await page.GotoAsync(Link().Match(mail.Str("text")).Value);
        await page.GetByLabel("New password").FillAsync("a password of my own");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the password and sign in" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/home$"));
        await page.GetByRole(AriaRole.Link, new() { Name = $"Tenant {slug}" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Level = 1 })).ToBeVisibleAsync();

        // The same person invited to a second tenant keeps their password and is told to sign in.
        var other = await host.NewTenantAsync();
        await other.PostOk("/api/v1/members", new { email, name = "Radu Staff", role = "admin" });
        var second = await Eventually.ReadsAsync(() => maildev.MessagesTo(email), ms => ms.Count == 2, "the second invitation");
        Assert.DoesNotContain("reset", second[1].Str("text"));
        Assert.Contains("/sign-in", second[1].Str("text"));
        using var anonymous = new HttpClient();
        (await anonymous.GetAsync(new Uri(host.BaseAddress, "/api/v1/members"))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }
}
