using Stripe;
using Stripe.Checkout;

namespace Paydesk.Tests.Payments.Stripe;

/// <summary>
/// The Stripe emulator answers Stripe's official .NET client (Stripe.net, pointed at it) as Stripe
/// would: checkout sessions paid on the hosted page, webhooks the client's own EventUtility
/// verifies, off-session charges of the saved card, refunds and events, each with idempotency keys.
/// </summary>
public sealed class StripeEmulatorTests
{
    private static readonly HttpClient Browser = new(new HttpClientHandler { AllowAutoRedirect = false });

    [Fact]
    public async Task A_session_paid_on_the_hosted_page_is_reported_by_a_webhook_Stripe_net_verifies()
    {
        var emulators = await ProviderEmulators.Shared;
        await using var endpoint = await MerchantEndpoint.StartAsync(refuseFirst: 1, _ => "");
        var account = emulators.Stripe.AddAccount(endpoint.Url + "stripe");
        var client = Client(emulators, account.SecretKey);
        var sessions = new SessionService(client);
        var options = new SessionCreateOptions
        {
            Mode = "payment", SuccessUrl = "https://shop.example/paid?session={CHECKOUT_SESSION_ID}", CancelUrl = "https://shop.example/back",
            ClientReferenceId = "pay_1", Metadata = new() { ["payment"] = "pay_1" },
            LineItems = [new() { Quantity = 1, PriceData = new() { Currency = "usd", UnitAmount = 120_00, ProductData = new() { Name = "Consultation" } } }],
            PaymentIntentData = new() { SetupFutureUsage = "off_session", Metadata = new() { ["payment"] = "pay_1" } },
            ExpiresAt = TimeProvider.System.GetUtcNow().UtcDateTime.AddHours(1),
        };
        var session = await sessions.CreateAsync(options, new RequestOptions { IdempotencyKey = "pay_1" });
        // Asked again with the same key: the same session, not a second one.
        (await sessions.CreateAsync(options, new RequestOptions { IdempotencyKey = "pay_1" })).Id.ShouldBe(session.Id);
        (session.Status, session.PaymentStatus, session.AmountTotal, session.ClientReferenceId).ShouldBe(("open", "unpaid", (long?)120_00, "pay_1"));

        var page = await Browser.GetStringAsync(session.Url);
        Assert.Contains("value=\"pay\"", page);
        var declined = await Browser.PostAsync(session.Url, new FormUrlEncodedContent(new Dictionary<string, string> { ["action"] = "decline" }));
        Assert.Equal(HttpStatusCode.PaymentRequired, declined.StatusCode);
        var paid = await Browser.PostAsync(session.Url, new FormUrlEncodedContent(new Dictionary<string, string> { ["action"] = "pay" }));
        paid.Headers.Location.ShouldBe(new Uri($"https://shop.example/paid?session={session.Id}"));

        // Refused once, sent again: both deliveries verify with Stripe.net's own code.
        await emulators.QuietAsync();
        var events = endpoint.Received.Select(r => EventUtility.ConstructEvent(r.Body, r.Headers["Stripe-Signature"], account.WebhookSecret)).ToList();
        Assert.Equal([1, 2], events.GroupBy(e => e.Id).Select(g => g.Count()).Order());
        Assert.Equal(["checkout.session.completed", "payment_intent.succeeded"], events.Select(e => e.Type).Distinct().Order());
        var reported = (Session)events.First(e => e.Type == "checkout.session.completed").Data.Object;
        (reported.Id, reported.PaymentStatus, reported.Metadata["payment"]).ShouldBe((session.Id, "paid", "pay_1"));
        Assert.Throws<StripeException>(() => EventUtility.ConstructEvent(endpoint.Received.First().Body.Replace("evt_", "evu_"), endpoint.Received.First().Headers["Stripe-Signature"], account.WebhookSecret));

        var intent = await new PaymentIntentService(client).GetAsync((await sessions.GetAsync(session.Id)).PaymentIntentId);
        (intent.Status, intent.Amount, intent.Metadata["payment"]).ShouldBe(("succeeded", 120_00L, "pay_1"));
        var card = await new PaymentMethodService(client).GetAsync(intent.PaymentMethodId);
        (card.Card.Brand, card.Card.Last4, card.Card.ExpMonth, card.Card.ExpYear).ShouldBe(("visa", "4242", 12L, 2034L));
        emulators.Stripe.CapturesOf(account.SecretKey).ShouldBe(1);
    }

