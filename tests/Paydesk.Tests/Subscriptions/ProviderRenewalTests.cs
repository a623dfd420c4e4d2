using Microsoft.Extensions.Time.Testing;
using Paydesk.Tests.Payments.Robokassa;
using Paydesk.Tests.Payments.Stripe;
using Paydesk.Tests.Payments.TBank;

namespace Paydesk.Tests.Subscriptions;

/// <summary>A subscription bought through a real provider's emulator renews there, charging the card the provider kept.</summary>
public sealed class ProviderRenewalTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_subscription_bought_through_T_Bank_renews_by_Charge_with_its_RebillId_once_with_its_receipt(Engine engine)
    {
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions { Clock = clock });
        var shop = await TBankShop.OpenAsync(host, receipts: true);
        await shop.BuyAsync(shop.Monthly);
        Assert.Single((await shop.Tenant.GetOk($"/api/v1/payment-methods?customerId={shop.Customer}")).Items());
        // A month on, the renewal charges the kept card at T-Bank: a new Init and a Charge with its RebillId.
        await RenewsOnceAsync(host, clock, shop.Tenant, shop.Emulators);
        var payments = shop.TBank.Payments(shop.Terminal.Key);
        Assert.Equal(2, payments.Sum(p => p.Captures));
        // The renewal's Init carries its 54-FZ receipt, as the first payment's did: the period, prepaid, adding up to the charge.
        var renewal = Assert.Single(payments, p => p.Description == "Renewal");
        var receipt = renewal.Receipt!;
        (receipt["Taxation"]!.GetValue<string>(), TBankShop.Sum(receipt)).ShouldBe(("usn_income", renewal.Amount));
        var item = Assert.Single(receipt["Items"]!.AsArray())!;
        (item["PaymentMethod"]!.GetValue<string>(), item["PaymentObject"]!.GetValue<string>()).ShouldBe(("full_prepayment", "service"));
        // T-Bank keeps a card only with a charge: a new one is given by paying a period by hand, not on a page of its own.
        var id = Assert.Single((await shop.Tenant.GetOk("/api/v1/subscriptions")).Items()).Id();
        var refused = await shop.Tenant.Http.PostAsJsonAsync($"/api/v1/subscriptions/{id}/update-card", new { });
        refused.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        Assert.Contains("cannot keep a card without charging it", await refused.Content.ReadAsStringAsync());
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_subscription_bought_through_Stripe_renews_by_an_off_session_charge_once(Engine engine)
    {
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions { Clock = clock });
        var shop = await StripeClinic.OpenAsync(host);
        await shop.BuyAsync(shop.Monthly);
        // The card is kept by payment_intent.succeeded, which may land after the order is fulfilled.
        await Eventually.ReadsAsync(() => shop.Tenant.GetOk($"/api/v1/payment-methods?customerId={shop.Customer}"), m => m.Items().Count() == 1, "the card to be kept");
        await RenewsOnceAsync(host, clock, shop.Tenant, shop.Emulators);
        shop.Emulator.CapturesOf(shop.Stripe.SecretKey).ShouldBe(2);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_trial_bought_through_Stripe_keeps_the_card_in_setup_mode_and_its_first_charge_is_off_session_at_the_trials_end(Engine engine)
    {
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions { Clock = clock });
        var shop = await StripeClinic.OpenAsync(host);
        var plan = (await shop.Tenant.PostOk("/api/v1/plans", new
        {
            name = "Community, first week free", price = new { amount = 29_00, currency = "USD" }, interval = new { unit = "month", count = 1 }, trialDays = 7,
            grants = new[] { new { type = "access", feature = "community" } },
        })).Id();
        var (_, paymentId, sessionId) = await shop.BuyAsync(plan);
        // A setup-mode session: a SetupIntent kept the card on a customer made for it, and nothing was charged.
        var session = shop.Emulator.Find(sessionId)!;
        (session["mode"]!.ToString(), session["payment_status"]!.ToString(), session["payment_intent"]).ShouldBe(("setup", "no_payment_required", null));
        var setup = shop.Emulator.Find(session["setup_intent"]!.ToString())!;
        setup["metadata"]![Paydesk.Payments.Stripe.StripeProvider.PaymentKey]!.ToString().ShouldBe(paymentId);
        shop.Emulator.CapturesOf(shop.Stripe.SecretKey).ShouldBe(0);
        var kept = await Eventually.ReadsAsync(() => shop.Tenant.GetOk($"/api/v1/payment-methods?customerId={shop.Customer}"), m => m.Items().Count() == 1, "the card to be kept");
        (kept.Items().Single().Str("brand"), kept.Items().Single().Str("last4")).ShouldBe(("visa", Paydesk.Emulators.Stripe.StripeEmulator.TestCardLast4));
        var subscription = Assert.Single((await shop.Tenant.GetOk("/api/v1/subscriptions")).Items());
        subscription.Str("status").ShouldBe("trialing");

        // A week on, the first month is charged off-session with the card the setup kept.
        clock.Advance(TimeSpan.FromDays(7));
        await host.SettleAsync();
        await shop.Emulators.QuietAsync();
        await host.SettleAsync();
        subscription = await shop.Tenant.GetOk($"/api/v1/subscriptions/{subscription.Id()}");
        (subscription.Str("status"), subscription.GetProperty("periods")[1].Str("status")).ShouldBe(("active", "paid"));
        shop.Emulator.CapturesOf(shop.Stripe.SecretKey).ShouldBe(1);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_subscription_bought_through_Robokassa_renews_by_a_recurring_charge_under_the_next_invoice_number_with_its_receipt(Engine engine)
    {
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions { Clock = clock });
        var shop = await RobokassaClinic.OpenAsync(host, receipts: true);
        await shop.BuyAsync(shop.Monthly);
        await RenewsOnceAsync(host, clock, shop.Tenant, shop.Emulators);
        var invoices = shop.Robokassa.Invoices(shop.Login);
        Assert.Equal([1L, 2L], invoices.Select(i => i.InvId).Order());
        Assert.All(invoices, i => Assert.Equal(100, i.State));
        // The recurring charge carries its receipt (signed with it, as a payment link is): the period, prepaid, for the whole sum.
        var renewal = invoices.Single(i => i.InvId == 2);
        var item = Assert.Single(System.Text.Json.Nodes.JsonNode.Parse(renewal.Receipt!)!["items"]!.AsArray())!;
        (item["payment_method"]!.GetValue<string>(), item["sum"]!.GetValue<decimal>().ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)).ShouldBe(("full_prepayment", renewal.OutSum));
    }

    /// <summary>A month on: the renewal ran, the provider's word on it came, and the second period is paid.</summary>
    private static async Task RenewsOnceAsync(PaydeskHost host, FakeTimeProvider clock, TenantClient tenant, ProviderEmulators emulators)
    {
        var id = Assert.Single((await tenant.GetOk("/api/v1/subscriptions")).Items()).Id();
        clock.Advance(TimeSpan.FromDays(32));
        await host.SettleAsync();
        await emulators.QuietAsync();
        await host.SettleAsync();
        var subscription = await tenant.GetOk($"/api/v1/subscriptions/{id}");
        (subscription.Str("status"), subscription.GetProperty("periods")[1].Str("status")).ShouldBe(("active", "paid"));
    }
}
