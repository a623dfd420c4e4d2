using Paydesk.Emulators;
using Xunit.Abstractions;

namespace Paydesk.Tests.Payments.Stripe;

/// <summary>
/// Refunds through Stripe at random, several at once: partial and full refunds through the API,
/// refunds in Stripe's dashboard, webhooks doubled, overtaken or lost, checks pressed. After every
/// round — once the account's events have been read for what was lost — Paydesk's books and
/// Stripe's must agree to the cent, each refund recorded once, and nothing given back twice.
/// </summary>
public sealed class StripeRandomizedTests(ITestOutputHelper output)
{
    private const int Payments = 4;
    private const int Rounds = 10;

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Random_refunds_through_the_API_and_the_dashboard_with_webhooks_lost_leave_both_books_equal_after_every_round(Engine engine)
    {
        var seed = RandomizedMoneyTests.Seed();
        output.WriteLine($"seed {seed}: replay with PAYDESK_TEST_SEED={seed}");
        var random = new Random(seed);
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions());
        var shop = await StripeClinic.OpenAsync(host);
        var bought = new List<(string PaymentId, string Intent)>();
        for (var i = 0; i < Payments; i++)
        {
            var (_, paymentId, sessionId) = await shop.BuyAsync(shop.Session);
            bought.Add((paymentId, shop.IntentOf(sessionId)));
        }
        await RandomRefundRounds.RunAsync(output, seed, random, engine, Rounds, () => Plan(random, shop, bought),
            async () =>
            {
                // The events list read too, for the webhooks that were lost.
                await shop.Emulators.QuietAsync();
                await host.SettleAsync();
                await StripeTests.CatchUpAsync(host, shop);
                await host.SettleAsync();
            },
            () => BrokenAsync(shop, bought));
    }

    /// <summary>What does not hold of the books now: Paydesk's and Stripe's, payment by payment.</summary>
    private static async Task<List<string>> BrokenAsync(StripeClinic shop, List<(string PaymentId, string Intent)> bought)
    {
        var broken = new List<string>();
        if (shop.Emulator.CapturesOf(shop.Stripe.SecretKey) is var captures and not Payments) broken.Add($"Stripe took money {captures} times for {Payments} payments");
        foreach (var (paymentId, intent) in bought)
        {
            var charge = Charge(shop, intent);
            var (amount, atStripe) = (charge["amount"]!.GetValue<long>(), charge["amount_refunded"]!.GetValue<long>());
            var payment = await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}");
            var refunded = payment.GetProperty("refunded").GetProperty("amount").GetInt64();
            if (refunded != atStripe) broken.Add($"{paymentId}: Paydesk has {refunded} refunded, Stripe {atStripe}");
            var expected = refunded == 0 ? "succeeded" : refunded == amount ? "refunded" : "partially_refunded";
            if (payment.Str("status") != expected) broken.Add($"{paymentId}: {payment.Str("status")} with {refunded} of {amount} refunded");
            if (payment.GetProperty("reviewReason").GetString() is { } review && !RandomRefundRounds.OnlyRefusedRefunds(review, " failed: Stripe: charge_already_refunded"))
                broken.Add($"{paymentId}: flagged: {review}");
            var refunds = payment.GetProperty("refunds").EnumerateArray().Where(r => r.Str("status") == "succeeded").Select(r => r.GetProperty("amount").GetProperty("amount").GetInt64()).ToList();
            if (refunds.Sum() != refunded) broken.Add($"{paymentId}: its succeeded refunds add up to {refunds.Sum()}, its refunded amount is {refunded}");
            // Each refund Stripe made is one of Paydesk's, whoever asked for it.
            var atStripeRefunds = shop.Emulator.RefundsOf(intent).Select(r => r["amount"]!.GetValue<long>()).Order().ToList();
            if (!refunds.Order().SequenceEqual(atStripeRefunds))
                broken.Add($"{paymentId}: Paydesk's refunds are {string.Join(", ", refunds.Order())}, Stripe's {string.Join(", ", atStripeRefunds)}");
        }
        return broken;
    }

    private static System.Text.Json.Nodes.JsonObject Charge(StripeClinic shop, string intent) =>
        shop.Emulator.Find(shop.Emulator.Find(intent)!["latest_charge"]!.ToString())!;

    private static RandomOp Plan(Random random, StripeClinic shop, List<(string PaymentId, string Intent)> bought)
    {
        var (paymentId, intent) = bought[random.Next(bought.Count)];
        var amount = random.Next(1, 5) * 10_00L + random.Next(0, 100);
        switch (random.Next(9))
        {
            case 0 or 1:
                return RandomRefundRounds.Refund(shop.Tenant, paymentId, amount, "USD");
            case 2:
                return RandomRefundRounds.RefundTheRest(shop.Tenant, paymentId);
            case 3 or 4:
                return new RandomOp($"refund {amount} of {paymentId} in the dashboard", () =>
                {
                    var charge = Charge(shop, intent);
                    var left = charge["amount"]!.GetValue<long>() - charge["amount_refunded"]!.GetValue<long>();
                    // Another refund may take what is left first: Stripe refuses this one then, as it would.
                    if (left > 0) shop.Emulator.RefundInDashboard(shop.Stripe.SecretKey, intent, Math.Min(amount, left));
                    return Task.FromResult<string?>(null);
                });
            case 5 or 6:
                var fault = (NotificationFault)random.Next(3);
                var times = random.Next(1, 4);
                return new RandomOp($"{fault} the next {times} webhooks", () =>
                {
                    shop.Emulator.Inject(shop.Stripe.SecretKey, fault, times);
                    return Task.FromResult<string?>(null);
                });
            default:
                return RandomRefundRounds.CheckNow(shop.Tenant, paymentId);
        }
    }
}
