using Microsoft.EntityFrameworkCore;
using Paydesk.Storage;

namespace Paydesk.Tests.Payments;

public sealed class CheckoutTests
{
    private static async Task<(Shop Shop, string OrderId)> UnpaidOrder(PaydeskHost host)
    {
        var shop = await Shop.OpenAsync(host);
        var order = await shop.Tenant.PostOk("/api/v1/orders", new { customerId = shop.Customer, lines = new[] { new { planId = shop.Package } } });
        return (shop, order.Id());
    }

    private static Task<string> NotifyUrlOf(PaydeskHost host, string paymentId) =>
        host.RunAsync<PaydeskDb, string>(db => db.MockCharges.Where(c => c.PaymentId == paymentId).Select(c => c.NotifyUrl).SingleAsync());

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_forged_Host_header_never_decides_where_the_provider_sends_its_signed_notifications(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var (shop, orderId) = await UnpaidOrder(host);

        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/orders/{orderId}/checkout") { Content = JsonContent.Create(new { }) };
        request.Headers.Host = "attacker.example:4444";
        var checkout = await (await shop.Tenant.Http.SendAsync(request)).Json();

        var paymentId = checkout.Str("paymentId");
        var ours = host.BaseAddress.GetLeftPart(UriPartial.Authority);
        Assert.StartsWith($"{ours}/webhooks/mock/", await NotifyUrlOf(host, paymentId));
        Assert.StartsWith($"{ours}/mock-pay/", checkout.Str("redirectUrl"));
        var back = await shop.Tenant.PressOnMockPageAsync(paymentId);
        back.GetLeftPart(UriPartial.Authority).ShouldBe(ours);
        await shop.Tenant.OrderWhenAsync(orderId, "fulfilled");
    }

    [Fact]
    public async Task A_configured_public_url_with_a_path_is_where_providers_and_customers_are_sent()
    {
        await using var host = await PaydeskHost.StartAsync(Engine.Sqlite, new HostOptions
        {
            Settings = new Dictionary<string, string> { ["Payments:PublicUrl"] = "https://pay.clinic.example/billing" },
        });
        var (shop, orderId) = await UnpaidOrder(host);

        var checkout = await shop.Tenant.PostOk($"/api/v1/orders/{orderId}/checkout", new { });

        var paymentId = checkout.Str("paymentId");
        Assert.StartsWith("https://pay.clinic.example/billing/webhooks/mock/", await NotifyUrlOf(host, paymentId));
        checkout.Str("redirectUrl").ShouldBe($"https://pay.clinic.example/billing/mock-pay/{paymentId}");
        var successUrl = await host.RunAsync<PaydeskDb, string>(db => db.MockCharges.Where(c => c.PaymentId == paymentId).Select(c => c.SuccessUrl).SingleAsync());
        successUrl.ShouldBe($"https://pay.clinic.example/billing/pay/{paymentId}/success");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Twenty_concurrent_checkouts_of_one_order_open_three_and_a_settled_one_makes_room(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var (shop, orderId) = await UnpaidOrder(host);

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => shop.Tenant.Post($"/api/v1/orders/{orderId}/checkout", new { })));

