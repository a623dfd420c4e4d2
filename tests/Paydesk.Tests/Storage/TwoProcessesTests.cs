using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Paydesk.Notifications.Outbox;
using Paydesk.Payments;

namespace Paydesk.Tests.Storage;

/// <summary>
/// Two Paydesk processes on one PostgreSQL share the background work without doing any of it
/// twice: each payment is checked once, charged once, invoiced once, and each email sent once.
/// </summary>
public sealed class TwoProcessesTests
{
    [Fact]
    public async Task Two_processes_on_one_database_reconcile_and_email_each_payment_once()
    {
        var maildev = await MailDevServer.Shared;
        var database = await (await PostgresCluster.Shared).CreateDatabaseAsync("shared");
        var start = new DateTimeOffset(2026, 9, 1, 9, 0, 0, TimeSpan.Zero);
        var (clockA, clockB) = (new FakeTimeProvider(start), new FakeTimeProvider(start));
        // One database, one key ring: either process opens the secrets and links the other sealed.
        using var ring = new SharedKeyRing();
        await using var a = await PaydeskHost.StartAsync(Engine.Postgres, new HostOptions { ConnectionString = database, KeyRingPath = ring.Path, Clock = clockA, SmtpPort = maildev.SmtpPort });
        await using var b = await PaydeskHost.StartAsync(Engine.Postgres, new HostOptions { ConnectionString = database, KeyRingPath = ring.Path, Clock = clockB, SmtpPort = maildev.SmtpPort });

        var shop = await Shop.OpenAsync(a);
        var payments = new List<(string PaymentId, string Inbox)>();
        for (var i = 0; i < 6; i++)
        {
            var inbox = MailDevServer.NewRecipient($"two-{i}");
            var customer = (await shop.Tenant.PostOk("/api/v1/customers", new { name = $"Patient {i}", email = inbox })).Id();
            var order = await shop.Tenant.PostOk("/api/v1/orders", new { customerId = customer, lines = new[] { new { planId = shop.Package } } });
            var (paymentId, _) = await shop.Tenant.CheckoutAsync(order.Id());
            // Charged, but the provider's answer is lost: only the reconciler can settle these.
            await shop.Tenant.PressOnMockPageAsync(paymentId, "timeout");
            payments.Add((paymentId, inbox));
        }

        clockA.Advance(ReconcilePayment.Schedule[0]);
        clockB.Advance(ReconcilePayment.Schedule[0]);
        await Task.WhenAll(a.RunDueJobsAsync(), b.RunDueJobsAsync());

        foreach (var (paymentId, _) in payments)
        {
            var payment = await shop.Tenant.PaymentWhenAsync(paymentId, "succeeded");
            Assert.Single(payment.GetProperty("operations").EnumerateArray(), o => o.Str("summary").StartsWith("asked mock"));
        }
        var captures = await a.RunAsync<Paydesk.Storage.PaydeskDb, int[]>(db =>
            db.MockCharges.Where(c => payments.Select(p => p.PaymentId).Contains(c.PaymentId)).Select(c => c.Captures).ToArrayAsync());
        Assert.Equal(Enumerable.Repeat(1, payments.Count), captures);
        var numbers = (await shop.Tenant.ListAll("/api/v1/invoices")).Select(i => i.Str("number")).Order().ToList();
        Assert.Equal(Enumerable.Range(1, payments.Count).Select(n => $"INV-{n:D6}"), numbers);

        foreach (var (paymentId, _) in payments)
        {
            var order = (await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}")).Str("purpose")["order:".Length..];
            await shop.Tenant.OrderWhenAsync(order, "fulfilled");
        }
        await Task.WhenAll(a.RunDueJobsAsync(), b.RunDueJobsAsync());
        foreach (var (_, inbox) in payments)
        {
            await maildev.WaitForMessageTo(inbox, TimeSpan.FromSeconds(20));
            Assert.Single(await maildev.MessagesTo(inbox));
        }
    }
}
