using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.DependencyInjection;
using Paydesk.Payments;

namespace Paydesk.Tests.Payments;

public sealed class ReconcilerTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    private static Task<int> Reconcile(PaydeskHost host) => host.RunDueJobsAsync();

    private static Task<int> CapturesAtMock(PaydeskHost host, string paymentId) =>
        host.RunAsync<Paydesk.Storage.PaydeskDb, int>(db => db.MockCharges.Where(c => c.PaymentId == paymentId).SumAsync(c => c.Captures));

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_crash_after_the_provider_answered_is_settled_by_asking_with_one_charge(Engine engine)
    {
        var clock = new FakeTimeProvider(Start);
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions { Clock = clock });
        var shop = await Shop.OpenAsync(host);
        var order = await shop.Tenant.PostOk("/api/v1/orders", new { customerId = shop.Customer, lines = new[] { new { planId = shop.Package } } });

        // The provider opened the checkout, then the process "crashed" before recording its answer.
        ((FaultPoints)host.Services.GetService(typeof(FaultPoints))!).Arm(FaultPoints.AfterProviderCheckout);
        await (await shop.Tenant.Post($"/api/v1/orders/{order.Id()}/checkout", new { })).ShouldBeProblem(500);
        var payment = Assert.Single(await shop.Tenant.ListAll($"/api/v1/payments?purpose=order:{order.Id()}"));
        payment.Str("status").ShouldBe("created");

        // The first check finds no recorded answer: the outcome is unknown until the provider says.
        clock.Advance(ReconcilePayment.Schedule[0]);
        await Reconcile(host);
        await shop.Tenant.PaymentWhenAsync(payment.Id(), "unknown");

        // The customer had the page open, paid, and the provider's answer was lost.
        await shop.Tenant.PressOnMockPageAsync(payment.Id(), "timeout");
        clock.Advance(ReconcilePayment.Schedule[1]);
        await Reconcile(host);

        await shop.Tenant.PaymentWhenAsync(payment.Id(), "succeeded");
        await shop.Tenant.OrderWhenAsync(order.Id(), "fulfilled");
        (await CapturesAtMock(host, payment.Id())).ShouldBe(1);

        // Asking again changes nothing and charges nothing.
        clock.Advance(TimeSpan.FromDays(1));
        await Reconcile(host);
        var reconciled = await shop.Tenant.PostOk($"/api/v1/payments/{payment.Id()}/reconcile", new { });
        reconciled.Str("status").ShouldBe("succeeded");
        (await CapturesAtMock(host, payment.Id())).ShouldBe(1);
        var read = await shop.Tenant.GetOk($"/api/v1/payments/{payment.Id()}");
        Assert.Single(read.GetProperty("operations").EnumerateArray(), o => o.Str("summary").Contains("→ succeeded"));
        // The check answers the payment as reading it does: its operations log and refunds, not nulls.
        Assert.Equal(read.GetProperty("operations").GetRawText(), reconciled.GetProperty("operations").GetRawText());
        Assert.Equal(read.GetProperty("refunds").GetRawText(), reconciled.GetProperty("refunds").GetRawText());
        Assert.Single(await shop.Tenant.ListAll("/api/v1/invoices"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_lost_notification_is_recovered_by_the_reconciler(Engine engine)
    {
        var clock = new FakeTimeProvider(Start);
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions { Clock = clock });
        var shop = await Shop.OpenAsync(host);
        var order = await shop.Tenant.PostOk("/api/v1/orders", new { customerId = shop.Customer, lines = new[] { new { planId = shop.Package } } });
        var (paymentId, _) = await shop.Tenant.CheckoutAsync(order.Id());

        await shop.Tenant.PressOnMockPageAsync(paymentId, "timeout");
        (await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}")).Str("status").ShouldBe("pending");
        (await Reconcile(host)).ShouldBe(0); // not due yet

        // Due now: this pass or the host's own reconciler (which runs on the same clock) settles it.
        clock.Advance(ReconcilePayment.Schedule[0]);
        await Reconcile(host);
        await shop.Tenant.OrderWhenAsync(order.Id(), "fulfilled");
        (await CapturesAtMock(host, paymentId)).ShouldBe(1);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_abandoned_checkout_expires_and_one_the_provider_never_saw_is_canceled(Engine engine)
    {
        var clock = new FakeTimeProvider(Start);
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions { Clock = clock });
        var shop = await Shop.OpenAsync(host);
        var order = await shop.Tenant.PostOk("/api/v1/orders", new { customerId = shop.Customer, lines = new[] { new { planId = shop.Package } } });
        var (abandoned, _) = await shop.Tenant.CheckoutAsync(order.Id());

        clock.Advance(ReconcilePayment.Schedule[0]);
        await Reconcile(host);
        (await shop.Tenant.GetOk($"/api/v1/payments/{abandoned}")).Str("status").ShouldBe("pending");
        clock.Advance(TimeSpan.FromHours(25));
        await Reconcile(host);
        await shop.Tenant.PaymentWhenAsync(abandoned, "expired");

        // A payment whose request never reached the provider: the provider has no such charge.
        var neverSent = await host.InTenantAsync(shop.Tenant.TenantId, async db =>
        {
            var account = await db.ProviderAccounts.SingleAsync();
            var payment = new Payment
            {
                TenantId = "", Id = "pay_never_sent", Purpose = $"order:{order.Id()}", CustomerId = shop.Customer, AmountMinor = 1_500_00,
                Currency = "RON", Status = Paydesk.Core.PaymentStatus.Created, Provider = "mock", ProviderAccountId = account.Id,
                IdempotencyKey = "pay_never_sent", CreatedAt = clock.GetUtcNow(), UpdatedAt = clock.GetUtcNow(),
            };
            db.Payments.Add(payment);
            host.Services.GetRequiredService<Paydesk.Jobs.JobQueue>().Add(db, ReconcilePayment.JobKind, payment.Id);
            await db.SaveChangesAsync();
            return payment.Id;
        });
        await Reconcile(host);
        await shop.Tenant.PaymentWhenAsync(neverSent, "canceled");
        // Meanwhile the unpaid order ran out of time (the expiry sweep runs on the same clock).
        await shop.Tenant.OrderWhenAsync(order.Id(), "expired");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task What_the_reconciler_cannot_settle_is_listed_for_a_person(Engine engine)
    {
        var clock = new FakeTimeProvider(Start);
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions { Clock = clock });
        var shop = await Shop.OpenAsync(host);
        var order = await shop.Tenant.PostOk("/api/v1/orders", new { customerId = shop.Customer, lines = new[] { new { planId = shop.Package } } });
        var (paymentId, _) = await shop.Tenant.CheckoutAsync(order.Id());
        await shop.Tenant.PressOnMockPageAsync(paymentId, "pending");

        // Pending at the provider for longer than the whole schedule. Each check is awaited
        // before the clock moves on, whether this pass or the host's own reconciler made it.
        for (var check = 1; check <= ReconcilePayment.Schedule.Length; check++)
        {
            clock.Advance(ReconcilePayment.Schedule[check - 1]);
            await Reconcile(host);
            await Eventually.ReadsAsync(() => shop.Tenant.GetOk($"/api/v1/payments/{paymentId}"),
                p => p.GetProperty("operations").EnumerateArray().Count(o => o.Str("summary").StartsWith("asked mock")) >= check, $"check {check}");
        }

        var listed = await Eventually.ReadsAsync(() => shop.Tenant.ListAll("/api/v1/payments?needsReview=true"), l => l.Count > 0, "the payment to be listed for review");
        var payment = Assert.Single(listed);
        payment.Id().ShouldBe(paymentId);
        Assert.Contains("a person must look", payment.Str("reviewReason"));
        payment.Str("status").ShouldBe("pending");
        (await CapturesAtMock(host, paymentId)).ShouldBe(0);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Eight_racing_reconciles_after_a_lost_answer_all_answer_the_settled_payment_and_charge_once(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await Shop.OpenAsync(host);
        var order = await shop.Tenant.PostOk("/api/v1/orders", new { customerId = shop.Customer, lines = new[] { new { planId = shop.Package } } });
        var (paymentId, _) = await shop.Tenant.CheckoutAsync(order.Id());
        await shop.Tenant.PressOnMockPageAsync(paymentId, "timeout");

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => shop.Tenant.Post($"/api/v1/payments/{paymentId}/reconcile", new { })));

        foreach (var answer in answers)
        {
            answer.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await answer.Json()).Str("status").ShouldBe("succeeded");
        }
        await shop.Tenant.OrderWhenAsync(order.Id(), "fulfilled");
        (await CapturesAtMock(host, paymentId)).ShouldBe(1);
        Assert.Single(await shop.Tenant.ListAll("/api/v1/invoices"));
        var payment = await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}");
        Assert.Single(payment.GetProperty("operations").EnumerateArray(), o => o.Str("summary").Contains("→ succeeded"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Reconciles_racing_the_notification_answer_the_payment_as_it_is_never_a_500(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await Shop.OpenAsync(host);
        var order = await shop.Tenant.PostOk("/api/v1/orders", new { customerId = shop.Customer, lines = new[] { new { planId = shop.Package } } });
        var (paymentId, _) = await shop.Tenant.CheckoutAsync(order.Id());

        var pay = shop.Tenant.PressOnMockPageAsync(paymentId);
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => shop.Tenant.Post($"/api/v1/payments/{paymentId}/reconcile", new { })));
        await pay;

        Assert.All(answers, a => a.StatusCode.ShouldBe(HttpStatusCode.OK));
        await shop.Tenant.OrderWhenAsync(order.Id(), "fulfilled");
        (await CapturesAtMock(host, paymentId)).ShouldBe(1);
        var payment = await shop.Tenant.PaymentWhenAsync(paymentId, "succeeded");
        Assert.Single(payment.GetProperty("operations").EnumerateArray(), o => o.Str("summary").Contains("→ succeeded"));
    }
}