        Assert.All(answers, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));
        var opened = answers.Where(a => a.StatusCode == HttpStatusCode.Created).ToList();
        opened.Count.ShouldBe(3);
        await answers.First(a => a.StatusCode == HttpStatusCode.Conflict).ShouldBeProblem(409);
        Assert.Equal(3, (await shop.Tenant.ListAll($"/api/v1/payments?purpose=order:{orderId}")).Count);

        // One is declined: a fourth may open, and pays the order.
        var declined = (await opened[0].Json()).Str("paymentId");
        await shop.Tenant.PressOnMockPageAsync(declined, "decline");
        await shop.Tenant.PaymentWhenAsync(declined, "failed");
        var (fourth, _) = await shop.Tenant.CheckoutAsync(orderId);
        await shop.Tenant.PressOnMockPageAsync(fourth);
        (await shop.Tenant.OrderWhenAsync(orderId, "fulfilled")).Str("paidByPaymentId").ShouldBe(fourth);
        // Paid: no more checkouts at all.
        await (await shop.Tenant.Post($"/api/v1/orders/{orderId}/checkout", new { })).ShouldBeProblem(409);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_tenants_first_checkouts_at_once_make_one_mock_account_not_one_each(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await Shop.OpenAsync(host);
        var orders = new List<string>();
        for (var i = 0; i < 8; i++)
            orders.Add((await shop.Tenant.PostOk("/api/v1/orders", new { customerId = shop.Customer, lines = new[] { new { planId = shop.Package } } })).Id());

        var answers = await Task.WhenAll(orders.Select(o => shop.Tenant.Post($"/api/v1/orders/{o}/checkout", new { })));

        Assert.All(answers, a => a.StatusCode.ShouldBe(HttpStatusCode.Created));
        var accounts = await host.InTenantAsync(shop.Tenant.TenantId, db => db.ProviderAccounts.AsNoTracking().ToListAsync());
        var account = Assert.Single(accounts);
        var payments = await host.InTenantAsync(shop.Tenant.TenantId, db => db.Payments.AsNoTracking().Select(p => p.ProviderAccountId).ToListAsync());
        Assert.All(payments, p => p.ShouldBe(account.Id));
    }

    public static TheoryData<Engine, string, string> UnsplittableAddresses() => new()
    {
        { Engine.Sqlite, "successUrl", "https://shop.example/paid\u0001" },
        { Engine.Postgres, "successUrl", "https://shop.example/paid\r\nSet-Cookie: a=b" },
        { Engine.Sqlite, "cancelUrl", "https://shop.example/back\u007f" },
        { Engine.Postgres, "cancelUrl", "https://shop.example/back\u2028here" },
        { Engine.Sqlite, "successUrl", "https://shop.example/paid here" },
    };

    [Theory, MemberData(nameof(UnsplittableAddresses))]
    public async Task A_return_address_with_a_control_character_is_refused_at_checkout_rather_than_breaking_the_redirect(
        Engine engine, string field, string url)
    {
        var host = await PaydeskHost.Shared(engine);
        var (shop, orderId) = await UnpaidOrder(host);

        var answer = await shop.Tenant.Post($"/api/v1/orders/{orderId}/checkout", new Dictionary<string, string> { [field] = url });

        await answer.ShouldBeProblem(400, field);
        (await shop.Tenant.ListAll($"/api/v1/payments?purpose=order:{orderId}")).Count.ShouldBe(0);
    }

    public static TheoryData<Engine, string> HostsWithoutAsciiForm() => new()
    {
        { Engine.Sqlite, "ж\u200d.example" },
        { Engine.Postgres, "xn--ж.example" },
        { Engine.Sqlite, new string('ж', 60) + ".example" },
        { Engine.Postgres, "-ж.example" },
        { Engine.Sqlite, "ж⒈.example" },
        { Engine.Postgres, string.Join('.', Enumerable.Repeat("жжжж", 60)) + ".example" },
    };

    [Theory, MemberData(nameof(HostsWithoutAsciiForm))]
    public async Task A_return_address_whose_host_has_no_ascii_form_is_refused_and_leaves_no_payment_open(Engine engine, string host)
    {
        var paydesk = await PaydeskHost.Shared(engine);
        var (shop, orderId) = await UnpaidOrder(paydesk);

        for (var i = 0; i < 4; i++)
            await (await shop.Tenant.Post($"/api/v1/orders/{orderId}/checkout", new { successUrl = $"https://{host}/paid" })).ShouldBeProblem(400, "successUrl");

        Assert.Empty(await shop.Tenant.ListAll($"/api/v1/payments?purpose=order:{orderId}"));
        var (paymentId, _) = await shop.Tenant.CheckoutAsync(orderId);
        (await shop.Tenant.PressOnMockPageAsync(paymentId)).Host.ShouldBe(paydesk.BaseAddress.Host);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_return_address_in_cyrillic_sends_the_buyer_back_to_it_percent_encoded(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var (shop, orderId) = await UnpaidOrder(host);
        const string thanks = "https://клиника.рф/оплата/{PAYMENT_ID}/спасибо?от=бота";

        var checkout = await shop.Tenant.PostOk($"/api/v1/orders/{orderId}/checkout", new { successUrl = thanks });
        var paymentId = checkout.Str("paymentId");
        var back = await shop.Tenant.PressOnMockPageAsync(paymentId);

        Assert.True(back.OriginalString.All(char.IsAscii), back.OriginalString);
        back.IdnHost.ShouldBe("xn--80apagcdp.xn--p1ai");
        Uri.UnescapeDataString(back.PathAndQuery).ShouldBe($"/оплата/{paymentId}/спасибо?от=бота");
        await shop.Tenant.OrderWhenAsync(orderId, "fulfilled");
    }
}
