using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Paydesk.Payments;

namespace Paydesk.Tests.Payments;

public sealed class PayFlowTests
{
    private static readonly DateTimeOffset June10 = new(2026, 6, 10, 10, 0, 0, TimeSpan.Zero);

    private static async Task<JsonElement> Order(Shop shop, object line) =>
        await shop.Tenant.PostOk("/api/v1/orders", new { customerId = shop.Customer, lines = new[] { line } });

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Paying_on_the_mock_page_activates_what_was_bought(Engine engine)
    {
        var clock = new FakeTimeProvider(June10);
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions { Clock = clock });
        var shop = await Shop.OpenAsync(host);
        var t = shop.Tenant;

        var package = await Order(shop, new { planId = shop.Package });
        var monthly = await Order(shop, new { planId = shop.Monthly });
        var badge = await Order(shop, new { planId = shop.Badge, termMonths = 6 });
        var hybrid = await Order(shop, new { planId = shop.Hybrid });
        foreach (var order in new[] { package, monthly, badge, hybrid })
        {
            var (paymentId, redirect) = await t.CheckoutAsync(order.Id());
            Assert.Equal($"/mock-pay/{paymentId}", new Uri(redirect).AbsolutePath);
            await t.PressOnMockPageAsync(paymentId);
            var fulfilled = await t.OrderWhenAsync(order.Id(), "fulfilled");
            fulfilled.Str("paidByPaymentId").ShouldBe(paymentId);
        }

        var sessions = Single(await t.ListAll($"/api/v1/entitlements?orderId={package.Id()}"));
        sessions.Str("type").ShouldBe("sessions");
        sessions.GetProperty("sessionsRemaining").GetInt32().ShouldBe(10);
        sessions.GetProperty("endsAt").GetDateTimeOffset().ShouldBe(new DateTimeOffset(2026, 12, 10, 11, 0, 0, TimeSpan.Zero));

        var access = Single(await t.ListAll($"/api/v1/entitlements?orderId={monthly.Id()}"));
        access.Str("feature").ShouldBe("telerehab");
        access.GetProperty("endsAt").GetDateTimeOffset().ShouldBe(June10.AddMonths(1));

        // Six months on the customer's calendar (Europe/Bucharest): 13:00 local stays 13:00 local,
        // which after the end of summer time is 11:00 UTC, not 10:00.
        var verified = Single(await t.ListAll($"/api/v1/entitlements?orderId={badge.Id()}"));
        verified.Str("type").ShouldBe("badge");
        verified.GetProperty("endsAt").GetDateTimeOffset().ShouldBe(new DateTimeOffset(2026, 12, 10, 11, 0, 0, TimeSpan.Zero));

        var shipment = Single(await t.ListAll($"/api/v1/shipments?orderId={hybrid.Id()}"));
        shipment.Str("status").ShouldBe("placed");
        shipment.Str("productId").ShouldBe(shop.Band);
        shipment.GetProperty("quantity").GetInt32().ShouldBe(2);
        (await t.PostOk($"/api/v1/shipments/{shipment.Id()}/ship", new { address = new { line1 = "Str. Lalelelor 5", city = "Cluj-Napoca", country = "RO" } }))
            .Str("status").ShouldBe("shipped");
        (await t.PostOk($"/api/v1/shipments/{shipment.Id()}/deliver", new { })).Str("status").ShouldBe("delivered");

