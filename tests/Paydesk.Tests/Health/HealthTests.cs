namespace Paydesk.Tests.Health;

public sealed class HealthTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Live_and_ready_answer_200_on_a_migrated_database(Engine engine)
    {
        var client = (await PaydeskHost.Shared(engine)).Client();
        (await client.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var ready = await client.GetAsync("/health/ready");
        ready.StatusCode.ShouldBe(HttpStatusCode.OK);
        var report = await ready.Json();
        report.Str("status").ShouldBe("healthy");
        report.GetProperty("checks").GetProperty("database").Str("status").ShouldBe("healthy");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Ready_says_where_the_key_ring_is_and_that_it_is_backed_up_with_the_database(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var text = await (await host.Client().GetAsync("/health/ready")).Content.ReadAsStringAsync();

        var ring = JsonDocument.Parse(text).RootElement.GetProperty("checks").GetProperty("dataProtection");
        ring.Str("status").ShouldBe("healthy");
        ring.Str("keyRingPath").ShouldBe(host.KeyRingPath);
        ring.Str("protectedAtRest").ShouldBe("none"); // Testing: no certificate
        Assert.True(ring.GetProperty("keys").GetInt32() >= 1, text);
        Assert.Contains("Back up this key ring together with the database", ring.Str("description"));
        Assert.DoesNotContain(host.ConnectionString, text);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Ready_is_503_until_the_migrations_are_applied(Engine engine)
    {
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions { MigrateOnStart = false });
        var client = host.Client();
        (await client.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);

        await Paydesk.Storage.StorageRegistrations.MigrateAsync(host.Services);
        (await client.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Ready_is_503_when_the_database_is_unreachable()
    {
        // A port nothing listens on: the process is alive, but not ready.
        await using var host = await PaydeskHost.StartAsync(Engine.Postgres, new HostOptions
        {
            MigrateOnStart = false,
            ConnectionString = "Host=127.0.0.1;Port=1;Username=paydesk;Password=hunter2-not-logged;Database=none;Timeout=2",
        });
        var client = host.Client();
        (await client.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var ready = await client.GetAsync("/health/ready");
        ready.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        Assert.DoesNotContain("hunter2", await ready.Content.ReadAsStringAsync());
        Assert.DoesNotContain(host.Logs.Lines, l => l.Contains("hunter2-not-logged"));
    }

    /// <summary>
    /// Load balancers poll readiness all day: a ready answer is reused for a second, and the check
    /// runs again after it, so a database that goes away is noticed within that second.
    /// </summary>
    [Fact]
    public async Task A_ready_answer_is_reused_for_at_most_a_second()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
        await using var host = await PaydeskHost.StartAsync(Engine.Sqlite, new HostOptions { Clock = clock });
        var client = host.Client();
        (await client.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);

        // The database file is gone: opening it again makes an empty one, with no migration applied.
        var file = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(host.ConnectionString).DataSource;
        File.Delete(file);
        (await client.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
        clock.Advance(TimeSpan.FromSeconds(1));
        var ready = await client.GetAsync("/health/ready");
        ready.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await ready.Json()).GetProperty("checks").GetProperty("database").Str("status").ShouldBe("unhealthy");
        Assert.Equal("no-store, no-cache", ready.Headers.CacheControl?.ToString());
    }
}
