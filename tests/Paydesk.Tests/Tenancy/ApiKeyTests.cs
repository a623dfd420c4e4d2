using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

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

    /// <summary>
    /// Each process keeps the keys it authenticated for at most <see cref="Paydesk.Tenancy.ApiKeyCache.Lifetime"/>:
    /// revoking a key, or archiving a customer, stops it at once in the process that saved the change
    /// and within that second in every other one.
    /// </summary>
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_key_revoked_in_one_process_stops_working_in_every_process_within_a_second(Engine engine)
    {
        var sqliteFile = Path.Combine(Path.GetTempPath(), $"paydesk-keys-{Guid.NewGuid():N}.db");
        var connection = engine == Engine.Postgres
            ? await (await PostgresCluster.Shared).CreateDatabaseAsync("keys")
            : $"Data Source={sqliteFile};Pooling=false";
        var start = new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);
        var (clockA, clockB) = (new FakeTimeProvider(start), new FakeTimeProvider(start));
        using var ring = new SharedKeyRing();
        try
        {
            await using var a = await PaydeskHost.StartAsync(engine, new HostOptions { ConnectionString = connection, KeyRingPath = ring.Path, Clock = clockA });
            await using var b = await PaydeskHost.StartAsync(engine, new HostOptions { ConnectionString = connection, KeyRingPath = ring.Path, Clock = clockB });
            var tenant = await a.NewTenantAsync();
            var created = await tenant.PostOk("/api/v1/api-keys", new { name = "Reporting", role = "staff" });
            var customer = await tenant.CreateCustomerAsync();
            var session = (await tenant.PostOk($"/api/v1/customers/{customer}/sessions", new { ttlMinutes = 60 })).Str("token");
            var (staffA, staffB) = (a.Client(created.Str("secret")), b.Client(created.Str("secret")));
            var (customerA, customerB) = (a.Client(session), b.Client(session));
            foreach (var client in new[] { staffA, staffB })
                (await client.GetAsync("/api/v1/plans")).StatusCode.ShouldBe(HttpStatusCode.OK);
            foreach (var client in new[] { customerA, customerB })
                (await client.GetAsync($"/api/v1/customers/{customer}")).StatusCode.ShouldBe(HttpStatusCode.OK);

            await tenant.PostOk($"/api/v1/api-keys/{created.GetProperty("key").Id()}/revoke", new { });
            await (await staffA.GetAsync("/api/v1/plans")).ShouldBeProblem(401);
            await tenant.PostOk($"/api/v1/customers/{customer}/archive", new { });
            await (await customerA.GetAsync($"/api/v1/customers/{customer}")).ShouldBeProblem(401);

            clockB.Advance(Paydesk.Tenancy.ApiKeyCache.Lifetime);
            await (await staffB.GetAsync("/api/v1/plans")).ShouldBeProblem(401);
            await (await customerB.GetAsync($"/api/v1/customers/{customer}")).ShouldBeProblem(401);
            // The tenant's own key, untouched, still works in both.
            foreach (var host in new[] { a, b })
                (await host.Client(tenant.AdminKey).GetAsync("/api/v1/plans")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (File.Exists(sqliteFile)) File.Delete(sqliteFile);
        }
    }
}
