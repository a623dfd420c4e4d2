using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Paydesk.Core;
using Paydesk.Notifications.Outbox;
using Paydesk.Payments;
using Paydesk.Payments.Mock;

namespace Paydesk.Tests.Payments;

public sealed class MockProviderTests
{
    [Fact]
    public async Task The_mock_provider_is_refused_in_production_unless_enabled()
    {
        await using var production = await PaydeskHost.StartAsync(Engine.Sqlite, new HostOptions { Environment = "Production", MockEnabled = null });
        var shop = await Shop.OpenAsync(production);
        var order = await shop.Tenant.PostOk("/api/v1/orders", new { customerId = shop.Customer, lines = new[] { new { planId = shop.Package } } });

        await (await shop.Tenant.Post($"/api/v1/orders/{order.Id()}/checkout", new { provider = "mock" })).ShouldBeProblem(400, "provider");
        (await production.Client().GetAsync("/mock-pay/pay_anything")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        await (await production.Client().PostAsync("/webhooks/mock/acct_anything", new StringContent("{}"))).ShouldBeProblem(404);
        Assert.Empty(await shop.Tenant.ListAll("/api/v1/payments"));

        await using var enabled = await PaydeskHost.StartAsync(Engine.Sqlite, new HostOptions { Environment = "Production", MockEnabled = true });
        var allowed = await Shop.OpenAsync(enabled);
        var payable = await allowed.Tenant.PostOk("/api/v1/orders", new { customerId = allowed.Customer, lines = new[] { new { planId = allowed.Package } } });
        var (paymentId, _) = await allowed.Tenant.CheckoutAsync(payable.Id());
        await allowed.Tenant.PressOnMockPageAsync(paymentId);
        await allowed.Tenant.OrderWhenAsync(payable.Id(), "fulfilled");
    }

    [Fact]
    public async Task An_oversized_notification_is_refused_before_it_is_read_whole()
    {
        var host = await PaydeskHost.Shared(Engine.Sqlite);
        var body = new string('x', ReceiveNotification.MaxBodyBytes + 1);

        await (await host.Client().PostAsync("/webhooks/mock/acct_any", new StringContent(body))).ShouldBeProblem(413);
        var chunked = new HttpRequestMessage(HttpMethod.Post, "/webhooks/mock/acct_any")
        {
            Content = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(body))),
        };
        chunked.Headers.TransferEncodingChunked = true;
        await (await host.Client().SendAsync(chunked)).ShouldBeProblem(413);
    }

    [Fact]
    public async Task In_development_the_confirmation_lands_in_the_local_mailbox_shown_at_dev_mail()
    {
        await using var host = await PaydeskHost.StartAsync(Engine.Sqlite, new HostOptions { Environment = "Development", MockEnabled = null });
        var clinic = new TenantClient(host, "clinic", "sk_test_demo_clinic");
        var plan = (await clinic.ListAll("/api/v1/plans")).Single(p => p.Str("name") == "Consultation");
        var customer = (await clinic.ListAll("/api/v1/customers"))[0];
        var order = await clinic.PostOk("/api/v1/orders", new { customerId = customer.Id(), lines = new[] { new { planId = plan.Id() } } });
        var (paymentId, _) = await clinic.CheckoutAsync(order.Id());
        await clinic.PressOnMockPageAsync(paymentId);
        await clinic.OrderWhenAsync(order.Id(), "fulfilled");
        var invoice = Assert.Single(await clinic.ListAll($"/api/v1/invoices?orderId={order.Id()}"));

        await host.RunDueJobsAsync();

        var mailbox = await host.Client().GetStringAsync("/dev/mail");
        Assert.Contains(invoice.Str("number"), mailbox);
        Assert.Contains(WebUtility.HtmlEncode(customer.Str("email")), mailbox);
    }
}

