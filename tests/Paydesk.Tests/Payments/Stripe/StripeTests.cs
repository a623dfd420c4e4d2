using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Paydesk.Core;
using Paydesk.Emulators;
using Paydesk.Payments;
using Paydesk.Payments.Stripe;
using Paydesk.Storage;

namespace Paydesk.Tests.Payments.Stripe;

/// <summary>Paying, refunding and charging saved cards through Stripe's official client against the Stripe emulator, on both engines.</summary>
public sealed class StripeTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_plan_paid_on_the_Stripe_page_is_activated_and_its_card_kept_for_renewals(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await StripeClinic.OpenAsync(host);
        var order = await shop.OrderAsync(shop.Monthly);
        var (paymentId, page) = await shop.CheckoutAsync(order);
        Assert.StartsWith("/stripe/pay/cs_test_", page.AbsolutePath);
        var session = shop.Emulator.Find(page.Segments[^1])!;
        (session["client_reference_id"]!.ToString(), session["metadata"]![StripeProvider.PaymentKey]!.ToString(), session["amount_total"]!.GetValue<long>())
            .ShouldBe((paymentId, paymentId, 29_00L));

        (await StripeClinic.PressAsync(page, "pay")).ShouldBe(new Uri(host.BaseAddress, $"pay/{paymentId}/success"));
        (await shop.Tenant.OrderWhenAsync(order, "fulfilled")).Str("paidByPaymentId").ShouldBe(paymentId);
        await shop.Emulators.QuietAsync();
        // Every event Stripe sent was taken (2xx), those Paydesk takes no action on too.
        var deliveries = shop.Emulators.Notifier.Done.Where(d => d.Notification.Url.EndsWith(shop.Account, StringComparison.Ordinal)).ToList();
        Assert.Equal(2, deliveries.Count);
        Assert.All(deliveries, d => Assert.True(d.Taken, d.LastAnswer));
        var card = Assert.Single((await shop.Tenant.GetOk($"/api/v1/payment-methods?customerId={shop.Customer}")).Items());
        card.Str("provider").ShouldBe("stripe");
        shop.Emulator.CapturesOf(shop.Stripe.SecretKey).ShouldBe(1);

        // The renewal charges the kept card off-session; its answer lost, asked again with the same key: charged once.
        var method = await host.InTenantAsync(shop.Tenant.TenantId, db => db.SavedMethods.Where(m => m.Id == card.Id()).Select(m => m.ProviderMethodId).SingleAsync());
        var provider = host.Services.GetRequiredService<StripeProvider>();
        var account = await host.InTenantAsync(shop.Tenant.TenantId, db => db.ProviderAccounts.AsNoTracking().FirstAsync(a => a.Id == shop.Account));
        var renewal = await NewPaymentAsync(host, shop.Tenant.TenantId, paymentId, 29_00);
        shop.Emulator.Inject(shop.Stripe.SecretKey, "POST /v1/payment_intents", CallFault.LoseAnswer);
        var charged = await provider.ChargeSavedMethodAsync(account, renewal, method, null, CancellationToken.None);
        charged.Status.ShouldBe(PaymentStatus.Succeeded);
        (await provider.ChargeSavedMethodAsync(account, renewal, method, null, CancellationToken.None)).ProviderPaymentId.ShouldBe(charged.ProviderPaymentId);
        shop.Emulator.CapturesOf(shop.Stripe.SecretKey).ShouldBe(2);
        renewal.ProviderPaymentId = charged.ProviderPaymentId;
        (await provider.GetStateAsync(account, renewal, CancellationToken.None)).Status.ShouldBe(PaymentStatus.Succeeded);

        // A card that now declines: the renewal fails, and says why.
        shop.Emulator.Decline(method.Split('/')[1]);
        var declined = await provider.ChargeSavedMethodAsync(account, await NewPaymentAsync(host, shop.Tenant.TenantId, paymentId, 29_00), method, null, CancellationToken.None);
        declined.Status.ShouldBe(PaymentStatus.Failed);
        Assert.Contains("card_declined", declined.Error);
        shop.Emulator.CapturesOf(shop.Stripe.SecretKey).ShouldBe(2);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_webhook_signed_by_Stripe_net_is_taken_and_one_changed_stale_or_without_a_secret_is_not(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await StripeClinic.OpenAsync(host, webhooks: false);
        var order = await shop.OrderAsync(shop.Session);
        var (paymentId, page) = await shop.CheckoutAsync(order);
        var body = new System.Text.Json.Nodes.JsonObject
        {
            ["id"] = $"evt_test_{engine}_1", ["object"] = "event", ["type"] = "checkout.session.completed", ["created"] = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds(),
            ["data"] = new System.Text.Json.Nodes.JsonObject
            {
                ["object"] = new System.Text.Json.Nodes.JsonObject
                {
                    ["id"] = page.Segments[^1], ["object"] = "checkout.session", ["client_reference_id"] = paymentId,
                    ["metadata"] = new System.Text.Json.Nodes.JsonObject { [StripeProvider.PaymentKey] = paymentId },
                    ["payment_status"] = "paid", ["status"] = "complete", ["amount_total"] = 12000, ["currency"] = "usd",
                },
            },
        }.ToJsonString();
        using var client = new HttpClient();
        Task<HttpResponseMessage> Send(string text, string header)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host.BaseAddress, $"webhooks/stripe/{shop.Account}")) { Content = new StringContent(text, System.Text.Encoding.UTF8, "application/json") };
            request.Headers.TryAddWithoutValidation("Stripe-Signature", header);
            return client.SendAsync(request);
        }
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();
        (await Send(body.Replace("12000", "12001"), global::Stripe.EventUtility.GenerateSignatureHeader(body, shop.Stripe.WebhookSecret, now))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await Send(body, global::Stripe.EventUtility.GenerateSignatureHeader(body, shop.Stripe.WebhookSecret, now - 600))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await Send(body, global::Stripe.EventUtility.GenerateSignatureHeader(body, "whsec_not_this_accounts", now))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}")).Str("status").ShouldBe("pending");
        // An account without a webhook secret (the API never makes one; an old row might be) refuses a header that is otherwise right: it fails closed.
        var account = await host.InTenantAsync(shop.Tenant.TenantId, db => db.ProviderAccounts.AsNoTracking().FirstAsync(a => a.Id == shop.Account));
        var stripe = host.Services.GetRequiredService<StripeProvider>();
        var good = new Dictionary<string, string> { ["Stripe-Signature"] = global::Stripe.EventUtility.GenerateSignatureHeader(body, shop.Stripe.WebhookSecret, now) };
        Assert.NotNull(stripe.CheckNotification(account, good, body, TimeProvider.System.GetUtcNow()).Notification);
        account.WebhookSecretProtected = null;
        var unset = stripe.CheckNotification(account, good, body, TimeProvider.System.GetUtcNow());
        (unset.Notification, unset.Refusal).ShouldBe((null, "the account has no webhook secret; notifications are refused until one is set"));

        (await Send(body, global::Stripe.EventUtility.GenerateSignatureHeader(body, shop.Stripe.WebhookSecret, now))).StatusCode.ShouldBe(HttpStatusCode.OK);
        await shop.Tenant.OrderWhenAsync(order, "fulfilled");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_payment_whose_webhooks_never_came_is_found_paid_by_the_reconciler(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await StripeClinic.OpenAsync(host, webhooks: false);
        var order = await shop.OrderAsync(shop.Session);
        var (paymentId, page) = await shop.CheckoutAsync(order);
        await StripeClinic.PressAsync(page, "pay");
        (await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}")).Str("status").ShouldBe("pending");
        (await shop.Tenant.PostOk($"/api/v1/payments/{paymentId}/reconcile", new { })).Str("status").ShouldBe("succeeded");
        await shop.Tenant.OrderWhenAsync(order, "fulfilled");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Refunds_through_the_API_and_in_the_dashboard_are_each_recorded_once(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await StripeClinic.OpenAsync(host);
        var (order, paymentId, sessionId) = await shop.BuyAsync(shop.Session);
        var intent = shop.IntentOf(sessionId);

        // Eight refunds of $50 at once, of a $120 payment: two fit, and Stripe gives back each of them once.
        var asked = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => shop.Tenant.PostRaw($"/api/v1/payments/{paymentId}/refunds", """{"amount":{"amount":5000,"currency":"USD"}}""")));
        Assert.Equal(2, asked.Count(r => r.IsSuccessStatusCode));
        await Eventually.ReadsAsync(() => shop.Tenant.GetOk($"/api/v1/payments/{paymentId}"), p => p.GetProperty("refunded").GetProperty("amount").GetInt64() == 100_00, "the two refunds");

        // The rest given back in Stripe's dashboard: Stripe's charge.refunded, then its list of refunds, tell Paydesk.
        shop.Emulator.RefundInDashboard(shop.Stripe.SecretKey, intent, null).Status.ShouldBe(200);
        await shop.Tenant.PaymentWhenAsync(paymentId, "refunded");
        await shop.Emulators.QuietAsync();
        await host.SettleAsync();

        var payment = await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}");
        var refunds = payment.GetProperty("refunds").EnumerateArray().Where(r => r.Str("status") == "succeeded").ToList();
        Assert.Equal([(20_00L, "provider"), (50_00L, "merchant"), (50_00L, "merchant")],
            refunds.Select(r => (r.GetProperty("amount").GetProperty("amount").GetInt64(), r.Str("origin"))).Order());
        Assert.Equal(JsonValueKind.Null, payment.GetProperty("reviewReason").ValueKind);
        Assert.Equal(120_00L, shop.Emulator.EventsOf(shop.Stripe.SecretKey).Where(e => e["type"]!.ToString() == "refund.created")
            .Sum(e => e["data"]!["object"]!["amount"]!.GetValue<long>()));
        await Eventually.ReadsAsync(() => shop.Tenant.GetOk($"/api/v1/orders/{order}"), o => o.Str("status") == "refunded", "the order to be refunded");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_refund_made_while_the_list_of_refunds_was_on_its_way_is_no_difference_for_a_person(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await StripeClinic.OpenAsync(host);
        var (_, paymentId, sessionId) = await shop.BuyAsync(shop.Session);
        var intent = shop.IntentOf(sessionId);

        // $20 given back in the dashboard: Paydesk asks for the list of refunds, and the answer is late.
        var late = shop.Emulator.Hold(shop.Stripe.SecretKey, "GET /v1/refunds");
        shop.Emulator.RefundInDashboard(shop.Stripe.SecretKey, intent, 20_00).Status.ShouldBe(200);
        await late.Reached.WaitAsync(TimeSpan.FromSeconds(30));
        // Meanwhile $50 through the API, made and recorded: the list on its way has $20 in all, Paydesk $50.
        (await shop.Tenant.PostOk($"/api/v1/payments/{paymentId}/refunds", new { amount = new { amount = 50_00, currency = "USD" } })).Str("status").ShouldBe("succeeded");
        late.Release();
        await Eventually.ReadsAsync(() => shop.Tenant.GetOk($"/api/v1/payments/{paymentId}"), p => p.GetProperty("refunded").GetProperty("amount").GetInt64() == 70_00, "both refunds");
        await shop.Emulators.QuietAsync();
        await host.SettleAsync();

        var payment = await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}");
        Assert.Equal(70_00L, shop.Emulator.Find(shop.Emulator.Find(intent)!["latest_charge"]!.ToString())!["amount_refunded"]!.GetValue<long>());
        Assert.Equal("partially_refunded", payment.Str("status"));
        // What Stripe had refunded when it was asked is all Paydesk had recorded before asking: nothing to match.
        Assert.Null(payment.GetProperty("reviewReason").GetString());
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_secret_key_and_webhook_secret_are_in_the_clear_nowhere_in_the_database_the_log_an_answer_or_a_page(Engine engine)
    {
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions());
        var shop = await StripeClinic.OpenAsync(host);
        // Every call made with the key, every webhook verified with the secret: a purchase, a refund, a check.
        var (_, paymentId, _) = await shop.BuyAsync(shop.Session);
        await shop.Tenant.PostOk($"/api/v1/payments/{paymentId}/refunds", new { amount = new { amount = 20_00, currency = "USD" } });
        await shop.Tenant.PostOk($"/api/v1/provider-accounts/{shop.Account}/check", new { });
        await shop.Emulators.QuietAsync();
        await host.SettleAsync();

        var stored = await ProviderSecretTests.StoredBytesAsync(host);
        Assert.True(ProviderSecretTests.Holds(stored, paymentId), "the search reads the payments");
        var slug = await host.SlugOfAsync(shop.Tenant.TenantId);
        using var staff = new PageClient(host.BaseAddress);
        await host.NewUserAsync(shop.Tenant.TenantId, "owner@example.com", password: "a long enough password");
        await staff.SignInAsync("owner@example.com", "a long enough password");
        string[] answers =
        [
            .. await Task.WhenAll(new[] { "/api/v1/provider-accounts", $"/api/v1/payments/{paymentId}", "/api/v1/jobs" }.Select(path => shop.Tenant.Http.GetStringAsync(path))),
            await staff.GetStringAsync($"/admin/{slug}/providers"), await staff.GetStringAsync($"/admin/{slug}/payments/{paymentId}"),
        ];
        foreach (var secret in new[] { shop.Stripe.SecretKey, shop.Stripe.WebhookSecret })
        {
            Assert.False(ProviderSecretTests.Holds(stored, secret), $"a Stripe secret is stored in the clear ({engine})");
            Assert.DoesNotContain(host.Logs.Lines, line => line.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(answers, a => a.Contains(secret, StringComparison.Ordinal));
        }
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Checking_the_connection_says_whether_Stripe_takes_the_secret_key(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await StripeClinic.OpenAsync(host);
        var good = await shop.Tenant.PostOk($"/api/v1/provider-accounts/{shop.Account}/check", new { });
        (good.GetProperty("ok").GetBoolean(), good.Str("detail")).ShouldBe((true, "Stripe accepted the secret key."));
        (await shop.Tenant.Http.PatchAsJsonAsync($"/api/v1/provider-accounts/{shop.Account}", new { credentials = new { secretKey = "sk_test_an_old_key" } }))
            .EnsureSuccessStatusCode();
        var bad = await shop.Tenant.PostOk($"/api/v1/provider-accounts/{shop.Account}/check", new { });
        Assert.False(bad.GetProperty("ok").GetBoolean());
        Assert.Contains("refused the account's credentials", bad.Str("detail"));
        Assert.DoesNotContain("sk_test_an_old_key", bad.ToString());
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Events_whose_webhooks_never_came_are_read_from_Stripe_s_events_list_and_applied_once(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        // The endpoint was never set in Stripe's dashboard (or Paydesk was down while Stripe gave up): no webhook arrives.
        var shop = await StripeClinic.OpenAsync(host, webhooks: false);
        var job = Assert.Single(await host.JobsOfAsync(shop.Tenant.TenantId), j => j.Kind == CatchUpEvents.JobKind);
        (job.Payload, job.State).ShouldBe((shop.Account, Paydesk.Jobs.JobState.Queued));
        var order = await shop.OrderAsync(shop.Monthly);
        var (paymentId, page) = await shop.CheckoutAsync(order);
        await StripeClinic.PressAsync(page, "pay");
        Assert.NotEqual("fulfilled", (await shop.Tenant.GetOk($"/api/v1/orders/{order}")).Str("status"));

        // The account's catch-up, due after downtime, reads what was sent: the payment succeeded and the card was kept, with its brand and expiry.
        await CatchUpAsync(host, shop);
        (await shop.Tenant.GetOk($"/api/v1/orders/{order}")).Str("status").ShouldBe("fulfilled");
        var card = Assert.Single((await shop.Tenant.GetOk($"/api/v1/payment-methods?customerId={shop.Customer}")).Items());
        (card.Str("brand"), card.Str("last4"), card.GetProperty("expMonth").GetInt32(), card.GetProperty("expYear").GetInt32()).ShouldBe(("visa", "4242", 12, 2034));
        var inbox = await InboxAsync(host, shop);
        Assert.Equal(["checkout.session.completed", "payment_intent.succeeded"], inbox.Order());

        // Read again: nothing new, nothing applied twice.
        await CatchUpAsync(host, shop);
        Assert.Equal(inbox.Count, (await InboxAsync(host, shop)).Count);
        shop.Emulator.CapturesOf(shop.Stripe.SecretKey).ShouldBe(1);

        // The customer's bank disputes it and the shop refunds it in the dashboard, still unheard: the next read finds both.
        var intent = shop.Emulator.Find(page.Segments[^1])!["payment_intent"]!.ToString();
        shop.Emulator.Dispute(shop.Stripe.SecretKey, intent).Status.ShouldBe(200);
        shop.Emulator.RefundInDashboard(shop.Stripe.SecretKey, intent, null).Status.ShouldBe(200);
        await CatchUpAsync(host, shop);
        var payment = await shop.Tenant.PaymentWhenAsync(paymentId, "refunded");
        Assert.Contains("dispute", payment.Str("reviewReason"));
        Assert.Contains("fraudulent", payment.Str("reviewReason"));
        await Eventually.ReadsAsync(() => shop.Tenant.GetOk($"/api/v1/orders/{order}"), o => o.Str("status") == "refunded", "the order to be refunded");
        Assert.Equal(["charge.dispute.created", "charge.refunded", "checkout.session.completed", "payment_intent.succeeded"], (await InboxAsync(host, shop)).Order());
        // And the job goes on, due again later.
        job = Assert.Single(await host.JobsOfAsync(shop.Tenant.TenantId), j => j.Kind == CatchUpEvents.JobKind);
        Assert.True(job.State == Paydesk.Jobs.JobState.Queued && job.DueAt > TimeProvider.System.GetUtcNow(), $"{job.State} due {job.DueAt}");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_dispute_flags_the_payment_and_a_repeated_or_late_event_never_moves_it_back(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await StripeClinic.OpenAsync(host);
        var (order, paymentId, sessionId) = await shop.BuyAsync(shop.Session);
        var intent = shop.IntentOf(sessionId);

        // Stripe's dispute names its PaymentIntent, not Paydesk's payment: Paydesk asks Stripe whose it is.
        shop.Emulator.Dispute(shop.Stripe.SecretKey, intent).Status.ShouldBe(200);
        await shop.Emulators.QuietAsync();
        var payment = await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}");
        (payment.Str("status"), (await shop.Tenant.GetOk($"/api/v1/orders/{order}")).Str("status")).ShouldBe(("succeeded", "fulfilled"));
        Assert.Contains("dispute", payment.Str("reviewReason"));

        // Each event sent again (Stripe retries whatever it did not see answered), and an expiry of the session sent after its success.
        using var client = new HttpClient();
        async Task<string> Send(JsonObject e)
        {
            var body = e.ToJsonString();
            var header = global::Stripe.EventUtility.GenerateSignatureHeader(body, shop.Stripe.WebhookSecret, TimeProvider.System.GetUtcNow().ToUnixTimeSeconds());
            var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host.BaseAddress, $"webhooks/stripe/{shop.Account}")) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
            request.Headers.TryAddWithoutValidation("Stripe-Signature", header);
            var answer = await client.SendAsync(request);
            Assert.True(answer.IsSuccessStatusCode, $"{(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
            return (await answer.Content.ReadFromJsonAsync<JsonElement>()).Str("outcome");
        }
        var sent = shop.Emulator.EventsOf(shop.Stripe.SecretKey);
        Assert.All(await Task.WhenAll(sent.Select(Send)), outcome => outcome.ShouldBe("duplicate"));
        var expired = sent.Single(e => e["type"]!.ToString() == "checkout.session.completed").DeepClone().AsObject();
        (expired["id"], expired["type"]) = ("evt_late_expiry_" + paymentId, "checkout.session.expired");
        expired["data"]!["object"]!["status"] = "expired";
        Assert.NotEqual("applied", await Send(expired));
        (await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}")).Str("status").ShouldBe("succeeded");
        (await shop.Tenant.GetOk($"/api/v1/orders/{order}")).Str("status").ShouldBe("fulfilled");
        shop.Emulator.CapturesOf(shop.Stripe.SecretKey).ShouldBe(1);
    }

    /// <summary>Stripe's catch-up job, made due now and run, as after downtime.</summary>
    internal static async Task CatchUpAsync(PaydeskHost host, StripeClinic shop)
    {
        var key = Paydesk.Jobs.JobQueue.KeyOf(CatchUpEvents.JobKind, shop.Account);
        await host.InTenantAsync(shop.Tenant.TenantId, async db =>
        {
            var job = await db.Jobs.SingleAsync(j => j.Key == key);
            job.DueAt = TimeProvider.System.GetUtcNow();
            return await db.SaveChangesAsync();
        });
        await host.RunDueJobsAsync();
        Assert.Null((await host.InTenantAsync(shop.Tenant.TenantId, db => db.Jobs.SingleAsync(j => j.Key == key))).LastError);
    }

    /// <summary>The event types in the account's inbox, one row per event Paydesk took.</summary>
    private static async Task<List<string>> InboxAsync(PaydeskHost host, StripeClinic shop)
    {
        var bodies = await host.InTenantAsync(shop.Tenant.TenantId, db =>
            db.WebhookEvents.AsNoTracking().Where(e => e.AccountId == shop.Account).Select(e => e.RawBody).ToListAsync());
        return [.. bodies.Select(raw => JsonNode.Parse(raw)!["type"]!.ToString())];
    }

    /// <summary>A payment as a renewal would make it: not yet known to Stripe.</summary>
    private static async Task<Payment> NewPaymentAsync(PaydeskHost host, string tenantId, string like, long amount) =>
        await host.InTenantAsync(tenantId, async db =>
        {
            var model = await db.Payments.AsNoTracking().FirstAsync(p => p.Id == like);
            var id = host.Services.GetRequiredService<IdGenerator>().New("pay");
            return new Payment
            {
                TenantId = model.TenantId, Id = id, Purpose = model.Purpose, CustomerId = model.CustomerId, AmountMinor = amount, Currency = model.Currency,
                Status = PaymentStatus.Created, Provider = "stripe", ProviderAccountId = model.ProviderAccountId, IdempotencyKey = id,
                CreatedAt = model.CreatedAt, UpdatedAt = model.CreatedAt,
            };
        });
}