    [Fact]
    public async Task A_saved_card_is_charged_off_session_once_per_key_refunded_in_part_and_declined_when_it_fails()
    {
        var emulators = await ProviderEmulators.Shared;
        var account = emulators.Stripe.AddAccount();
        var client = Client(emulators, account.SecretKey);
        var session = await new SessionService(client).CreateAsync(new SessionCreateOptions
        {
            Mode = "payment", SuccessUrl = "https://shop.example/paid",
            LineItems = [new() { Quantity = 1, PriceData = new() { Currency = "eur", UnitAmount = 29_00, ProductData = new() { Name = "Monthly" } } }],
            PaymentIntentData = new() { SetupFutureUsage = "off_session" },
        });
        await Browser.PostAsync(session.Url, new FormUrlEncodedContent(new Dictionary<string, string> { ["action"] = "pay" }));
        var first = await new PaymentIntentService(client).GetAsync((await new SessionService(client).GetAsync(session.Id)).PaymentIntentId);

        var intents = new PaymentIntentService(client);
        var renewal = new PaymentIntentCreateOptions
        {
            Amount = 29_00, Currency = "eur", Customer = first.CustomerId, PaymentMethod = first.PaymentMethodId, OffSession = true, Confirm = true,
            Metadata = new() { ["payment"] = "pay_2" },
        };
        var charged = await intents.CreateAsync(renewal, new RequestOptions { IdempotencyKey = "pay_2" });
        (await intents.CreateAsync(renewal, new RequestOptions { IdempotencyKey = "pay_2" })).Id.ShouldBe(charged.Id);
        charged.Status.ShouldBe("succeeded");
        emulators.Stripe.CapturesOf(account.SecretKey).ShouldBe(2);

        var refunds = new RefundService(client);
        var part = await refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = charged.Id, Amount = 9_00, Metadata = new() { ["refund"] = "ref_1" } },
            new RequestOptions { IdempotencyKey = "ref_1" });
        (await refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = charged.Id, Amount = 9_00 }, new RequestOptions { IdempotencyKey = "ref_1" })).Id.ShouldBe(part.Id);
        var tooMuch = await Assert.ThrowsAsync<StripeException>(() => refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = charged.Id, Amount = 21_00 }));
        tooMuch.StripeError.Code.ShouldBe("charge_already_refunded");
        // A refund whose answer is lost, asked again with its key (by Stripe.net's own retry, or the caller's): made once.
        emulators.Stripe.Inject(account.SecretKey, "POST /v1/refunds", Paydesk.Emulators.CallFault.LoseAnswer);
        var lost = new RefundCreateOptions { PaymentIntent = charged.Id, Amount = 1_00 };
        try
        {
            await refunds.CreateAsync(lost, new RequestOptions { IdempotencyKey = "ref_lost" });
        }
        catch (StripeException)
        {
        }
        await refunds.CreateAsync(lost, new RequestOptions { IdempotencyKey = "ref_lost" });
        emulators.Stripe.RefundInDashboard(account.SecretKey, charged.Id, null).Status.ShouldBe(200);
        var listed = await refunds.ListAsync(new RefundListOptions { PaymentIntent = charged.Id });
        Assert.Equal([1_00L, 9_00L, 19_00L], listed.Data.Select(r => r.Amount).Order());
        Assert.Equal(3, (await new EventService(client).ListAsync(new EventListOptions { Type = "charge.refunded" })).Data.Count);
        // The events list pages as Stripe's does: Stripe.net's own paging walks every page, newest first, two at a time.
        var walked = new List<string>();
        await foreach (var e in new EventService(client).ListAutoPagingAsync(new EventListOptions { Limit = 2, Types = ["charge.refunded", "refund.created"] }))
            walked.Add(e.Id);
        Assert.Equal(emulators.Stripe.EventsOf(account.SecretKey).Where(e => e["type"]!.ToString() is "charge.refunded" or "refund.created")
            .Select(e => e["id"]!.ToString()).Reverse(), walked);
        Assert.Equal(6, walked.Count);

        emulators.Stripe.Decline(first.PaymentMethodId);
        renewal.Metadata = new() { ["payment"] = "pay_3" };
        var declined = await Assert.ThrowsAsync<StripeException>(() => intents.CreateAsync(renewal));
        (declined.StripeError.Type, declined.StripeError.Code, declined.StripeError.PaymentIntent.Status).ShouldBe(("card_error", "card_declined", "requires_payment_method"));
        emulators.Stripe.CapturesOf(account.SecretKey).ShouldBe(2);

        var stranger = await Assert.ThrowsAsync<StripeException>(() => new PaymentIntentService(Client(emulators, "sk_test_nobody")).GetAsync(charged.Id));
        stranger.HttpStatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var other = Client(emulators, emulators.Stripe.AddAccount().SecretKey);
        (await Assert.ThrowsAsync<StripeException>(() => new PaymentIntentService(other).GetAsync(charged.Id))).HttpStatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    private static StripeClient Client(ProviderEmulators emulators, string key) =>
        new(key, apiBase: emulators.Url.ToString().TrimEnd('/'));
}
