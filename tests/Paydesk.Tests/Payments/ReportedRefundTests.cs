using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Paydesk.Notifications.Outbox;
using Paydesk.Payments;

namespace Paydesk.Tests.Payments;

/// <summary>
/// Refunds a provider reports — made in its dashboard, or Paydesk's own arriving by notification —
/// go the way a refund through the API goes: a refund row, the payment's refunded amount, the
/// order's status, revoked grants on a full refund, the customer's email; each provider refund once.
/// </summary>
public sealed class ReportedRefundTests
{
    private static async Task<(Shop Shop, string OrderId, string PaymentId)> PaidPackage(PaydeskHost host)
    {
        var shop = await Shop.OpenAsync(host);
        var (orderId, paymentId) = await shop.Tenant.BuyAsync(shop.Customer, new { planId = shop.Package });
        return (shop, orderId, paymentId);
    }

    private static Task<JsonElement> PaymentWhen(TenantClient t, string paymentId, Func<JsonElement, bool> done, string what) =>
        Eventually.ReadsAsync(() => t.GetOk($"/api/v1/payments/{paymentId}"), done, what);

    /// <summary>Waits until the provider's notices of refunds on the payment have all arrived.</summary>
    private static Task<JsonElement> RefundNoticesReceived(TenantClient t, string paymentId, int count) =>
        PaymentWhen(t, paymentId, p => p.GetProperty("operations").EnumerateArray()
            .Count(o => o.Str("kind") == "notification" && o.Str("summary").Contains("refunded (")) >= count, $"{count} refund notices");

    private static long Refunded(JsonElement payment) => payment.GetProperty("refunded").GetProperty("amount").GetInt64();