public sealed class MockSavedMethodTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_saved_method_is_charged_once_per_idempotency_key_even_when_the_answer_is_lost(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await Shop.OpenAsync(host);
        var order = await shop.Tenant.PostOk("/api/v1/orders", new { customerId = shop.Customer, lines = new[] { new { planId = shop.Monthly } } });
        var (paymentId, _) = await shop.Tenant.CheckoutAsync(order.Id()); // makes the tenant's Mock account
        var mock = host.Services.GetServices<IPaymentProvider>().Single(p => p.Name == "mock");

        async Task<(ProviderAccount, Payment)> Renewal(string key) =>
            await host.InTenantAsync(shop.Tenant.TenantId, async db =>
            {
                var template = await db.Payments.SingleAsync(p => p.Id == paymentId);
                var account = await db.ProviderAccounts.SingleAsync();
                return (account, new Payment
                {
                    TenantId = shop.Tenant.TenantId, Id = key, Purpose = template.Purpose, CustomerId = template.CustomerId,
                    AmountMinor = template.AmountMinor, Currency = template.Currency, Provider = "mock", ProviderAccountId = account.Id,
                    IdempotencyKey = key,
                });
            });

        var (account, paid) = await Renewal("pay_renewal_1");
        var first = await mock.ChargeSavedMethodAsync(account, paid, MockProvider.SavedMethodPays, null, default);
        var again = await mock.ChargeSavedMethodAsync(account, paid, MockProvider.SavedMethodPays, null, default);
        first.Status.ShouldBe(PaymentStatus.Succeeded);
        again.ShouldBe(first);

        var (_, lost) = await Renewal("pay_renewal_2");
        await Assert.ThrowsAsync<TimeoutException>(() => mock.ChargeSavedMethodAsync(account, lost, MockProvider.SavedMethodLosesAnswer, null, default));
        (await mock.GetStateAsync(account, lost, default)).Status.ShouldBe(PaymentStatus.Succeeded);
        (await mock.ChargeSavedMethodAsync(account, lost, MockProvider.SavedMethodLosesAnswer, null, default)).Status
            .ShouldBe(PaymentStatus.Succeeded); // asked again: the first answer, no second charge

        var (_, declined) = await Renewal("pay_renewal_3");
        (await mock.ChargeSavedMethodAsync(account, declined, MockProvider.SavedMethodDeclined, null, default)).Status
            .ShouldBe(PaymentStatus.Failed);

        var captures = await host.RunAsync<Paydesk.Storage.PaydeskDb, int[]>(db =>
            db.MockCharges.Where(c => c.IdempotencyKey.StartsWith("pay_renewal_")).OrderBy(c => c.IdempotencyKey).Select(c => c.Captures).ToArrayAsync());
        Assert.Equal([1, 1, 0], captures);
    }
}

/// <summary>The Mock provider's page and dashboard, used the way people use them: twice at once, or once too often.</summary>
public sealed class MockPageRaceTests
{
    private static readonly DateTimeOffset Start = new(2026, 5, 4, 9, 0, 0, TimeSpan.Zero);

