using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Paydesk.Api;
using Paydesk.Storage;
using Paydesk.Tests.Payments;

namespace Paydesk.Tests.Api;

/// <summary>
/// Each test starts a host of its own with small limits: every test comes from 127.0.0.1, and the
/// shared hosts run with limits no test reaches.
/// </summary>
public sealed class RateLimitTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Two_thousand_wrong_keys_from_one_address_are_refused_after_the_limit_while_a_valid_key_keeps_working(Engine engine)
    {
        await using var host = await PaydeskHost.StartAsync(engine, Limited((RateLimit.FailedAuthentication, 30)));
        var tenant = await host.NewTenantAsync();
        var old = await tenant.PostOk("/api/v1/api-keys", new { name = "Old integration", role = "staff" });
        await tenant.PostOk($"/api/v1/api-keys/{old.GetProperty("key").Id()}/revoke", new { });
        HttpClient[] wrong = [host.Client(), host.Client("sk_test_nosuchkey"), host.Client(old.Str("secret"))];

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 2_000; i++)
            answers.Add(await wrong[i % wrong.Length].GetAsync("/api/v1/plans"));

        foreach (var answer in answers.Take(30))
            await answer.ShouldBeProblem(401);
        Assert.All(answers.Skip(30), a => a.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests));
        await ShouldBeRefused(answers[^1], "without a valid API key");
        (await tenant.Http.GetAsync("/api/v1/plans")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await tenant.PostOk("/api/v1/customers", new { name = "Still served" });
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Webhooks_pages_and_health_are_never_limited_even_for_an_address_that_is(Engine engine)
    {
        await using var host = await PaydeskHost.StartAsync(engine, Limited((RateLimit.FailedAuthentication, 2)));
        var shop = await Shop.OpenAsync(host);
        var order = await shop.Tenant.PostOk("/api/v1/orders", new { customerId = shop.Customer, lines = new[] { new { planId = shop.Package } } });
        var (paymentId, _) = await shop.Tenant.CheckoutAsync(order.Id());
        var forged = await Notification.ForAsync(host, shop, paymentId, "succeeded", 1_500_00, "RON");
        var wrong = host.Client("sk_test_nosuchkey");
        for (var i = 0; i < 2; i++)
            await (await wrong.GetAsync("/api/v1/plans")).ShouldBeProblem(401);
        await ShouldBeRefused(await wrong.GetAsync("/api/v1/plans"), "without a valid API key");

        for (var i = 0; i < 5; i++)
        {
            await (await forged.SendAsync(host, secret: "whsec_guessed")).ShouldBeProblem(400);
            (await wrong.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
            (await wrong.GetAsync($"/mock-pay/{paymentId}")).StatusCode.ShouldBe(HttpStatusCode.OK);
            (await wrong.GetAsync("/openapi/v1.json")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        (await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}")).Str("status").ShouldBe("pending");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Checkouts_of_one_order_beyond_its_limit_are_refused_and_create_nothing_while_another_order_can_still_be_checked_out(Engine engine)
    {
        await using var host = await PaydeskHost.StartAsync(engine, Limited((RateLimit.CheckoutPerOrder, 2)));
        var shop = await Shop.OpenAsync(host);
        var t = shop.Tenant;
        var hammered = await Order(shop);
        var other = await Order(shop);
        var staff = host.Client((await t.PostOk("/api/v1/api-keys", new { name = "Front desk", role = "staff" })).Str("secret"));

        for (var i = 0; i < 2; i++)
            await t.CheckoutAsync(hammered);
        await ShouldBeRefused(await t.Post($"/api/v1/orders/{hammered}/checkout", new { provider = "mock" }), "for this order");
        await ShouldBeRefused(await staff.PostAsJsonAsync($"/api/v1/orders/{hammered}/checkout", new { provider = "mock" }), "for this order");
        // Refused before the idempotency layer: the key is not spent on a 429, so a retry after the window runs.
        await ShouldBeRefused(await t.Post($"/api/v1/orders/{hammered}/checkout", new { provider = "mock" }, idempotencyKey: "checkout-retry"), "for this order");
        await t.CheckoutAsync(other);

        Assert.Equal(2, (await t.ListAll($"/api/v1/payments?purpose=order:{hammered}")).Count);
        Assert.Single(await t.ListAll($"/api/v1/payments?purpose=order:{other}"));
        Assert.False(await host.InTenantAsync(t.TenantId, db => db.IdempotencyRecords.AnyAsync(r => r.Key == "checkout-retry")));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Replaying_a_checkout_with_its_idempotency_key_creates_nothing_and_spends_none_of_the_limit(Engine engine)
    {
        await using var host = await PaydeskHost.StartAsync(engine, Limited((RateLimit.CheckoutPerOrder, 2), (RateLimit.CheckoutPerKey, 2)));
        var shop = await Shop.OpenAsync(host);
        var t = shop.Tenant;
        var order = await Order(shop);

        // A client that keeps losing the answer and retries with the same key, twelve times.
        var first = await t.Post($"/api/v1/orders/{order}/checkout", new { provider = "mock" }, idempotencyKey: "checkout-once");
        first.StatusCode.ShouldBe(HttpStatusCode.Created);
        var paymentId = (await first.Json()).Str("paymentId");
        for (var i = 0; i < 12; i++)
        {
            var again = await t.Post($"/api/v1/orders/{order}/checkout", new { provider = "mock" }, idempotencyKey: "checkout-once");
            again.StatusCode.ShouldBe(HttpStatusCode.Created);
            (await again.Json()).Str("paymentId").ShouldBe(paymentId);
        }

        // The one checkout it made is all it spent: a second still fits both limits, a third does not.
        await t.CheckoutAsync(order);
        await ShouldBeRefused(await t.Post($"/api/v1/orders/{order}/checkout", new { provider = "mock" }), "for this order");
        Assert.Equal(2, (await t.ListAll($"/api/v1/payments?purpose=order:{order}")).Count);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_idempotency_key_past_its_retention_runs_afresh_and_spends_a_permit_like_any_new_request(Engine engine)
    {
        await using var host = await PaydeskHost.StartAsync(engine, Limited((RateLimit.CheckoutPerKey, 2)));
        var shop = await Shop.OpenAsync(host);
        var t = shop.Tenant;
        var (first, second) = (await Order(shop), await Order(shop));

        (await t.Post($"/api/v1/orders/{first}/checkout", new { provider = "mock" }, idempotencyKey: "kept-too-long")).StatusCode.ShouldBe(HttpStatusCode.Created);
        // A day and a half later the key is no longer remembered (only not yet pruned): it is no replay.
        await host.InTenantAsync(t.TenantId, async db =>
        {
            var record = await db.IdempotencyRecords.SingleAsync(r => r.Key == "kept-too-long");
            record.CreatedAt -= IdempotencyMiddleware.Retention * 1.5;
            return await db.SaveChangesAsync();
        });
        (await t.Post($"/api/v1/orders/{first}/checkout", new { provider = "mock" }, idempotencyKey: "kept-too-long")).StatusCode.ShouldBe(HttpStatusCode.Created);

        // Both ran, so both spent a permit of the key's two.
        await ShouldBeRefused(await t.Post($"/api/v1/orders/{second}/checkout", new { provider = "mock" }), "checkouts were started with this API key");
        Assert.Empty(await t.ListAll($"/api/v1/payments?purpose=order:{second}"));
    }

    /// <summary>
    /// A clock that reads a minute later everywhere but where replays are noted: the key expires in
    /// between. (The rest of the pipeline runs inside the noting middleware, so the nearest frame decides.)
    /// </summary>
    private sealed class ExpiresBetweenNoteAndClaim(DateTimeOffset start) : Microsoft.Extensions.Time.Testing.FakeTimeProvider(start)
    {
        public override DateTimeOffset GetUtcNow()
        {
            var nearest = new System.Diagnostics.StackTrace().GetFrames()
                .Select(f => f.GetMethod()?.DeclaringType?.Name ?? "")
                .FirstOrDefault(n => n.Contains("NoteReplaysAsync", StringComparison.Ordinal) || n.Contains("ClaimAsync", StringComparison.Ordinal));
            return nearest?.Contains("NoteReplaysAsync", StringComparison.Ordinal) == true ? base.GetUtcNow() : base.GetUtcNow().AddMinutes(1);
        }
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_key_noted_as_a_replay_is_replayed_even_if_it_expires_before_its_claim_so_it_never_runs_unpaid(Engine engine)
    {
        var clock = new ExpiresBetweenNoteAndClaim(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        var options = Limited((RateLimit.CheckoutPerKey, 1));
        await using var host = await PaydeskHost.StartAsync(engine, options with { Clock = clock });
        var shop = await Shop.OpenAsync(host);
        var t = shop.Tenant;
        var order = await Order(shop);
        var first = await t.Post($"/api/v1/orders/{order}/checkout", new { provider = "mock" }, idempotencyKey: "at-the-edge");
        first.StatusCode.ShouldBe(HttpStatusCode.Created);

        // Kept for 30 more seconds as the replay is noted, expired by a minute later when it is claimed.
        var firstUsed = clock.GetUtcNow() - IdempotencyMiddleware.Retention + TimeSpan.FromSeconds(30) - TimeSpan.FromMinutes(1);
        await host.InTenantAsync(t.TenantId, async db =>
        {
            var record = await db.IdempotencyRecords.SingleAsync(r => r.Key == "at-the-edge");
            record.CreatedAt = firstUsed;
            return await db.SaveChangesAsync();
        });
        var again = await t.Post($"/api/v1/orders/{order}/checkout", new { provider = "mock" }, idempotencyKey: "at-the-edge");

        // It spent no permit, so it must not have run: the stored answer is replayed, the key not restarted.
        again.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await again.Json()).Str("paymentId").ShouldBe((await first.Json()).Str("paymentId"));
        var kept = await host.InTenantAsync(t.TenantId, db => db.IdempotencyRecords.AsNoTracking().SingleAsync(r => r.Key == "at-the-edge"));
        kept.CreatedAt.ShouldBe(PaydeskDb.Stored(firstUsed));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Checkouts_with_one_key_beyond_its_limit_are_refused_while_another_key_can_still_check_out(Engine engine)
    {
        await using var host = await PaydeskHost.StartAsync(engine, Limited((RateLimit.CheckoutPerKey, 3)));
        var shop = await Shop.OpenAsync(host);
        var t = shop.Tenant;
        var orders = new List<string>();
        for (var i = 0; i < 4; i++)
            orders.Add(await Order(shop));
        var staff = host.Client((await t.PostOk("/api/v1/api-keys", new { name = "Front desk", role = "staff" })).Str("secret"));

        foreach (var order in orders.Take(3))
            await t.CheckoutAsync(order);
        await ShouldBeRefused(await t.Post($"/api/v1/orders/{orders[3]}/checkout", new { provider = "mock" }), "checkouts were started with this API key");
        Assert.Empty(await t.ListAll($"/api/v1/payments?purpose=order:{orders[3]}"));

        (await staff.PostAsJsonAsync($"/api/v1/orders/{orders[3]}/checkout", new { provider = "mock" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        foreach (var order in orders)
            Assert.Single(await t.ListAll($"/api/v1/payments?purpose=order:{order}"));
        Assert.Equal(4, (await t.ListAll("/api/v1/payments")).Count);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Checkouts_refused_for_their_key_do_not_use_up_their_order(Engine engine)
    {
        await using var host = await PaydeskHost.StartAsync(engine, Limited((RateLimit.CheckoutPerKey, 2), (RateLimit.CheckoutPerOrder, 3)));
        var shop = await Shop.OpenAsync(host);
        var t = shop.Tenant;
        var (first, second, third) = (await Order(shop), await Order(shop), await Order(shop));
        var staff = host.Client((await t.PostOk("/api/v1/api-keys", new { name = "Front desk", role = "staff" })).Str("secret"));

        await t.CheckoutAsync(first);
        await t.CheckoutAsync(second);
        for (var i = 0; i < 5; i++)
            await ShouldBeRefused(await t.Post($"/api/v1/orders/{third}/checkout", new { provider = "mock" }), "checkouts were started with this API key");

        for (var i = 0; i < 2; i++)
            (await staff.PostAsJsonAsync($"/api/v1/orders/{third}/checkout", new { provider = "mock" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        Assert.Equal(2, (await t.ListAll($"/api/v1/payments?purpose=order:{third}")).Count);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Customer_sessions_beyond_the_limit_of_a_key_are_refused_and_issue_no_key(Engine engine)
    {
        await using var host = await PaydeskHost.StartAsync(engine, Limited((RateLimit.CustomerSessionsPerKey, 3)));
        var tenant = await host.NewTenantAsync();
        var customer = await tenant.CreateCustomerAsync();
        var staff = host.Client((await tenant.PostOk("/api/v1/api-keys", new { name = "Front desk", role = "staff" })).Str("secret"));

        for (var i = 0; i < 3; i++)
            await tenant.PostOk($"/api/v1/customers/{customer}/sessions", new { ttlMinutes = 15 });
        await ShouldBeRefused(await tenant.Post($"/api/v1/customers/{customer}/sessions", new { ttlMinutes = 15 }), "customer sessions were created with this API key");
        Assert.Equal(3, await Sessions(host, tenant, customer));

        (await staff.PostAsJsonAsync($"/api/v1/customers/{customer}/sessions", new { ttlMinutes = 15 })).StatusCode.ShouldBe(HttpStatusCode.Created);
        Assert.Equal(4, await Sessions(host, tenant, customer));
        (await tenant.Http.GetAsync($"/api/v1/customers/{customer}")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task When_the_window_passes_the_limit_resets()
    {
        await using var host = await PaydeskHost.StartAsync(Engine.Sqlite, Limited(windowSeconds: 1, (RateLimit.FailedAuthentication, 2)));
        var anonymous = host.Client();

        // The window may turn between two requests; what matters is that a refusal comes, then goes.
        HttpResponseMessage answer;
        var sent = 0;
        do
        {
            answer = await anonymous.GetAsync("/api/v1/plans");
            Assert.True(++sent <= 20, "no request was refused");
        } while (answer.StatusCode == HttpStatusCode.Unauthorized);
        await ShouldBeRefused(answer, "without a valid API key");

        await Task.Delay(answer.Headers.RetryAfter!.Delta!.Value);
        var later = await Eventually.ReadsAsync(() => anonymous.GetAsync("/api/v1/plans"),
            a => a.StatusCode != HttpStatusCode.TooManyRequests, "the limit to reset");
        await later.ShouldBeProblem(401);
    }

    [Fact]
    public void A_limit_that_is_not_positive_stops_start_up_with_a_message_naming_the_setting()
    {
        var services = Services(new()
        {
            ["RateLimits:CheckoutPerOrder:PermitLimit"] = "0",
            ["RateLimits:CustomerSessionsPerKey:WindowSeconds"] = "-5",
        });

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains("RateLimits:CheckoutPerOrder:PermitLimit", failure.Message);
        Assert.Contains("RateLimits:CustomerSessionsPerKey:WindowSeconds", failure.Message);
        Assert.DoesNotContain("FailedAuthentication", failure.Message);
        Assert.DoesNotContain("CheckoutPerKey", failure.Message);
    }

    [Fact]
    public void The_defaults_hold_without_any_setting_a_minute_wide_and_failed_sign_ins_a_quarter_hour()
    {
        var services = Services([]);

        services.GetRequiredService<IStartupValidator>().Validate();
        var limits = services.GetRequiredService<IOptions<RateLimitsOptions>>().Value;
        Assert.Equal(new[] { 30, 10, 60, 60, 10, 20 }, Enum.GetValues<RateLimit>().Select(l => limits.For(l).PermitLimit));
        Assert.Equal(new[] { 60, 60, 60, 60, 900, 60 }, Enum.GetValues<RateLimit>().Select(l => limits.For(l).WindowSeconds));
    }

    /// <summary>A host with small limits; the window is long enough that it never turns during a test unless asked.</summary>
    private static HostOptions Limited(params (RateLimit Limit, int Permits)[] limits) => Limited(3600, limits);

    private static HostOptions Limited(int windowSeconds, params (RateLimit Limit, int Permits)[] limits) => new()
    {
        Settings = limits.SelectMany(l => new Dictionary<string, string>
        {
            [$"RateLimits:{l.Limit}:PermitLimit"] = l.Permits.ToString(),
            [$"RateLimits:{l.Limit}:WindowSeconds"] = windowSeconds.ToString(),
        }).ToDictionary(),
    };

    private static async Task ShouldBeRefused(HttpResponseMessage response, string limit)
    {
        var problem = await response.ShouldBeProblem(429);
        problem.Str("title").ShouldBe("Too many requests");
        Assert.Contains(limit, problem.Str("detail"));
        var retryAfter = response.Headers.RetryAfter?.Delta;
        Assert.True(retryAfter >= TimeSpan.FromSeconds(1), $"Retry-After is '{response.Headers.RetryAfter}'");
        Assert.Contains($"Retry after {retryAfter!.Value.TotalSeconds:0} s", problem.Str("detail"));
    }

    private static async Task<string> Order(Shop shop) =>
        (await shop.Tenant.PostOk("/api/v1/orders", new { customerId = shop.Customer, lines = new[] { new { planId = shop.Package } } })).Id();

    private static Task<int> Sessions(PaydeskHost host, TenantClient tenant, string customer) =>
        host.InTenantAsync(tenant.TenantId, db => db.ApiKeys.CountAsync(k => k.CustomerId == customer));

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddPaydeskRateLimits(configuration).BuildServiceProvider();
    }
}
