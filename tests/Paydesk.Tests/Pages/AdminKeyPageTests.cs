using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Paydesk.Jobs;
using Paydesk.Tenancy;

namespace Paydesk.Tests.Pages;

/// <summary>
/// The back office's API keys and jobs, in a real browser: a key made on the page, its secret shown
/// once and nowhere after, revoked; a dead job run again; and no one else's keys within reach.
/// </summary>
public sealed class AdminKeyPageTests
{
    private const string Password = AdminPageTests.Password;

    private static string At(PaydeskHost host, string path) => AdminPageTests.At(host, path);

    private static Task<IPage> SignedInAsync(PaydeskHost host, string email) => AdminPageTests.SignedInAsync(host, email);

    private static HttpClient Bearer(PaydeskHost host, string secret)
    {
        var http = new HttpClient { BaseAddress = host.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return http;
    }

    [Fact]
    public async Task An_admin_makes_a_key_sees_its_secret_once_uses_it_and_revokes_it_and_staff_cannot_make_one()
    {
        var host = await PaydeskHost.Shared(Engine.Sqlite);
        var tenant = await host.NewTenantAsync();
        var slug = await host.SlugOfAsync(tenant.TenantId);
        var admin = MailDevServer.NewRecipient("admin");
        await host.NewUserAsync(tenant.TenantId, admin, password: Password);

        var page = await SignedInAsync(host, admin);
        await page.GotoAsync(At(host, $"/admin/{slug}"));
        await page.GetByRole(AriaRole.Link, new() { Name = "API keys" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "API keys", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = "Admin key", Exact = true })).ToBeVisibleAsync();
        await PageCheck.VisitAsync(page, "api-keys");

        await page.GetByLabel("Name").FillAsync("Website");
        await page.GetByLabel("Role").SelectOptionAsync("staff");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create the key" }).ClickAsync();
        var shown = page.GetByLabel("Secret of the new key");
        await Assertions.Expect(shown).ToBeVisibleAsync();
        var secret = await shown.InputValueAsync();
        Assert.StartsWith("sk_test_", secret);
        Assert.DoesNotContain(secret, page.Url);
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Website" })).ToContainTextAsync("staff");
        await PageCheck.VisitAsync(page, "api-key-created");

        // The secret works, as the key of the tenant's staff.
        using (var answer = await Bearer(host, secret).GetAsync("/api/v1/plans")) answer.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);

        // Opened again, the page lists the key, not its secret; nor does the audit log, the database or the logs.
        await page.GotoAsync(At(host, $"/admin/{slug}/api-keys"));
        await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = "Website", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Secret of the new key")).ToHaveCountAsync(0);
        Assert.DoesNotContain(secret, await page.ContentAsync());
        Assert.DoesNotContain(secret[8..], await page.ContentAsync());
        await page.GetByRole(AriaRole.Link, new() { Name = "Audit log" }).ClickAsync();
        await Assertions.Expect(page.Locator("tbody tr").First).ToContainTextAsync("create-api-key");
        await Assertions.Expect(page.Locator("tbody tr").First).ToContainTextAsync("name: — → Website");
        Assert.DoesNotContain(secret[8..], await page.ContentAsync());
        var stored = await host.InTenantAsync(tenant.TenantId, async db => (
            Keys: await db.ApiKeys.Select(k => k.Hash + " " + k.Hint + " " + k.Name).ToListAsync(),
            Audit: await db.AuditEntries.Select(a => a.Before + " " + a.After).ToListAsync()));
        Assert.DoesNotContain(stored.Keys.Concat(stored.Audit), row => row.Contains(secret[8..], StringComparison.Ordinal));
        Assert.DoesNotContain(host.Logs.Lines, line => line.Contains(secret[8..], StringComparison.Ordinal));