        var invoices = await t.ListAll("/api/v1/invoices");
        Assert.Equal(["INV-000001", "INV-000002", "INV-000003", "INV-000004"], invoices.Select(i => i.Str("number")));
        Assert.Equal(package.Id(), invoices[0].Str("orderId"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Buying_the_same_access_again_extends_it_from_its_current_end(Engine engine)
    {
        var clock = new FakeTimeProvider(June10);
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions { Clock = clock });
        var shop = await Shop.OpenAsync(host);

        foreach (var months in new[] { 3, 1 })
            await shop.Tenant.BuyAsync(shop.Customer, new { planId = shop.Termed, termMonths = months });

        var access = await shop.Tenant.ListAll($"/api/v1/entitlements?customerId={shop.Customer}");
        Assert.Equal(2, access.Count);
        access[0].GetProperty("endsAt").GetDateTimeOffset().ShouldBe(June10.AddMonths(3));
        access[1].GetProperty("startsAt").GetDateTimeOffset().ShouldBe(June10.AddMonths(3));
        access[1].GetProperty("endsAt").GetDateTimeOffset().ShouldBe(June10.AddMonths(4));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_same_notification_delivered_ten_times_at_once_activates_once(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await Shop.OpenAsync(host);
        var order = await Order(shop, new { planId = shop.Package });
        var (paymentId, _) = await shop.Tenant.CheckoutAsync(order.Id());
        var notification = await Notification.ForAsync(host, shop, paymentId, "succeeded", 1_500_00, "RON");

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => notification.SendAsync(host)));

        Assert.All(answers, a => a.StatusCode.ShouldBe(HttpStatusCode.OK));
        var outcomes = await Task.WhenAll(answers.Select(async a => (await a.Json()).Str("outcome")));
        Assert.Equal(1, outcomes.Count(o => o == "applied"));
        Assert.Equal(9, outcomes.Count(o => o == "duplicate"));
        await shop.Tenant.OrderWhenAsync(order.Id(), "fulfilled");
        Assert.Single(await shop.Tenant.ListAll($"/api/v1/entitlements?orderId={order.Id()}"));
        Assert.Single(await shop.Tenant.ListAll("/api/v1/invoices"));
        var payment = await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}");
        Assert.Single(payment.GetProperty("operations").EnumerateArray(), o => o.Str("summary").Contains("→ succeeded"));
    }

    public static TheoryData<Engine, string> Forgeries()
    {
        var data = new TheoryData<Engine, string>();
        foreach (var engine in new[] { Engine.Sqlite, Engine.Postgres })
            foreach (var forgery in new[] { "bad signature", "stale timestamp", "future timestamp", "timestamp past the year 9999", "no signature", "missing secret", "wrong amount", "wrong currency" })
                data.Add(engine, forgery);
        return data;
    }

    [Theory, MemberData(nameof(Forgeries))]
    public async Task A_forged_stale_or_wrong_notification_activates_nothing(Engine engine, string forgery)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await Shop.OpenAsync(host);
        var order = await Order(shop, new { planId = shop.Package });
        var (paymentId, _) = await shop.Tenant.CheckoutAsync(order.Id());
        var notification = await Notification.ForAsync(host, shop, paymentId, "succeeded",
            forgery == "wrong amount" ? 1_00 : 1_500_00, forgery == "wrong currency" ? "USD" : "RON");
        var now = TimeProvider.System.GetUtcNow();

        var response = forgery switch
        {
            "bad signature" => await notification.SendAsync(host, secret: "whsec_guessed"),
            // Past the 300 s tolerance by more than the request can take: timestamps are whole seconds, and the
            // server reads its clock a moment after this one, so 301 s here can be 300 s there. The exact edge
            // (300 s taken, 301 s refused, both ways) is checked against a fixed clock in ProviderSignatureTests.
            "stale timestamp" => await notification.SendAsync(host, at: now.AddSeconds(-305)),
            "future timestamp" => await notification.SendAsync(host, at: now.AddSeconds(305)),
            "timestamp past the year 9999" => await notification.SendAsync(host, unixSeconds: 253_402_300_800),
            "no signature" => await notification.SendAsync(host, signed: false),
            "missing secret" => await notification.WithoutAccountSecretAsync(host),
            _ => await notification.SendAsync(host),
        };

        if (forgery.StartsWith("wrong"))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await response.Json()).Str("outcome").ShouldBe("amount_mismatch");
            var payment = await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}");
            payment.Str("status").ShouldBe("pending");
            Assert.Contains("nothing was activated", payment.Str("reviewReason"));
        }
        else
        {
            await response.ShouldBeProblem(400);
        }
        (await shop.Tenant.GetOk($"/api/v1/orders/{order.Id()}")).Str("status").ShouldBe("awaiting_payment");
        Assert.Empty(await shop.Tenant.ListAll($"/api/v1/entitlements?orderId={order.Id()}"));
        Assert.Empty(await shop.Tenant.ListAll("/api/v1/invoices"));
    }

    /// <summary>
    /// A change to the account a notification names is seen by the very next notification, however
    /// soon: a secret removed just after a notification was accepted refuses the one that follows
    /// (whatever the intake keeps of an account, it must not outlive a change to it).
    /// </summary>
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_secret_removed_just_after_a_notification_was_accepted_refuses_the_next_one(Engine engine)
    {
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions { Clock = clock });
        var shop = await Shop.OpenAsync(host);
        var first = await Order(shop, new { planId = shop.Package });
        var (firstPayment, _) = await shop.Tenant.CheckoutAsync(first.Id());
        var second = await Order(shop, new { planId = shop.Package });
        var (secondPayment, _) = await shop.Tenant.CheckoutAsync(second.Id());
        var accepted = await Notification.ForAsync(host, shop, firstPayment, "succeeded", 1_500_00, "RON");
        var next = await Notification.ForAsync(host, shop, secondPayment, "succeeded", 1_500_00, "RON");

        var answer = await accepted.SendAsync(host, at: clock.GetUtcNow());
        answer.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await answer.Json()).Str("outcome").ShouldBe("applied");
        // The clock stands still: nothing kept for a while has aged out.
        await (await next.WithoutAccountSecretAsync(host, at: clock.GetUtcNow())).ShouldBeProblem(400);
        (await shop.Tenant.GetOk($"/api/v1/payments/{secondPayment}")).Str("status").ShouldBe("pending");
    }

    public static TheoryData<Engine, string, string> Unreadable()
    {
        var data = new TheoryData<Engine, string, string>();
        foreach (var engine in new[] { Engine.Sqlite, Engine.Postgres })
        {
            data.Add(engine, "null id", "id");
            data.Add(engine, "300-character id", "id");
            data.Add(engine, "id with a NUL", "id");
            data.Add(engine, "a lone surrogate in the status", "data.status");
            data.Add(engine, "amount as text", "data.amount");
            data.Add(engine, "no data", "data");
            data.Add(engine, "not JSON", "body");
        }
        return data;
    }

    [Theory, MemberData(nameof(Unreadable))]
    public async Task A_correctly_signed_notification_that_cannot_be_stored_is_answered_with_a_problem_naming_the_field_not_a_500(
        Engine engine, string flaw, string field)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await Shop.OpenAsync(host);
        var order = await Order(shop, new { planId = shop.Package });
        var (paymentId, _) = await shop.Tenant.CheckoutAsync(order.Id());
        var created = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();
        var data = new { paymentId, chargeId = "mch_test", status = "succeeded", amount = 1_500_00, currency = "RON" };
        var body = flaw switch
        {
            "null id" => JsonSerializer.Serialize(new { id = (string?)null, type = "payment.succeeded", created, data }),
            "300-character id" => JsonSerializer.Serialize(new { id = new string('e', 300), type = "payment.succeeded", created, data }),
            "id with a NUL" => JsonSerializer.Serialize(new { id = "mevt_\u0000", type = "payment.succeeded", created, data }),
            "a lone surrogate in the status" => JsonSerializer.Serialize(new { id = "mevt_x", type = "payment.succeeded", created, data = data with { status = "LONE" } })
                .Replace("LONE", "\\ud800", StringComparison.Ordinal),
            "amount as text" => JsonSerializer.Serialize(new { id = "mevt_x", type = "payment.succeeded", created, data = new { paymentId, status = "succeeded", amount = "150000", currency = "RON" } }),
            "no data" => JsonSerializer.Serialize(new { id = "mevt_x", type = "payment.succeeded", created }),
            _ => "this is not JSON",
        };
        var notification = await Notification.ForAsync(host, shop, paymentId, "succeeded", 1_500_00, "RON") with { Body = body };

        var answer = await notification.SendAsync(host);

        var problem = await answer.ShouldBeProblem(400, field);
        problem.Str("title").ShouldBe("Notification unreadable");
        (await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}")).Str("status").ShouldBe("pending");
        (await shop.Tenant.GetOk($"/api/v1/orders/{order.Id()}")).Str("status").ShouldBe("awaiting_payment");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_success_redirect_before_the_notification_marks_nothing_paid(Engine engine)
    {
        var clock = new FakeTimeProvider(June10);
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions { Clock = clock });
        var shop = await Shop.OpenAsync(host);
        var order = await Order(shop, new { planId = shop.Package });
        var (paymentId, _) = await shop.Tenant.CheckoutAsync(order.Id());

        var back = await shop.Tenant.PressOnMockPageAsync(paymentId, delivery: "late");
        var page = await host.Client().GetStringAsync(back);

        Assert.Contains("Confirming your payment", page);
        (await shop.Tenant.GetOk($"/api/v1/orders/{order.Id()}")).Str("status").ShouldBe("awaiting_payment");
        (await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}")).Str("status").ShouldBe("pending");

        // The provider's late notification, not the redirect, is what pays the order.
        clock.Advance(TimeSpan.FromSeconds(21));
        await shop.Tenant.OrderWhenAsync(order.Id(), "fulfilled");
        Assert.Contains("Payment received", await host.Client().GetStringAsync(back));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_failure_delivered_after_the_success_never_moves_the_payment_back(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await Shop.OpenAsync(host);
        var order = await Order(shop, new { planId = shop.Package });
        var (paymentId, _) = await shop.Tenant.CheckoutAsync(order.Id());

        await shop.Tenant.PressOnMockPageAsync(paymentId, delivery: "out_of_order");
        await shop.Tenant.OrderWhenAsync(order.Id(), "fulfilled");

        JsonElement payment;
        for (var attempt = 0; ; attempt++)
        {
            payment = await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}");
            if (payment.GetProperty("operations").EnumerateArray().Any(o => o.Str("kind") == "refusedtransition") || attempt == 200) break;
            await Task.Delay(50);
        }
        payment.Str("status").ShouldBe("succeeded");
        var refused = payment.GetProperty("operations").EnumerateArray().Single(o => o.Str("kind") == "refusedtransition");
        Assert.Contains("failed", refused.Str("summary"));
        Assert.Single(await shop.Tenant.ListAll($"/api/v1/entitlements?orderId={order.Id()}"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_older_failure_delivered_before_the_success_no_longer_fails_a_payment_the_provider_took(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await Shop.OpenAsync(host);
        var order = await Order(shop, new { planId = shop.Package });
        var (paymentId, _) = await shop.Tenant.CheckoutAsync(order.Id());
        // The provider took the money, and its success is still on its way (delayed, or retried
        // after a failed delivery) when an older failure of the same payment arrives.
        await shop.Tenant.PressOnMockPageAsync(paymentId, "timeout");

        var failure = await Notification.ForAsync(host, shop, paymentId, "failed", 1_500_00, "RON");
        var answer = await failure.SendAsync(host);

        answer.StatusCode.ShouldBe(HttpStatusCode.OK);
        var payment = await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}");
        payment.Str("status").ShouldBe("succeeded");
        Assert.Contains(payment.GetProperty("operations").EnumerateArray(), o => o.Str("summary") == "mock says succeeded");
        await shop.Tenant.OrderWhenAsync(order.Id(), "fulfilled");

        // A failure the provider confirms still fails the payment.
        var other = await Order(shop, new { planId = shop.Package });
        var (declined, _) = await shop.Tenant.CheckoutAsync(other.Id());
        await shop.Tenant.PressOnMockPageAsync(declined, "decline");
        await WaitForPayment(shop, declined, "failed");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_declined_or_canceled_payment_leaves_the_order_unpaid_and_payable(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await Shop.OpenAsync(host);
        var order = await Order(shop, new { planId = shop.Package });

        var (declined, _) = await shop.Tenant.CheckoutAsync(order.Id());
        var back = await shop.Tenant.PressOnMockPageAsync(declined, "decline");
        Assert.EndsWith($"/pay/{declined}/canceled", back.AbsolutePath);
        await WaitForPayment(shop, declined, "failed");
        // Once the provider has said so, the page the buyer came back to tells a decline from a cancel.
        var page = await host.Client().GetStringAsync(back);
        Assert.Contains("Payment declined", page);
        Assert.Contains("Try again", page);
        var (canceled, _) = await shop.Tenant.CheckoutAsync(order.Id());
        var canceledBack = await shop.Tenant.PressOnMockPageAsync(canceled, "cancel");
        await WaitForPayment(shop, canceled, "canceled");
        page = await host.Client().GetStringAsync(canceledBack);
        Assert.Contains("Payment not completed", page);
        Assert.Contains("You canceled the payment.", page);
        (await shop.Tenant.GetOk($"/api/v1/orders/{order.Id()}")).Str("status").ShouldBe("awaiting_payment");

        var (third, _) = await shop.Tenant.CheckoutAsync(order.Id());
        await shop.Tenant.PressOnMockPageAsync(third);
        (await shop.Tenant.OrderWhenAsync(order.Id(), "fulfilled")).Str("paidByPaymentId").ShouldBe(third);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Paying_one_order_in_two_tabs_pays_it_once_and_refunds_the_second_payment(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await Shop.OpenAsync(host);
        var order = await Order(shop, new { planId = shop.Package });
        var (first, _) = await shop.Tenant.CheckoutAsync(order.Id());
        var (second, _) = await shop.Tenant.CheckoutAsync(order.Id());

        await shop.Tenant.PressOnMockPageAsync(first);
        await shop.Tenant.OrderWhenAsync(order.Id(), "fulfilled");
        await shop.Tenant.PressOnMockPageAsync(second);
        var late = await WaitForPayment(shop, second, "refunded");

        Assert.Contains("refunded automatically", late.Str("reviewReason"));
        // The merchant's note is the merchant's: the customer's own key reads the payment without it.
        var asCustomer = host.Client((await shop.Tenant.PostOk($"/api/v1/customers/{shop.Customer}/sessions", new { })).Str("token"));
        var seen = await asCustomer.GetFromJsonAsync<JsonElement>($"/api/v1/payments/{second}");
        (seen.Str("status"), seen.GetProperty("reviewReason").ValueKind).ShouldBe(("refunded", JsonValueKind.Null));
        Assert.All((await asCustomer.GetFromJsonAsync<JsonElement>("/api/v1/payments")).Items(), p => p.GetProperty("reviewReason").ValueKind.ShouldBe(JsonValueKind.Null));
        var refund = Assert.Single(late.GetProperty("refunds").EnumerateArray());
        Assert.True(refund.GetProperty("automatic").GetBoolean());
        refund.Str("status").ShouldBe("succeeded");
        (await shop.Tenant.GetOk($"/api/v1/payments/{first}")).Str("status").ShouldBe("succeeded");
        (await shop.Tenant.GetOk($"/api/v1/orders/{order.Id()}")).Str("paidByPaymentId").ShouldBe(first);
        Assert.Single(await shop.Tenant.ListAll("/api/v1/invoices"));
        // The second payment was never invoiced, so its refund has no credit note.
        Assert.Empty(await shop.Tenant.ListAll("/api/v1/credit-notes"));
        Assert.Single(await shop.Tenant.ListAll($"/api/v1/entitlements?orderId={order.Id()}"));
        await (await shop.Tenant.Post($"/api/v1/orders/{order.Id()}/checkout", new { })).ShouldBeProblem(409);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Concurrent_payments_get_gapless_invoice_numbers(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await Shop.OpenAsync(host);
        var notifications = new List<Notification>();
        for (var i = 0; i < 8; i++)
        {
            var order = await Order(shop, new { planId = shop.Package });
            var (paymentId, _) = await shop.Tenant.CheckoutAsync(order.Id());
            notifications.Add(await Notification.ForAsync(host, shop, paymentId, "succeeded", 1_500_00, "RON"));
        }

        var answers = await Task.WhenAll(notifications.Select(n => n.SendAsync(host)));

        Assert.All(answers, a => a.StatusCode.ShouldBe(HttpStatusCode.OK));
        var numbers = (await shop.Tenant.ListAll("/api/v1/invoices")).Select(i => i.Str("number")).Order().ToList();
        Assert.Equal(Enumerable.Range(1, 8).Select(n => $"INV-{n:D6}"), numbers);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_failed_fulfilment_is_listed_retried_and_can_be_completed_by_hand(Engine engine)
    {
        var clock = new FakeTimeProvider(June10);
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions { Clock = clock });
        var faults = (FaultPoints)host.Services.GetService(typeof(FaultPoints))!;
        var shop = await Shop.OpenAsync(host);

        // Fails once, then the retry (due a minute later) fulfils it.
        faults.Arm(FaultPoints.Fulfilment, times: 1);
        var retried = await Order(shop, new { planId = shop.Package });
        var (p1, _) = await shop.Tenant.CheckoutAsync(retried.Id());
        await shop.Tenant.PressOnMockPageAsync(p1);
        var failed = await shop.Tenant.OrderWhenAsync(retried.Id(), "paid");
        await WaitUntil(async () => (await shop.Tenant.GetOk($"/api/v1/orders/{retried.Id()}")).GetProperty("fulfilment").ValueKind == JsonValueKind.Object);
        var listed = await shop.Tenant.ListAll("/api/v1/orders?fulfilmentFailed=true");
        Assert.Equal([retried.Id()], listed.Select(o => o.Id()));
        Assert.Contains("Injected fault", listed[0].GetProperty("fulfilment").Str("error"));
        clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(30));
        await shop.Tenant.OrderWhenAsync(retried.Id(), "fulfilled");
        Assert.Single(await shop.Tenant.ListAll($"/api/v1/entitlements?orderId={retried.Id()}"));

        // Fails every time, until an admin completes it by hand.
        faults.Arm(FaultPoints.Fulfilment, times: 2);
        var manual = await Order(shop, new { planId = shop.Package });
        var (p2, _) = await shop.Tenant.CheckoutAsync(manual.Id());
        await shop.Tenant.PressOnMockPageAsync(p2);
        await WaitUntil(async () => (await shop.Tenant.GetOk($"/api/v1/orders/{manual.Id()}")).GetProperty("fulfilment").ValueKind == JsonValueKind.Object);
        await (await shop.Tenant.Post($"/api/v1/orders/{manual.Id()}/fulfil", new { })).ShouldBeProblem(409);
        var done = await shop.Tenant.PostOk($"/api/v1/orders/{manual.Id()}/fulfil", new { });
        done.Str("status").ShouldBe("fulfilled");
        Assert.Empty(await shop.Tenant.ListAll("/api/v1/orders?fulfilmentFailed=true"));
        Assert.Single(await shop.Tenant.ListAll($"/api/v1/entitlements?orderId={manual.Id()}"));
    }

    private static JsonElement Single(List<JsonElement> items) => Assert.Single(items);

    private static Task<JsonElement> WaitForPayment(Shop shop, string paymentId, string status) => shop.Tenant.PaymentWhenAsync(paymentId, status);

    private static Task WaitUntil(Func<Task<bool>> condition) => Eventually.HoldsAsync(condition);
}

/// <summary>
/// A Mock provider notification made by the test itself, signed with its own HMAC code (not
/// Paydesk's), so the verification is checked against an independent signer.
/// </summary>
internal sealed record Notification(string AccountId, string Secret, string Body, string TenantId)
{
    public static async Task<Notification> ForAsync(PaydeskHost host, Shop shop, string paymentId, string status, long amount, string currency)
    {
        var account = await host.InTenantAsync(shop.Tenant.TenantId, db => db.ProviderAccounts.SingleAsync());
        var secret = host.Services.GetRequiredService<ProviderSecrets>().Reveal(account, ProviderSecret.Webhook)!;
        var body = JsonSerializer.Serialize(new
        {
            id = "mevt_test_" + Guid.NewGuid().ToString("N"), type = $"payment.{status}",
            created = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds(),
            data = new { paymentId, chargeId = "mch_test", status, amount, currency },
        });
        return new Notification(account.Id, secret, body, shop.Tenant.TenantId);
    }

    /// <param name="unixSeconds">The signature's timestamp as sent, when it is no date (<paramref name="at"/> otherwise).</param>
    public async Task<HttpResponseMessage> SendAsync(PaydeskHost host, string? secret = null, DateTimeOffset? at = null, bool signed = true, long? unixSeconds = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/mock/{AccountId}") { Content = new StringContent(Body, Encoding.UTF8, "application/json") };
        if (signed)
        {
            var t = unixSeconds ?? (at ?? TimeProvider.System.GetUtcNow()).ToUnixTimeSeconds();
            var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret ?? Secret), Encoding.UTF8.GetBytes($"{t}.{Body}"));
            request.Headers.Add("Paydesk-Mock-Signature", $"t={t},v1={Convert.ToHexString(mac).ToLowerInvariant()}");
        }
        return await host.Client().SendAsync(request);
    }

    /// <summary>With the account's secret removed, a correctly signed notification must still be refused.</summary>
    public async Task<HttpResponseMessage> WithoutAccountSecretAsync(PaydeskHost host, DateTimeOffset? at = null)
    {
        await host.InTenantAsync(TenantId, async db =>
        {
            var account = await db.ProviderAccounts.SingleAsync(a => a.Id == AccountId);
            account.WebhookSecretProtected = null;
            return await db.SaveChangesAsync();
        });
        return await SendAsync(host, at: at);
    }
}