    private static Task<List<OutboxMessage>> MailTo(PaydeskHost host, TenantClient t) =>
        host.InTenantAsync(t.TenantId, db => db.OutboxMessages.AsNoTracking().Where(m => m.EventKey.StartsWith("refund:")).ToListAsync());

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_dispute_the_provider_reports_flags_the_payment_for_a_person_and_moves_nothing(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var (shop, orderId, paymentId) = await PaidPackage(host);

        using var bank = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.BaseAddress };
        (await bank.PostAsync($"/mock-pay/{paymentId}/dispute", new FormUrlEncodedContent([]))).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var payment = await PaymentWhen(shop.Tenant, paymentId, p => p.GetProperty("reviewReason").ValueKind == JsonValueKind.String, "the dispute to be recorded");
        Assert.Equal("mock reports dispute mdp_", payment.Str("reviewReason")[..25]);
        Assert.Contains("(fraudulent); answer it in mock's dashboard.", payment.Str("reviewReason"));
        (payment.Str("status"), Refunded(payment)).ShouldBe(("succeeded", 0L));
        (await shop.Tenant.GetOk($"/api/v1/orders/{orderId}")).Str("status").ShouldBe("fulfilled");
        Assert.Contains(await shop.Tenant.ListAll("/api/v1/payments?needsReview=true"), p => p.Id() == paymentId);
        var outcome = await host.InTenantAsync(shop.Tenant.TenantId, db => db.WebhookEvents.Where(e => e.RawBody.Contains("payment.disputed") && e.RawBody.Contains(paymentId)).Select(e => e.Outcome).SingleAsync());
        outcome.ShouldBe("dispute");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_full_refund_made_in_the_providers_dashboard_refunds_the_order_revokes_its_grants_and_emails_the_customer(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var (shop, orderId, paymentId) = await PaidPackage(host);

        (await shop.Tenant.RefundInDashboardAsync(paymentId, 1_500_00)).ShouldBe(HttpStatusCode.Redirect);

        var payment = await PaymentWhen(shop.Tenant, paymentId, p => p.Str("status") == "refunded", "the reported refund to be recorded");
        Refunded(payment).ShouldBe(1_500_00);
        var refund = Assert.Single(payment.GetProperty("refunds").EnumerateArray());
        (refund.Str("status"), refund.Str("origin")).ShouldBe(("succeeded", "provider"));
        Assert.StartsWith("mre_mdash_", refund.Str("providerRefundId"));
        (await shop.Tenant.GetOk($"/api/v1/orders/{orderId}")).Str("status").ShouldBe("refunded");
        Assert.All(await shop.Tenant.ListAll($"/api/v1/entitlements?orderId={orderId}"), e => e.Str("status").ShouldBe("revoked"));
        var mail = Assert.Single(await MailTo(host, shop.Tenant));
        Assert.StartsWith("Refund of 1,500.00 RON — INV-", mail.Subject);
        Assert.Contains("No longer active:", mail.TextBody);
        Assert.Contains("10 of 10 sessions", mail.TextBody);
        await (await shop.Tenant.Post($"/api/v1/payments/{paymentId}/refunds", new { })).ShouldBeProblem(409);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_partial_dashboard_refund_keeps_the_grants_and_the_rest_stays_refundable_through_the_api(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var (shop, orderId, paymentId) = await PaidPackage(host);

        (await shop.Tenant.RefundInDashboardAsync(paymentId, 400_00)).ShouldBe(HttpStatusCode.Redirect);

        var payment = await PaymentWhen(shop.Tenant, paymentId, p => p.Str("status") == "partially_refunded", "the partial refund");
        Refunded(payment).ShouldBe(400_00);
        (await shop.Tenant.GetOk($"/api/v1/orders/{orderId}")).Str("status").ShouldBe("partially_refunded");
        Assert.All(await shop.Tenant.ListAll($"/api/v1/entitlements?orderId={orderId}"), e => e.Str("status").ShouldBe("active"));
        Assert.Contains("What you bought stays active.", Assert.Single(await MailTo(host, shop.Tenant)).TextBody);

        var rest = await shop.Tenant.PostOk($"/api/v1/payments/{paymentId}/refunds", new { });
        rest.GetProperty("amount").GetProperty("amount").GetInt64().ShouldBe(1_100_00);
        payment = await PaymentWhen(shop.Tenant, paymentId, p => p.Str("status") == "refunded", "the rest to be refunded");
        Refunded(payment).ShouldBe(1_500_00);
        // The provider's notice of the API refund is recognised as that refund, not a third one.
        await RefundNoticesReceived(shop.Tenant, paymentId, 2);
        await host.RunDueJobsAsync();
        payment = await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}");
        Assert.Equal(2, payment.GetProperty("refunds").GetArrayLength());
        Refunded(payment).ShouldBe(1_500_00);
        Assert.Equal(2, (await MailTo(host, shop.Tenant)).Count);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_signed_refunded_notification_that_names_no_refund_asks_the_provider_and_changes_nothing_the_provider_did_not_do(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var (shop, orderId, paymentId) = await PaidPackage(host);

        // What the review sent: correctly signed, status refunded, no refund in it, nothing refunded at the provider.
        foreach (var status in new[] { "refunded", "partially_refunded" })
        {
            var notification = await Notification.ForAsync(host, shop, paymentId, status, 1_500_00, "RON");
            var answer = await notification.SendAsync(host);
            answer.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await answer.Json()).Str("outcome").ShouldBe("refund_check_queued");
        }
        await host.RunDueJobsAsync();

        var payment = await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}");
        payment.Str("status").ShouldBe("succeeded");
        Refunded(payment).ShouldBe(0);
        (await shop.Tenant.GetOk($"/api/v1/orders/{orderId}")).Str("status").ShouldBe("fulfilled");
        Assert.All(await shop.Tenant.ListAll($"/api/v1/entitlements?orderId={orderId}"), e => e.Str("status").ShouldBe("active"));
        // And a refund through the API still works: nothing is blocked.
        (await shop.Tenant.PostOk($"/api/v1/payments/{paymentId}/refunds", new { amount = new { amount = 100_00, currency = "RON" } }))
            .Str("status").ShouldBe("succeeded");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_refund_reported_without_details_is_fetched_from_the_provider_and_recorded_once(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var (shop, orderId, paymentId) = await PaidPackage(host);
        // The dashboard refund's own notification is lost; only a bare "refunded" arrives.
        await host.InTenantAsync(shop.Tenant.TenantId, async db =>
        {
            var account = await db.ProviderAccounts.SingleAsync();
            var payment = await db.Payments.AsNoTracking().SingleAsync(p => p.Id == paymentId);
            var mock = host.Services.GetRequiredService<Paydesk.Payments.Mock.MockProvider>();
            await using var scope = host.Services.CreateAsyncScope();
            var mockDb = scope.ServiceProvider.GetRequiredService<Paydesk.Storage.PaydeskDb>();
            var charge = await mockDb.MockCharges.AsNoTracking().SingleAsync(c => c.PaymentId == paymentId);
            return await mock.RefundChargeAsync(mockDb, charge, 1_500_00, "mdash_lost_notice", default);
        });
        var bare = await Notification.ForAsync(host, shop, paymentId, "refunded", 1_500_00, "RON");
        (await (await bare.SendAsync(host)).Json()).Str("outcome").ShouldBe("refund_check_queued");
        await host.RunDueJobsAsync();

        var payment = await PaymentWhen(shop.Tenant, paymentId, p => p.Str("status") == "refunded", "the fetched refund");
        Refunded(payment).ShouldBe(1_500_00);
        Assert.Single(payment.GetProperty("refunds").EnumerateArray()).Str("providerRefundId").ShouldBe("mre_mdash_lost_notice");
        (await shop.Tenant.GetOk($"/api/v1/orders/{orderId}")).Str("status").ShouldBe("refunded");
        // The dashboard's own notice, arriving after all, changes nothing.
        await RefundNoticesReceived(shop.Tenant, paymentId, 2);
        await host.RunDueJobsAsync();
        Assert.Single((await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}")).GetProperty("refunds").EnumerateArray());
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_reported_refund_larger_than_what_is_left_is_flagged_for_review_and_not_recorded(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var (shop, _, paymentId) = await PaidPackage(host);
        await shop.Tenant.PostOk($"/api/v1/payments/{paymentId}/refunds", new { amount = new { amount = 1_000_00, currency = "RON" } });

        var notification = await Notification.ForAsync(host, shop, paymentId, "partially_refunded", 1_500_00, "RON");
        var body = JsonSerializer.Serialize(new
        {
            id = "mevt_too_much_" + Guid.NewGuid().ToString("N"), type = "payment.partially_refunded", created = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds(),
            data = new { paymentId, chargeId = "mch_test", status = "partially_refunded", amount = 1_500_00, currency = "RON", refund = new { id = "mre_elsewhere", amount = 600_00 } },
        });
        var answer = await (notification with { Body = body }).SendAsync(host);

        (await answer.Json()).Str("outcome").ShouldBe("review");
        var payment = await PaymentWhen(shop.Tenant, paymentId, p => Refunded(p) == 1_000_00, "the API refund");
        payment.Str("status").ShouldBe("partially_refunded");
        Assert.Contains("more than the 500.00 RON Paydesk has left to refund", payment.Str("reviewReason"));
        Assert.Contains(await shop.Tenant.ListAll("/api/v1/payments?needsReview=true"), p => p.Id() == paymentId);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_refund_the_provider_no_longer_lists_is_flagged_for_a_person_and_stays_recorded(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var (shop, _, paymentId) = await PaidPackage(host);
        var refund = await shop.Tenant.PostOk($"/api/v1/payments/{paymentId}/refunds", new { amount = new { amount = 400_00, currency = "RON" } });
        refund.Str("status").ShouldBe("succeeded");
        // The provider undid it afterwards (a refund the bank sent back): its list of refunds has it no more.
        await host.InTenantAsync(shop.Tenant.TenantId, db => db.MockRefunds.Where(r => r.IdempotencyKey == refund.Id()).ExecuteDeleteAsync());

        var notification = await Notification.ForAsync(host, shop, paymentId, "partially_refunded", 1_500_00, "RON");
        var body = JsonSerializer.Serialize(new
        {
            id = "mevt_undone_" + Guid.NewGuid().ToString("N"), type = "payment.partially_refunded", created = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds(),
            data = new { paymentId, chargeId = "mch_test", status = "partially_refunded", amount = 1_500_00, currency = "RON" },
        });
        (await (await (notification with { Body = body }).SendAsync(host)).Json()).Str("outcome").ShouldBe("refund_check_queued");

        var payment = await PaymentWhen(shop.Tenant, paymentId, p => p.GetProperty("reviewReason").ValueKind == JsonValueKind.String, "the difference to be flagged");
        Assert.Contains("mock has refunded 0.00 RON of this payment; Paydesk has recorded 400.00 RON. A person must match them.", payment.Str("reviewReason"));
        Refunded(payment).ShouldBe(400_00);
        Assert.Contains(await shop.Tenant.ListAll("/api/v1/payments?needsReview=true"), p => p.Id() == paymentId);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_notification_naming_paydesks_own_refund_with_another_amount_is_flagged_for_review_and_recorded_as_asked(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var (shop, _, paymentId) = await PaidPackage(host);
        var refund = await shop.Tenant.PostOk($"/api/v1/payments/{paymentId}/refunds", new { amount = new { amount = 400_00, currency = "RON" } });
        refund.Str("status").ShouldBe("succeeded");

        var notification = await Notification.ForAsync(host, shop, paymentId, "partially_refunded", 1_500_00, "RON");
        var body = JsonSerializer.Serialize(new
        {
            id = "mevt_other_amount_" + Guid.NewGuid().ToString("N"), type = "payment.partially_refunded", created = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds(),
            data = new
            {
                paymentId, chargeId = "mch_test", status = "partially_refunded", amount = 1_500_00, currency = "RON",
                refund = new { id = refund.Str("providerRefundId"), amount = 900_00, key = refund.Id() },
            },
        });
        var answer = await (notification with { Body = body }).SendAsync(host);

        (await answer.Json()).Str("outcome").ShouldBe("review");
        var payment = await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}");
        Refunded(payment).ShouldBe(400_00);
        Assert.Single(payment.GetProperty("refunds").EnumerateArray()).GetProperty("amount").GetProperty("amount").GetInt64().ShouldBe(400_00);
        Assert.Contains("as 900.00 RON, but Paydesk asked for 400.00 RON", payment.Str("reviewReason"));
        Assert.Contains(await shop.Tenant.ListAll("/api/v1/payments?needsReview=true"), p => p.Id() == paymentId);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_second_provider_refund_claiming_paydesks_own_refund_is_flagged_for_review_not_taken_as_already_recorded(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var (shop, _, paymentId) = await PaidPackage(host);
        var refund = await shop.Tenant.PostOk($"/api/v1/payments/{paymentId}/refunds", new { amount = new { amount = 400_00, currency = "RON" } });
        refund.Str("status").ShouldBe("succeeded");

        var notification = await Notification.ForAsync(host, shop, paymentId, "partially_refunded", 1_500_00, "RON");
        string Body(string providerRefundId) => JsonSerializer.Serialize(new
        {
            id = "mevt_claims_ours_" + Guid.NewGuid().ToString("N"), type = "payment.partially_refunded", created = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds(),
            data = new
            {
                paymentId, chargeId = "mch_test", status = "partially_refunded", amount = 1_500_00, currency = "RON",
                refund = new { id = providerRefundId, amount = 400_00, key = refund.Id() },
            },
        });

        // Its own notice again is nothing new…
        (await (await (notification with { Body = Body(refund.Str("providerRefundId")) }).SendAsync(host)).Json()).Str("outcome").ShouldBe("already");
        // …another refund at the provider under the same key is.
        (await (await (notification with { Body = Body("mre_another") }).SendAsync(host)).Json()).Str("outcome").ShouldBe("review");

        var payment = await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}");
        Refunded(payment).ShouldBe(400_00);
        Assert.Single(payment.GetProperty("refunds").EnumerateArray());
        Assert.Contains("mre_another", payment.Str("reviewReason"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_partial_refund_recorded_before_the_order_was_fulfilled_no_longer_leaves_the_customer_without_what_they_paid_for(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await Shop.OpenAsync(host);
        var order = await shop.Tenant.PostOk("/api/v1/orders", new { customerId = shop.Customer, lines = new[] { new { planId = shop.Package } } });
        var (paymentId, _) = await shop.Tenant.CheckoutAsync(order.Id());
        // The success is never heard; the first Paydesk learns of the charge is a partial refund of it,
        // which pays the order and refunds part of it in one step, before the fulfilment has run.
        await shop.Tenant.PressOnMockPageAsync(paymentId, "timeout");

        (await shop.Tenant.RefundInDashboardAsync(paymentId, 400_00)).ShouldBe(HttpStatusCode.Redirect);

        await PaymentWhen(shop.Tenant, paymentId, p => p.Str("status") == "partially_refunded", "the partial refund");
        await host.RunDueJobsAsync();
        var paid = await shop.Tenant.GetOk($"/api/v1/orders/{order.Id()}");
        paid.Str("status").ShouldBe("partially_refunded");
        Assert.Equal(JsonValueKind.String, paid.GetProperty("fulfilledAt").ValueKind);
        var sessions = Assert.Single(await shop.Tenant.ListAll($"/api/v1/entitlements?orderId={order.Id()}"));
        (sessions.Str("status"), sessions.GetProperty("sessionsRemaining").GetInt32()).ShouldBe(("active", 10));

        // The rest refunded: what the fulfilment granted is revoked, as for any order.
        await shop.Tenant.PostOk($"/api/v1/payments/{paymentId}/refunds", new { });
        (await shop.Tenant.GetOk($"/api/v1/orders/{order.Id()}")).Str("status").ShouldBe("refunded");
        Assert.Single(await shop.Tenant.ListAll($"/api/v1/entitlements?orderId={order.Id()}")).Str("status").ShouldBe("revoked");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_refund_reported_for_a_payment_whose_success_was_never_heard_pays_and_refunds_the_order_and_grants_nothing(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await Shop.OpenAsync(host);
        var order = await shop.Tenant.PostOk("/api/v1/orders", new { customerId = shop.Customer, lines = new[] { new { planId = shop.Package } } });
        var (paymentId, _) = await shop.Tenant.CheckoutAsync(order.Id());
        await shop.Tenant.PressOnMockPageAsync(paymentId, "timeout");

        (await shop.Tenant.RefundInDashboardAsync(paymentId, 1_500_00)).ShouldBe(HttpStatusCode.Redirect);

        await PaymentWhen(shop.Tenant, paymentId, p => p.Str("status") == "refunded", "the payment to be refunded");
        await host.RunDueJobsAsync();
        (await shop.Tenant.GetOk($"/api/v1/orders/{order.Id()}")).Str("status").ShouldBe("refunded");
        Assert.Empty(await shop.Tenant.ListAll($"/api/v1/entitlements?orderId={order.Id()}"));
        // Invoiced and credited in the one step that paid and refunded it.
        var invoice = Assert.Single(await shop.Tenant.ListAll($"/api/v1/invoices?orderId={order.Id()}"));
        invoice.GetProperty("refunded").GetProperty("amount").GetInt64().ShouldBe(1_500_00);
        var note = Assert.Single(await shop.Tenant.ListAll($"/api/v1/credit-notes?invoiceId={invoice.Id()}"));
        note.GetProperty("amount").GetProperty("amount").GetInt64().ShouldBe(1_500_00);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_dashboard_refund_reported_while_paydesk_is_refunding_the_same_money_is_recorded_and_the_request_it_leaves_no_room_for_is_dropped(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await Shop.OpenAsync(host);
        var order = await shop.Tenant.PostOk("/api/v1/orders", new { customerId = shop.Customer, lines = new[] { new { planId = shop.Package } } });
        var (first, _) = await shop.Tenant.CheckoutAsync(order.Id());
        var (second, _) = await shop.Tenant.CheckoutAsync(order.Id());
        await shop.Tenant.PressOnMockPageAsync(first);
        await shop.Tenant.OrderWhenAsync(order.Id(), "fulfilled");
        // The second tab is charged too, but its answer is lost; the merchant refunds it in the
        // dashboard. The refund notice is the first Paydesk hears of the charge: the order is paid
        // already, so Paydesk requests an automatic refund of the whole charge — which the dashboard
        // has just made.
        await shop.Tenant.PressOnMockPageAsync(second, "timeout");
        (await shop.Tenant.RefundInDashboardAsync(second, 1_500_00)).ShouldBe(HttpStatusCode.Redirect);

        var payment = await PaymentWhen(shop.Tenant, second, p => p.Str("status") == "refunded", "the dashboard refund to be recorded");
        await host.RunDueJobsAsync();
        payment = await shop.Tenant.GetOk($"/api/v1/payments/{second}");
        Refunded(payment).ShouldBe(1_500_00);
        var refunds = payment.GetProperty("refunds").EnumerateArray().Select(r => (r.Str("origin"), r.Str("status"))).OrderBy(r => r).ToList();
        refunds.ShouldBe([("automatic", "failed"), ("provider", "succeeded")]);
        var givenBack = await host.RunAsync<Paydesk.Storage.PaydeskDb, long>(db =>
            db.MockRefunds.Where(r => db.MockCharges.Any(c => c.Id == r.ChargeId && c.PaymentId == second)).SumAsync(r => r.AmountMinor));
        givenBack.ShouldBe(1_500_00);
        // Nothing for a person to do: the money went back once, and the first payment still pays the order.
        Assert.DoesNotContain("failed", payment.Str("reviewReason") ?? "");
        (await shop.Tenant.GetOk($"/api/v1/orders/{order.Id()}")).Str("paidByPaymentId").ShouldBe(first);
    }
}