        // Revoked on the page: the API no longer takes it.
        await page.GotoAsync(At(host, $"/admin/{slug}/api-keys"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke the key Website" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("The key was revoked; the API no longer accepts it.");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Revoke the key Website" })).ToHaveCountAsync(0);
        using (var answer = await Bearer(host, secret).GetAsync("/api/v1/plans")) answer.StatusCode.ShouldBe(System.Net.HttpStatusCode.Unauthorized);
        await page.GetByRole(AriaRole.Link, new() { Name = "Audit log" }).ClickAsync();
        await Assertions.Expect(page.Locator("tbody tr").First).ToContainTextAsync("revoke-api-key");

        // The tenant's staff see the page's notice, and a key form posted by them makes nothing.
        var staffEmail = MailDevServer.NewRecipient("staff");
        await host.NewUserAsync(tenant.TenantId, staffEmail, Role.Staff, password: Password);
        var staff = await SignedInAsync(host, staffEmail);
        await staff.GotoAsync(At(host, $"/admin/{slug}/api-keys"));
        await Assertions.Expect(staff.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Only the tenant's admins may do this.");
        await Assertions.Expect(staff.GetByRole(AriaRole.Cell, new() { Name = "Admin key", Exact = true })).ToHaveCountAsync(0);
        await PageCheck.VisitAsync(staff, "api-keys-staff");
        var token = await staff.EvaluateAsync<string>("() => document.querySelector('input[name=__form]').value");
        var before = (await tenant.ListAll("/api/v1/api-keys")).Count;
        var posted = await staff.APIRequest.PostAsync(At(host, $"/admin/{slug}/api-keys"),
            new() { Form = staff.APIRequest.CreateFormData().Append("__form", token).Append("name", "Sneaky").Append("role", "admin"), MaxRedirects = 0 });
        posted.Status.ShouldBe(302);
        Assert.DoesNotContain("sk_test_", await posted.TextAsync());
        (await tenant.ListAll("/api/v1/api-keys")).Count.ShouldBe(before);
    }

    [Fact]
    public async Task Staff_see_the_jobs_dead_ones_first_and_run_a_dead_one_again()
    {
        var host = await PaydeskHost.Shared(Engine.Sqlite);
        var shop = await Shop.OpenAsync(host);
        var slug = await host.SlugOfAsync(shop.Tenant.TenantId);
        var (orderId, _) = await shop.Tenant.BuyAsync(shop.Customer, new { planId = shop.Package });
        // The order's activation, as if it had failed as often as it may.
        var jobId = await host.InTenantAsync(shop.Tenant.TenantId, async db =>
        {
            var job = await db.Jobs.SingleAsync(j => j.Key == JobQueue.KeyOf("fulfil-order", orderId));
            (job.State, job.Attempts, job.LastError) = (JobState.Dead, 3, "The provider did not answer");
            await db.SaveChangesAsync();
            return job.Id;
        });
        var email = MailDevServer.NewRecipient("staff");
        await host.NewUserAsync(shop.Tenant.TenantId, email, Role.Staff, password: Password);

        var page = await SignedInAsync(host, email);
        await page.GotoAsync(At(host, $"/admin/{slug}"));
        await page.GetByRole(AriaRole.Link, new() { Name = "Jobs" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Jobs", Level = 1 })).ToBeVisibleAsync();
        var first = page.Locator("tbody tr").First;
        await Assertions.Expect(first).ToContainTextAsync("dead");
        await Assertions.Expect(first).ToContainTextAsync("The provider did not answer");
        Assert.True(await page.Locator("tbody tr").CountAsync() > 1);
        await PageCheck.VisitAsync(page, "jobs");

        await first.GetByRole(AriaRole.Button, new() { Name = "Retry the fulfil-order job" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("The job runs again now.");
        await Eventually.HoldsAsync(async () => (await shop.Tenant.GetOk($"/api/v1/jobs/{jobId}")).Str("state") == "done", "the retried job to finish");
        (await shop.Tenant.GetOk($"/api/v1/orders/{orderId}")).Str("status").ShouldBe("fulfilled");

        await page.GetByRole(AriaRole.Link, new() { Name = "Audit log" }).ClickAsync();
        await Assertions.Expect(page.Locator("tbody tr").First).ToContainTextAsync("retry-job");
        await Assertions.Expect(page.Locator("tbody tr").First.Locator("ul.changes")).ToContainTextAsync("state: dead → queued");
    }

    [Fact]
    public async Task No_one_reaches_another_tenant_s_keys_by_changing_the_address_or_the_form()
    {
        var host = await PaydeskHost.Shared(Engine.Sqlite);
        var mine = await host.NewTenantAsync();
        var theirs = await host.NewTenantAsync();
        var mySlug = await host.SlugOfAsync(mine.TenantId);
        var theirSlug = await host.SlugOfAsync(theirs.TenantId);
        var theirKey = (await theirs.PostOk("/api/v1/api-keys", new { name = "Their website", role = "staff" })).GetProperty("key").Id();
        var me = MailDevServer.NewRecipient("me");
        await host.NewUserAsync(mine.TenantId, me, password: Password);
        var page = await SignedInAsync(host, me);

        foreach (var path in new[] { $"/admin/{theirSlug}/api-keys", $"/admin/{theirSlug}/jobs" })
            Assert.True((await page.GotoAsync(At(host, path)))!.Status == 404, path);

        // Their key's revoke form, posted with my session and my token, to my back office or theirs, changes nothing.
        await page.GotoAsync(At(host, $"/admin/{mySlug}/api-keys"));
        var token = await page.EvaluateAsync<string>("() => document.querySelector('input[name=__form]').value");
        foreach (var path in new[] { $"/admin/{mySlug}/api-keys/{theirKey}/revoke", $"/admin/{theirSlug}/api-keys/{theirKey}/revoke" })
        {
            var answer = await page.APIRequest.PostAsync(At(host, path), new() { Form = page.APIRequest.CreateFormData().Append("__form", token), MaxRedirects = 0 });
            Assert.True(answer.Status == 404, path);
        }
        var theirs_ = Assert.Single(await theirs.ListAll("/api/v1/api-keys"), k => k.Id() == theirKey);
        theirs_.GetProperty("revokedAt").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
    }
}
