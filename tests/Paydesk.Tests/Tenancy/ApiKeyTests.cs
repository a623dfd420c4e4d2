using Microsoft.EntityFrameworkCore;

namespace Paydesk.Tests.Tenancy;

public sealed class ApiKeyTests
{
    [Fact]
    public async Task No_key_or_an_unknown_key_is_401_with_a_problem()
    {
        var host = await PaydeskHost.Shared(Engine.Sqlite);
        var anonymous = await host.Client().GetAsync("/api/v1/plans");
        await anonymous.ShouldBeProblem(401);
        Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        await (await host.Client("sk_test_nosuchkey").GetAsync("/api/v1/plans")).ShouldBeProblem(401);
        await (await host.Client("Basic_looking_thing").GetAsync("/api/v1/plans")).ShouldBeProblem(401);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_key_is_shown_once_stored_hashed_and_can_be_revoked(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var tenant = await host.NewTenantAsync();

        var created = await tenant.PostOk("/api/v1/api-keys", new { name = "Reporting", role = "staff" });
        var secret = created.Str("secret");
        var keyId = created.GetProperty("key").Id();
        Assert.StartsWith("sk_test_", secret);

        var listed = await tenant.GetOk("/api/v1/api-keys");
        Assert.DoesNotContain(secret, listed.GetRawText());
        Assert.Contains(listed.Items(), k => k.Id() == keyId && secret.StartsWith(k.Str("hint").TrimEnd('…')));
        var stored = await host.InTenantAsync(tenant.TenantId, db => db.ApiKeys.SingleAsync(k => k.Id == keyId));
        Assert.NotEqual(secret, stored.Hash);
        Assert.DoesNotContain(secret, stored.Hash);

        var staff = host.Client(secret);
        (await staff.GetAsync("/api/v1/plans")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await tenant.PostOk($"/api/v1/api-keys/{keyId}/revoke", new { });
        await (await staff.GetAsync("/api/v1/plans")).ShouldBeProblem(401);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_staff_key_reads_and_serves_customers_but_cannot_change_the_catalog(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var tenant = await host.NewTenantAsync();
        var staff = host.Client((await tenant.PostOk("/api/v1/api-keys", new { name = "Front desk", role = "staff" })).Str("secret"));

        (await staff.PostAsJsonAsync("/api/v1/customers", new { name = "Walk-in" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        await (await staff.PostAsJsonAsync("/api/v1/plans", new { name = "x", price = new { amount = 1, currency = "RON" } })).ShouldBeProblem(403);
        await (await staff.PostAsJsonAsync("/api/v1/api-keys", new { name = "escalate", role = "admin" })).ShouldBeProblem(403);
        Assert.Empty(await tenant.ListAll("/api/v1/plans"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_expired_customer_session_is_refused(Engine engine)
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions { Clock = clock });
        var tenant = await host.NewTenantAsync();
        var customer = await tenant.CreateCustomerAsync();
        var token = (await tenant.PostOk($"/api/v1/customers/{customer}/sessions", new { ttlMinutes = 15 })).Str("token");
        var asCustomer = host.Client(token);

        (await asCustomer.GetAsync($"/api/v1/customers/{customer}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        clock.Advance(TimeSpan.FromMinutes(16));
        await (await asCustomer.GetAsync($"/api/v1/customers/{customer}")).ShouldBeProblem(401);
    }
}
