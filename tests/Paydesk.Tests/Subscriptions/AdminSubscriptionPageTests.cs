using System.Net;
using Microsoft.EntityFrameworkCore;

namespace Paydesk.Tests.Subscriptions;

/// <summary>The back office's subscription pages: every subscription, one with its periods, charges and retries; admins cancel or give a period free, staff only look.</summary>
public sealed class AdminSubscriptionPageTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_admin_sees_the_periods_and_retries_of_a_past_due_subscription_gives_the_period_free_and_cancels_it(Engine engine)
    {
        var (host, clock, shop, id) = await RenewalTests.SubscribedAsync(engine, new DateTimeOffset(2028, 3, 10, 12, 0, 0, TimeSpan.Zero), "declines");
        await using var _ = host;
        clock.Advance(TimeSpan.FromDays(32));
        await host.SettleAsync();
        var slug = await host.SlugOfAsync(shop.Tenant.TenantId);
        const string password = "a long enough password";
        await host.NewUserAsync(shop.Tenant.TenantId, $"owner-{engine}@example.com", Paydesk.Tenancy.Role.TenantAdmin, password);
        await host.NewUserAsync(shop.Tenant.TenantId, $"desk-{engine}@example.com", Paydesk.Tenancy.Role.Staff, password);
        using var admin = new PageClient(host.BaseAddress);
        await admin.SignInAsync($"owner-{engine}@example.com", password);
        using var staff = new PageClient(host.BaseAddress);
        await staff.SignInAsync($"desk-{engine}@example.com", password);

        var list = await admin.GetStringAsync($"/admin/{slug}/subscriptions");
        Assert.Contains($"/admin/{slug}/subscriptions/{id}", list);
        Assert.Contains("payment due", list);
        var page = $"/admin/{slug}/subscriptions/{id}";
        var seen = await admin.GetStringAsync(page);
        var failed = await host.InTenantAsync(shop.Tenant.TenantId, db => db.Payments.Where(p => p.Purpose.StartsWith("renewal:")).Select(p => p.Id).SingleAsync());
        Assert.Contains("try 1", seen);
        Assert.Contains($"/payments/{failed}", seen);
        Assert.Contains("Give a period free", seen);

        // Staff look, but cannot give periods away or cancel.
        var staffSees = await staff.GetStringAsync(page);
        Assert.Contains("try 1", staffSees);
        Assert.DoesNotContain("Give a period free", staffSees);
        (await staff.PostAsync($"/admin/{slug}/subscriptions", $"{page}/comp", new())).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var comped = await admin.PostAsync(page, $"{page}/comp", new());
        comped.Headers.Location!.ToString().ShouldBe($"{page}?done=comp-period");
        var subscription = await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}");
        (subscription.Str("status"), subscription.GetProperty("periods")[1].GetProperty("comped").GetBoolean()).ShouldBe(("active", true));
        Assert.Contains("given free", await admin.GetStringAsync(page));

        await admin.PostAsync(page, $"{page}/cancel", new() { ["at"] = "now" });
        (await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}")).Str("status").ShouldBe("canceled");
        Assert.Equal(["cancel-now", "comp-period"], await host.InTenantAsync(shop.Tenant.TenantId, db =>
            db.AuditEntries.Where(a => a.SubjectId == id).Select(a => a.Action).OrderBy(a => a).ToListAsync()));
    }
}
