using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Paydesk.Tests.Api;

public sealed class IdempotencyTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Same_key_and_body_replays_the_first_answer_and_creates_once(Engine engine)
    {
        var tenant = await (await PaydeskHost.Shared(engine)).NewTenantAsync();
        var body = new { name = "Maria Pop", email = "maria@example.com" };

        var first = await tenant.Post("/api/v1/customers", body, "create-maria-1");
        var second = await tenant.Post("/api/v1/customers", body, "create-maria-1");

        first.StatusCode.ShouldBe(HttpStatusCode.Created);
        second.StatusCode.ShouldBe(HttpStatusCode.Created);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.True(second.Headers.Contains("Idempotent-Replayed"));
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Single(await tenant.ListAll("/api/v1/customers"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Same_key_with_a_different_body_is_a_conflict_and_changes_nothing(Engine engine)
    {
        var tenant = await (await PaydeskHost.Shared(engine)).NewTenantAsync();
        await tenant.PostOk("/api/v1/customers", new { name = "Maria" }, "key-a");

        var conflict = await tenant.Post("/api/v1/customers", new { name = "Someone else" }, "key-a");

        await conflict.ShouldBeProblem(409);
        var all = await tenant.ListAll("/api/v1/customers");
        Assert.Equal(["Maria"], all.Select(c => c.Str("name")));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Concurrent_requests_with_one_key_create_one_row(Engine engine)
    {
        var tenant = await (await PaydeskHost.Shared(engine)).NewTenantAsync();
        var body = new { name = "Raced" };

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => tenant.Post("/api/v1/customers", body, "raced-key")));

        // Each answer is the created customer (first or replayed) or "still in progress"; never a second customer.
        Assert.All(answers, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));
        var created = answers.Where(a => a.StatusCode == HttpStatusCode.Created).ToList();
        Assert.NotEmpty(created);
        var ids = await Task.WhenAll(created.Select(async a => (await a.Json()).Id()));
        Assert.Single(ids.Distinct());
        Assert.Single(await tenant.ListAll("/api/v1/customers"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Keys_are_scoped_to_the_tenant(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var alice = await host.NewTenantAsync();
        var bob = await host.NewTenantAsync();

        var a = await alice.PostOk("/api/v1/customers", new { name = "Same" }, "shared-key");
        var b = await bob.PostOk("/api/v1/customers", new { name = "Same" }, "shared-key");

        Assert.NotEqual(a.Id(), b.Id());
        Assert.Single(await bob.ListAll("/api/v1/customers"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_failed_validation_is_replayed_too_but_a_fixed_request_needs_a_new_key(Engine engine)
    {
        var tenant = await (await PaydeskHost.Shared(engine)).NewTenantAsync();
        await (await tenant.Post("/api/v1/customers", new { email = "no-name@example.com" }, "k1")).ShouldBeProblem(400, "name");
        var again = await tenant.Post("/api/v1/customers", new { email = "no-name@example.com" }, "k1");
        await again.ShouldBeProblem(400, "name");
        Assert.True(again.Headers.Contains("Idempotent-Replayed"));
        await (await tenant.Post("/api/v1/customers", new { name = "Fixed", email = "no-name@example.com" }, "k1")).ShouldBeProblem(409);
        await tenant.PostOk("/api/v1/customers", new { name = "Fixed", email = "no-name@example.com" }, "k2");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_answer_holding_a_secret_is_never_stored_for_replay(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var tenant = await host.NewTenantAsync();

        var created = await tenant.PostOk("/api/v1/api-keys", new { name = "CI", role = "staff" }, "new-key");
        var secret = created.Str("secret");
        var replay = await tenant.Post("/api/v1/api-keys", new { name = "CI", role = "staff" }, "new-key");

        await replay.ShouldBeProblem(409);
        Assert.DoesNotContain(secret, await replay.Content.ReadAsStringAsync());
        var stored = await host.InTenantAsync(tenant.TenantId, db => Task.FromResult(db.IdempotencyRecords.Single(r => r.Key == "new-key")));
        Assert.Null(stored.Body);
        Assert.Equal(2, (await tenant.ListAll("/api/v1/api-keys")).Count); // the admin key and this one
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Keys_are_kept_for_24_hours_then_forgotten(Engine engine)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions { Clock = clock });
        var tenant = await host.NewTenantAsync();

        var first = await tenant.PostOk("/api/v1/customers", new { name = "Day one" }, "daily-key");
        clock.Advance(TimeSpan.FromHours(23) + TimeSpan.FromMinutes(59));
        var withinADay = await tenant.PostOk("/api/v1/customers", new { name = "Day one" }, "daily-key");
        withinADay.Id().ShouldBe(first.Id());

        clock.Advance(TimeSpan.FromMinutes(2));
        var afterADay = await tenant.PostOk("/api/v1/customers", new { name = "Day one" }, "daily-key");
        Assert.NotEqual(first.Id(), afterADay.Id());
        Assert.Equal(2, (await tenant.ListAll("/api/v1/customers")).Count);
    }

    [Fact]
    public async Task A_malformed_key_is_rejected_by_name()
    {
        var tenant = await (await PaydeskHost.Shared(Engine.Sqlite)).NewTenantAsync();
        var response = await tenant.Post("/api/v1/customers", new { name = "x" }, new string('k', 256));
        await response.ShouldBeProblem(400, "Idempotency-Key");
        Assert.Empty(await tenant.ListAll("/api/v1/customers"));
    }

    /// <summary>Leaves a claim on the key as a request whose process was killed leaves it: no answer, a lease still running.</summary>
    private static Task LeaveADeadClaim(PaydeskHost host, TenantClient tenant, string key, string body, DateTimeOffset now) =>
        host.InTenantAsync(tenant.TenantId, async db =>
        {
            // The hash of the request as the middleware takes it: caller, method, path, body.
            var keyId = (await db.ApiKeys.SingleAsync()).Id;
            var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
                System.Text.Encoding.UTF8.GetBytes($"{keyId}\nPOST\n/api/v1/orders\n{body}")));
            db.IdempotencyRecords.Add(new Paydesk.Api.IdempotencyRecord
            {
                TenantId = "", Key = key, RequestHash = hash, CreatedAt = now, ClaimToken = "killed-mid-request",
                LeaseUntil = now + Paydesk.Api.IdempotencyMiddleware.Lease,
            });
            return await db.SaveChangesAsync();
        });

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_key_whose_request_died_mid_way_is_free_again_after_a_short_lease_not_a_day_and_the_retry_does_the_work_once(Engine engine)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions { Clock = clock });
        var shop = await Shop.OpenAsync(host);
        var body = JsonSerializer.Serialize(new { customerId = shop.Customer, lines = new[] { new { planId = shop.Package } } });
        await LeaveADeadClaim(host, shop.Tenant, "order-1", body, clock.GetUtcNow());

        var early = await shop.Tenant.PostRaw("/api/v1/orders", body, "order-1");
        Assert.Contains("still being processed", (await early.ShouldBeProblem(409)).Str("detail"));
        var retryAfter = early.Headers.RetryAfter!.Delta!.Value;
        Assert.InRange(retryAfter, TimeSpan.FromSeconds(1), Paydesk.Api.IdempotencyMiddleware.Lease);
        Assert.Empty(await shop.Tenant.ListAll("/api/v1/orders"));

        clock.Advance(Paydesk.Api.IdempotencyMiddleware.Lease);
        var retried = await shop.Tenant.PostRaw("/api/v1/orders", body, "order-1");
        retried.StatusCode.ShouldBe(HttpStatusCode.Created);
        var again = await shop.Tenant.PostRaw("/api/v1/orders", body, "order-1");
        again.StatusCode.ShouldBe(HttpStatusCode.Created);
        Assert.True(again.Headers.Contains("Idempotent-Replayed"));
        (await again.Json()).Id().ShouldBe((await retried.Json()).Id());
        Assert.Single(await shop.Tenant.ListAll("/api/v1/orders"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Ten_retries_racing_for_a_dead_claim_create_one_order(Engine engine)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions { Clock = clock });
        var shop = await Shop.OpenAsync(host);
        var body = JsonSerializer.Serialize(new { customerId = shop.Customer, lines = new[] { new { planId = shop.Package } } });
        await LeaveADeadClaim(host, shop.Tenant, "order-2", body, clock.GetUtcNow());
        clock.Advance(Paydesk.Api.IdempotencyMiddleware.Lease + TimeSpan.FromSeconds(1));

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => shop.Tenant.PostRaw("/api/v1/orders", body, "order-2")));

        Assert.All(answers, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));
        var ids = await Task.WhenAll(answers.Where(a => a.StatusCode == HttpStatusCode.Created).Select(async a => (await a.Json()).Id()));
        Assert.Single(ids.Distinct());
        Assert.Single(await shop.Tenant.ListAll("/api/v1/orders"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_request_that_fails_leaves_no_work_behind_and_frees_its_key(Engine engine)
    {
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions());
        var shop = await Shop.OpenAsync(host);
        var body = JsonSerializer.Serialize(new { customerId = shop.Customer, lines = new[] { new { planId = shop.Package } } });
        // The order is written, then the request fails before its answer is stored: the order goes with it.
        host.Services.GetRequiredService<FaultPoints>().Arm(FaultPoints.AfterOrderPlaced);

        await (await shop.Tenant.PostRaw("/api/v1/orders", body, "order-3")).ShouldBeProblem(500);
        Assert.Empty(await shop.Tenant.ListAll("/api/v1/orders"));

        var retried = await shop.Tenant.PostRaw("/api/v1/orders", body, "order-3");
        retried.StatusCode.ShouldBe(HttpStatusCode.Created);
        Assert.Single(await shop.Tenant.ListAll("/api/v1/orders"));
    }
}
