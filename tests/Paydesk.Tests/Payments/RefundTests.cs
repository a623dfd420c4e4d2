using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Paydesk.Payments;
using Paydesk.Storage;

namespace Paydesk.Tests.Payments;

public sealed class RefundTests
{
    private static async Task<(Shop Shop, string OrderId, string PaymentId)> PaidPackage(PaydeskHost host)
    {
        var shop = await Shop.OpenAsync(host);
        var (orderId, paymentId) = await shop.Tenant.BuyAsync(shop.Customer, new { planId = shop.Package });
        return (shop, orderId, paymentId);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_full_refund_revokes_what_the_order_granted(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var (shop, orderId, paymentId) = await PaidPackage(host);

        var refund = await shop.Tenant.PostOk($"/api/v1/payments/{paymentId}/refunds", new { reason = "Moved abroad" });

        refund.Str("status").ShouldBe("succeeded");
        refund.GetProperty("amount").GetProperty("amount").GetInt64().ShouldBe(1_500_00);
        (await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}")).Str("status").ShouldBe("refunded");
        var order = await shop.Tenant.GetOk($"/api/v1/orders/{orderId}");
        order.Str("status").ShouldBe("refunded");
        order.GetProperty("refunded").GetProperty("amount").GetInt64().ShouldBe(1_500_00);
        Assert.All(await shop.Tenant.ListAll($"/api/v1/entitlements?orderId={orderId}"), e => e.Str("status").ShouldBe("revoked"));
        var atProvider = await host.RunAsync<Paydesk.Storage.PaydeskDb, long>(db => db.MockCharges.Where(c => c.PaymentId == paymentId).Select(c => c.RefundedMinor).SingleAsync());
        atProvider.ShouldBe(1_500_00);

        await (await shop.Tenant.Post($"/api/v1/payments/{paymentId}/refunds", new { })).ShouldBeProblem(409);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Partial_refunds_add_up_and_never_exceed_the_payment(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var (shop, orderId, paymentId) = await PaidPackage(host);

        await shop.Tenant.PostOk($"/api/v1/payments/{paymentId}/refunds", new { amount = new { amount = 500_00, currency = "RON" } });
        (await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}")).Str("status").ShouldBe("partially_refunded");
        var order = await shop.Tenant.GetOk($"/api/v1/orders/{orderId}");
        order.Str("status").ShouldBe("partially_refunded");
        Assert.All(await shop.Tenant.ListAll($"/api/v1/entitlements?orderId={orderId}"), e => e.Str("status").ShouldBe("active"));

        await (await shop.Tenant.Post($"/api/v1/payments/{paymentId}/refunds", new { amount = new { amount = 1_000_01, currency = "RON" } }))
            .ShouldBeProblem(400, "amount.amount");
        await (await shop.Tenant.Post($"/api/v1/payments/{paymentId}/refunds", new { amount = new { amount = 100, currency = "USD" } }))
            .ShouldBeProblem(400, "amount.currency");
        await (await shop.Tenant.Post($"/api/v1/payments/{paymentId}/refunds", new { amount = new { amount = -1, currency = "RON" } }))
            .ShouldBeProblem(400, "amount.amount");

        await shop.Tenant.PostOk($"/api/v1/payments/{paymentId}/refunds", new { amount = new { amount = 1_000_00, currency = "RON" } });
        (await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}")).Str("status").ShouldBe("refunded");
        (await shop.Tenant.GetOk($"/api/v1/orders/{orderId}")).Str("status").ShouldBe("refunded");
        Assert.All(await shop.Tenant.ListAll($"/api/v1/entitlements?orderId={orderId}"), e => e.Str("status").ShouldBe("revoked"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Only_an_admin_refunds_and_only_a_succeeded_payment(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var (shop, _, paymentId) = await PaidPackage(host);
        var staff = host.Client((await shop.Tenant.PostOk("/api/v1/api-keys", new { name = "Desk", role = "staff" })).Str("secret"));
        await (await staff.PostAsJsonAsync($"/api/v1/payments/{paymentId}/refunds", new { })).ShouldBeProblem(403);

        var order = await shop.Tenant.PostOk("/api/v1/orders", new { customerId = shop.Customer, lines = new[] { new { planId = shop.Package } } });
        var (pending, _) = await shop.Tenant.CheckoutAsync(order.Id());
        await (await shop.Tenant.Post($"/api/v1/payments/{pending}/refunds", new { })).ShouldBeProblem(409);
        (await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}")).Str("status").ShouldBe("succeeded");
    }

    /// <summary>What the Mock provider gave back on the payment, and what Paydesk recorded.</summary>
    private static async Task<(long AtProvider, long Recorded, JsonElement Payment)> Sums(PaydeskHost host, TenantClient tenant, string paymentId)
    {
        var atProvider = await host.RunAsync<PaydeskDb, long>(db =>
            db.MockRefunds.Where(r => db.MockCharges.Any(c => c.Id == r.ChargeId && c.PaymentId == paymentId)).SumAsync(r => r.AmountMinor));
        var payment = await tenant.GetOk($"/api/v1/payments/{paymentId}");
        var recorded = payment.GetProperty("refunds").EnumerateArray()
            .Where(r => r.Str("status") == "succeeded").Sum(r => r.GetProperty("amount").GetProperty("amount").GetInt64());
        payment.GetProperty("refunded").GetProperty("amount").GetInt64().ShouldBe(recorded);
        return (atProvider, recorded, payment);
    }

    private static async Task<int[]> RefundAtOnce(TenantClient tenant, string paymentId, int times, object body) =>
        await Task.WhenAll(Enumerable.Range(0, times).Select(async i =>
            (int)(await tenant.Post($"/api/v1/payments/{paymentId}/refunds", body, $"refund-{i}-{Guid.NewGuid():N}")).StatusCode));

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Ten_concurrent_full_refunds_give_the_money_back_once_not_three_times(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var (shop, orderId, paymentId) = await PaidPackage(host);

        var answers = await RefundAtOnce(shop.Tenant, paymentId, 10, new { });

        Assert.All(answers, a => Assert.Contains(a, new[] { 201, 400, 409 }));
        Assert.Single(answers, a => a == 201);
        var (atProvider, recorded, payment) = await Sums(host, shop.Tenant, paymentId);
        atProvider.ShouldBe(1_500_00);
        recorded.ShouldBe(1_500_00);
        payment.Str("status").ShouldBe("refunded");
        Assert.Single(payment.GetProperty("refunds").EnumerateArray());
        (await shop.Tenant.GetOk($"/api/v1/orders/{orderId}")).Str("status").ShouldBe("refunded");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Ten_concurrent_forty_percent_refunds_accept_two_and_the_true_remainder_stays_refundable(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var (shop, _, paymentId) = await PaidPackage(host);

        var answers = await RefundAtOnce(shop.Tenant, paymentId, 10, new { amount = new { amount = 600_00, currency = "RON" } });

        Assert.All(answers, a => Assert.Contains(a, new[] { 201, 400, 409 }));
        answers.Count(a => a == 201).ShouldBe(2);
        var (atProvider, recorded, payment) = await Sums(host, shop.Tenant, paymentId);
        atProvider.ShouldBe(1_200_00);
        recorded.ShouldBe(1_200_00);
        payment.Str("status").ShouldBe("partially_refunded");

        // What is truly left, 20 %, can be refunded; no leftover request stands in its way.
        var rest = await shop.Tenant.PostOk($"/api/v1/payments/{paymentId}/refunds", new { });
        rest.GetProperty("amount").GetProperty("amount").GetInt64().ShouldBe(300_00);
        (atProvider, recorded, payment) = await Sums(host, shop.Tenant, paymentId);
        (atProvider, recorded).ShouldBe((1_500_00L, 1_500_00L));
        payment.Str("status").ShouldBe("refunded");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Full_refunds_through_the_api_racing_full_refunds_in_the_providers_dashboard_give_the_money_back_once_and_record_it(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        for (var round = 0; round < 4; round++)
        {
            var (shop, orderId, paymentId) = await PaidPackage(host);
            using var dashboard = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.BaseAddress };

            // Whichever reaches the provider first makes the refund; the other finds nothing left.
            var api = RefundAtOnce(shop.Tenant, paymentId, 3, new { });
            var byHand = Task.WhenAll(Enumerable.Range(0, 3).Select(async _ =>
                (int)(await dashboard.PostAsync($"/mock-pay/{paymentId}/refund", new FormUrlEncodedContent(new Dictionary<string, string> { ["amount"] = "" }))).StatusCode));
            Assert.All(await api, a => Assert.Contains(a, new[] { 201, 400, 409 }));
            Assert.All(await byHand, a => Assert.Contains(a, new[] { 302, 400 }));
            await host.SettleAsync();

            var (atProvider, recorded, payment) = await Sums(host, shop.Tenant, paymentId);
            (round, atProvider, recorded).ShouldBe((round, 1_500_00L, 1_500_00L));
            payment.Str("status").ShouldBe("refunded");
            (await shop.Tenant.GetOk($"/api/v1/orders/{orderId}")).Str("status").ShouldBe("refunded");
            Assert.All(await shop.Tenant.ListAll($"/api/v1/entitlements?orderId={orderId}"), e => e.Str("status").ShouldBe("revoked"));
        }
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_refund_whose_answer_was_lost_after_the_provider_made_it_is_recorded_once_by_its_notice_or_the_retry(Engine engine)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 5, 4, 9, 0, 0, TimeSpan.Zero));
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions { Clock = clock });
        var (shop, _, paymentId) = await PaidPackage(host);
        host.Services.GetRequiredService<FaultPoints>().Arm(FaultPoints.AfterProviderRefund);

        var requested = await shop.Tenant.PostOk($"/api/v1/payments/{paymentId}/refunds", new { amount = new { amount = 500_00, currency = "RON" } });
        // Unless the provider's notice of the refund overtook the answer, it is not recorded yet.
        Assert.Contains(requested.Str("status"), new[] { "requested", "succeeded" });
        (await Sums(host, shop.Tenant, paymentId)).AtProvider.ShouldBe(500_00);
        var job = Assert.Single(await host.JobsOfAsync(shop.Tenant.TenantId), j => j.Kind == ExecuteRefund.JobKind);
        (job.State, job.Attempts, job.DueAt).ShouldBe((Paydesk.Jobs.JobState.Queued, 1, clock.GetUtcNow() + ExecuteRefund.Backoff[0]));
        Assert.Contains("Injected fault", job.LastError);

        // Asked again after the backoff: the provider answers with the first refund, not a new one.
        clock.Advance(ExecuteRefund.Backoff[0]);
        await host.RunDueJobsAsync();
        var (atProvider, recorded, payment) = await Eventually.ReadsAsync(() => Sums(host, shop.Tenant, paymentId), s => s.Recorded > 0, "the refund to be recorded");
        (atProvider, recorded).ShouldBe((500_00L, 500_00L));
        var done = Assert.Single(payment.GetProperty("refunds").EnumerateArray());
        done.Str("status").ShouldBe("succeeded");
        done.Str("providerRefundId").ShouldBe(MockProviderRefundId(done.Id()));
    }

    /// <summary>A paid package and a refund of it through the API that the provider makes, its answer and its notice both lost: the refund waits, requested.</summary>
    private static async Task<(PaydeskHost Host, FakeTimeProvider Clock, Shop Shop, string PaymentId, string RefundId)> RefundAnswerAndNoticeLostAsync(Engine engine, long amount)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 5, 4, 9, 0, 0, TimeSpan.Zero));
        var host = await PaydeskHost.StartAsync(engine, new HostOptions { Clock = clock });
        var (shop, _, paymentId) = await PaidPackage(host);
        var faults = host.Services.GetRequiredService<FaultPoints>();
        faults.Arm(FaultPoints.AfterProviderRefund);
        faults.Arm(FaultPoints.MockRefundNotification);
        var refund = await shop.Tenant.PostOk($"/api/v1/payments/{paymentId}/refunds", new { amount = new { amount, currency = "RON" } });
        return (host, clock, shop, paymentId, refund.Id());
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_check_that_saw_a_refund_requested_finds_it_made_by_another_worker_and_records_it_no_second_time(Engine engine)
    {
        // The provider makes a refund of 500; its answer and its notice are lost: the refund waits, requested.
        var (host, clock, shop, paymentId, refundId) = await RefundAnswerAndNoticeLostAsync(engine, 500_00);
        await using var _ = host;

        // A unit of work (a "check now" that queued this refund itself, say) has seen the refund requested…
        await using var scope = host.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Paydesk.Tenancy.TenantContext>().Set(shop.Tenant.TenantId, Paydesk.Tenancy.Role.TenantAdmin);
        var db = scope.ServiceProvider.GetRequiredService<PaydeskDb>();
        (await db.Refunds.SingleAsync(r => r.Id == refundId)).Status.ShouldBe(RefundStatus.Requested);
        // …when a worker asks again and records the provider's answer.
        clock.Advance(ExecuteRefund.Backoff[0]);
        await host.RunDueJobsAsync();
        (await Sums(host, shop.Tenant, paymentId)).Recorded.ShouldBe(500_00);

        // Then it reads the provider's list of refunds: the refund on it is recorded already, by the worker.
        await scope.ServiceProvider.GetRequiredService<SyncRefunds>().RunAsync(paymentId, CancellationToken.None);
        await host.SettleAsync();
        var (atProvider, recorded, payment) = await Sums(host, shop.Tenant, paymentId);
        (atProvider, recorded).ShouldBe((500_00L, 500_00L));
        Assert.Single(payment.GetProperty("refunds").EnumerateArray()).Str("status").ShouldBe("succeeded");
        Assert.Null(payment.GetProperty("reviewReason").GetString());
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_refund_answered_after_reported_refunds_took_the_room_it_needs_is_flagged_and_never_records_more_than_was_taken(Engine engine)
    {
        // The provider makes the refund; its answer is lost, and so is its notice of it.
        var (host, clock, shop, paymentId, _) = await RefundAnswerAndNoticeLostAsync(engine, 1_000_00);
        await using var __ = host;
        (await Sums(host, shop.Tenant, paymentId)).AtProvider.ShouldBe(1_000_00);

        // Meanwhile the provider reports a refund of 800 it did not make (a refund in its dashboard, as far as Paydesk can tell).
        var reported = await Notification.ForAsync(host, shop, paymentId, "partially_refunded", 1_500_00, "RON");
        var body = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(reported.Body)!;
        var data = JsonSerializer.Deserialize<Dictionary<string, object>>(body["data"].GetRawText())!;
        data["refund"] = new { id = "mre_reported_elsewhere", amount = 800_00, key = (string?)null };
        var forged = reported with { Body = JsonSerializer.Serialize(new { id = body["id"], type = body["type"], created = clock.GetUtcNow().ToUnixTimeSeconds(), data }) };
        (await forged.SendAsync(host, at: clock.GetUtcNow())).StatusCode.ShouldBe(HttpStatusCode.OK);

        // The refund is asked again: the provider answers that it made it. Both cannot be true.
        clock.Advance(ExecuteRefund.Backoff[0]);
        await host.RunDueJobsAsync();
        await host.SettleAsync();

        var payment = await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}");
        var refunded = payment.GetProperty("refunded").GetProperty("amount").GetInt64();
        Assert.True(refunded <= 1_500_00, $"refunded {refunded} of a payment of 1,500.00");
        // The report was heard first and recorded; the answer that no longer fits beside it is not, and a person is asked to look.
        refunded.ShouldBe(800_00);
        var refunds = payment.GetProperty("refunds").EnumerateArray().ToList();
        Assert.Single(refunds, r => r.Str("status") == "succeeded").GetProperty("amount").GetProperty("amount").GetInt64().ShouldBe(800_00);
        var failed = Assert.Single(refunds, r => r.Str("status") == "failed");
        Assert.Contains("ask the provider which refunds it made", failed.Str("error"));
        Assert.False(string.IsNullOrEmpty(payment.GetProperty("reviewReason").GetString()));
        Assert.Contains(await shop.Tenant.ListAll("/api/v1/payments?needsReview=true"), p => p.Id() == paymentId);
        var credited = (await shop.Tenant.ListAll("/api/v1/credit-notes")).Sum(n => n.GetProperty("amount").GetProperty("amount").GetInt64());
        credited.ShouldBe(refunded);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_mock_provider_refunds_once_per_key_and_never_more_than_the_charge_under_concurrency(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var (shop, _, paymentId) = await PaidPackage(host);
        var (account, payment) = await host.InTenantAsync(shop.Tenant.TenantId, async db =>
            (await db.ProviderAccounts.SingleAsync(), await db.Payments.SingleAsync(p => p.Id == paymentId)));
        var mock = host.Services.GetServices<IPaymentProvider>().Single(p => p.Name == "mock");
        Refund RefundOf(string id, long amount) => new()
        {
            TenantId = shop.Tenant.TenantId, Id = id, PaymentId = paymentId, AmountMinor = amount, Currency = "RON", Reason = "test",
        };

        var sameKey = RefundOf("re_same_key", 400_00);
        var once = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => mock.RefundAsync(account, payment, sameKey, null, default)));
        Assert.All(once, r => (r.Outcome, r.ProviderRefundId).ShouldBe((RefundOutcome.Succeeded, (string?)MockProviderRefundId("re_same_key"))));

        var racing = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => mock.RefundAsync(account, payment, RefundOf($"re_race_{i}", 400_00), null, default)));
        racing.Count(r => r.Outcome == RefundOutcome.Succeeded).ShouldBe(2);
        Assert.All(racing.Where(r => r.Outcome != RefundOutcome.Succeeded), r => r.Outcome.ShouldBe(RefundOutcome.Refused));
        var charge = await host.RunAsync<PaydeskDb, Paydesk.Payments.Mock.MockCharge>(db => db.MockCharges.SingleAsync(c => c.PaymentId == paymentId));
        charge.RefundedMinor.ShouldBe(1_200_00);
        // The provider notifies Paydesk of each refund it made, once each, and Paydesk records them once each.
        await Eventually.ReadsAsync(() => shop.Tenant.GetOk($"/api/v1/payments/{paymentId}"),
            p => p.GetProperty("refunds").GetArrayLength() == 3, "the three refunds the provider reported");
        var (atProvider, recorded, view) = await Sums(host, shop.Tenant, paymentId);
        (atProvider, recorded).ShouldBe((1_200_00L, 1_200_00L));
        Assert.All(view.GetProperty("refunds").EnumerateArray(), r => r.Str("origin").ShouldBe("provider"));
    }

    private static string MockProviderRefundId(string refundId) => Paydesk.Payments.Mock.MockProvider.RefundIdFor(refundId);
}