    private static async Task<HttpStatusCode> Post(PaydeskHost host, string path, string field, string value)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.BaseAddress };
        return (await browser.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string> { [field] = value }))).StatusCode;
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Pay_and_cancel_pressed_at_once_settle_the_checkout_one_way_and_paydesk_hears_only_that_way(Engine engine)
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Start);
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions { Clock = clock });
        var shop = await Shop.OpenAsync(host);
        var order = await shop.Tenant.PostOk("/api/v1/orders", new { customerId = shop.Customer, lines = new[] { new { planId = shop.Package } } });
        var (paymentId, _) = await shop.Tenant.CheckoutAsync(order.Id());

        // A double click in two tabs: one pays, the other cancels, several times over.
        var pressed = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Post(host, $"/mock-pay/{paymentId}/{(i % 2 == 0 ? "succeed" : "cancel")}", "delivery", "normal")));
        Assert.All(pressed, p => p.ShouldBe(HttpStatusCode.Redirect));
        await host.SettleAsync();

        var charge = await host.RunAsync<Paydesk.Storage.PaydeskDb, MockCharge>(db => db.MockCharges.AsNoTracking().SingleAsync(c => c.PaymentId == paymentId));
        var payment = await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}");
        var outcomes = payment.GetProperty("operations").EnumerateArray().Where(o => o.Str("kind") == "notification").Select(o => o.Str("summary")).ToList();
        Assert.Single(outcomes);
        payment.Str("status").ShouldBe(charge.Status);
        charge.Captures.ShouldBe(charge.Status == "succeeded" ? 1 : 0);
        (await shop.Tenant.GetOk($"/api/v1/orders/{order.Id()}")).Str("status").ShouldBe(charge.Status == "succeeded" ? "fulfilled" : "awaiting_payment");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_dashboard_refund_with_nothing_left_is_refused_instead_of_notifying_a_refund_of_nothing(Engine engine)
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Start);
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions { Clock = clock });
        var shop = await Shop.OpenAsync(host);
        var (_, paymentId) = await shop.Tenant.BuyAsync(shop.Customer, new { planId = shop.Package });

        // No amount is "all that is left": once for all of it, then again with nothing left.
        (await Post(host, $"/mock-pay/{paymentId}/refund", "amount", "")).ShouldBe(HttpStatusCode.Redirect);
        await host.SettleAsync();
        (await Post(host, $"/mock-pay/{paymentId}/refund", "amount", "")).ShouldBe(HttpStatusCode.BadRequest);
        await host.SettleAsync();

        var refunds = await host.RunAsync<Paydesk.Storage.PaydeskDb, List<MockRefund>>(db =>
            db.MockRefunds.AsNoTracking().Where(r => db.MockCharges.Any(c => c.Id == r.ChargeId && c.PaymentId == paymentId)).ToListAsync());
        Assert.Single(refunds).AmountMinor.ShouldBe(1_500_00);
        var payment = await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}");
        payment.Str("status").ShouldBe("refunded");
        Assert.Single(payment.GetProperty("refunds").EnumerateArray());
    }

    public static TheoryData<Engine, string, string, string> BrokenForms() => new()
    {
        { Engine.Sqlite, "refund", "application/x-www-form-urlencoded", "amount=%00" },
        { Engine.Postgres, "succeed", "application/x-www-form-urlencoded", "delivery=%00" },
        { Engine.Sqlite, "refund", "application/x-www-form-urlencoded", "a%00=1" },
        { Engine.Postgres, "refund", "multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"amount\"\r\n\r\n1" },
        { Engine.Sqlite, "succeed", "multipart/form-data", "x" },
        { Engine.Postgres, "refund", "application/x-www-form-urlencoded", string.Join('&', Enumerable.Range(0, 1100).Select(i => $"k{i}=1")) },
        { Engine.Sqlite, "succeed", "application/x-www-form-urlencoded; charset=utf-7", "delivery=normal" },
        { Engine.Postgres, "refund", "application/x-www-form-urlencoded; charset=utf-7", "amount=100" },
    };

    [Theory, MemberData(nameof(BrokenForms))]
    public async Task A_broken_form_posted_to_the_mock_page_is_answered_400_and_moves_no_money(Engine engine, string action, string contentType, string body)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await Shop.OpenAsync(host);
        var (_, paymentId) = await shop.Tenant.BuyAsync(shop.Customer, new { planId = shop.Package });
        var order = await shop.Tenant.PostOk("/api/v1/orders", new { customerId = shop.Customer, lines = new[] { new { planId = shop.Package } } });
        var (open, _) = await shop.Tenant.CheckoutAsync(order.Id());
        var target = action == "refund" ? paymentId : open;

        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.BaseAddress };
        var content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        var answer = await browser.PostAsync($"/mock-pay/{target}/{action}", content);

        Assert.True(answer.StatusCode == HttpStatusCode.BadRequest, string.Join("\n", host.Logs.Lines.Where(l => l.Contains("Exception") && l.Contains(target)).Select(l => l[..Math.Min(l.Length, 1500)])));
        await host.SettleAsync();
        var charges = await host.RunAsync<Paydesk.Storage.PaydeskDb, List<MockCharge>>(db =>
            db.MockCharges.AsNoTracking().Where(c => c.PaymentId == paymentId || c.PaymentId == open).ToListAsync());
        charges.Single(c => c.PaymentId == paymentId).RefundedMinor.ShouldBe(0);
        charges.Single(c => c.PaymentId == open).Status.ShouldBe("open");
        (await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}")).Str("status").ShouldBe("succeeded");
    }
}
