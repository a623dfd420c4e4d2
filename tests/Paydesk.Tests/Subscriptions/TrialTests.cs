using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Paydesk.Tests.Subscriptions;

/// <summary>
/// A plan sold with a free trial: the checkout only keeps the card, the subscription is trialing
/// over the trial's days, and the first charge comes at its end — once per customer and plan.
/// </summary>
public sealed class TrialTests
{
    private static readonly DateTimeZone Bucharest = DateTimeZoneProviders.Tzdb["Europe/Bucharest"];

    /// <summary>A monthly plan at 200 RON with a 14-day trial.</summary>
    private static async Task<string> TrialPlanAsync(Shop shop) => (await shop.Tenant.PostOk("/api/v1/plans", new
    {
        name = "Monthly with a trial", price = new { amount = 200_00, currency = "RON" }, interval = new { unit = "month", count = 1 }, trialDays = 14,
        grants = new[] { new { type = "access", feature = "telerehab" } },
    })).Id();

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_trial_keeps_the_card_without_charging_grants_its_days_and_the_first_charge_comes_at_its_end(Engine engine)
    {
        // Mar 20 2028, 12:00 in Bucharest: the trial runs across the change to summer time (Mar 26).
        var start = new DateTimeOffset(2028, 3, 20, 10, 0, 0, TimeSpan.Zero);
        string planId = "";
        var (host, clock, shop, id) = await RenewalTests.SubscribedAsync(engine, start, "pays", async s => planId = await TrialPlanAsync(s));
        await using var _ = host;
        async Task<int> CapturesAsync() => await host.InTenantAsync(shop.Tenant.TenantId, db => db.MockCharges.SumAsync(c => c.Captures));

        var subscription = await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}");
        var trialEnds = Bucharest.AtStrictly(new LocalDateTime(2028, 4, 3, 12, 0)).ToInstant().ToDateTimeOffset();
        (subscription.Str("status"), subscription.GetProperty("price").GetProperty("amount").GetInt64()).ShouldBe(("trialing", 200_00L));
        subscription.GetProperty("trialEndsAt").GetDateTimeOffset().ShouldBe(trialEnds);
        subscription.GetProperty("nextChargeAt").GetDateTimeOffset().ShouldBe(trialEnds);
        subscription.GetProperty("lastPaidAt").ValueKind.ShouldBe(JsonValueKind.Null);
        var trial = Assert.Single(subscription.GetProperty("periods").EnumerateArray());
        (trial.Str("status"), trial.GetProperty("trial").GetBoolean(), trial.GetProperty("paymentId").ValueKind).ShouldBe(("paid", true, JsonValueKind.Null));
        trial.GetProperty("endsAt").GetDateTimeOffset().ShouldBe(trialEnds);

        // The order cost nothing now: its one payment kept the card and moved no money.
        var order = await shop.Tenant.GetOk($"/api/v1/orders/{subscription.Str("orderId")}");
        order.GetProperty("total").GetProperty("amount").GetInt64().ShouldBe(0);
        var line = order.GetProperty("lines")[0];
        (line.GetProperty("amount").GetProperty("amount").GetInt64(), line.Str("description")).ShouldBe((0L, "Monthly with a trial — free trial, 14 days"));
        (await CapturesAsync()).ShouldBe(0);
        // The page the provider sends the customer back to says the card was saved, not that a payment was received.
        using (var browser = new HttpClient { BaseAddress = host.BaseAddress })
        {
            var back = await browser.GetStringAsync($"/pay/{order.Str("paidByPaymentId")}/success");
            (back.Contains("Card saved", StringComparison.Ordinal), back.Contains("Payment received", StringComparison.Ordinal)).ShouldBe((true, false));
        }
        var access = Assert.Single((await shop.Tenant.GetOk($"/api/v1/entitlements?orderId={order.Id()}")).Items());
        access.GetProperty("endsAt").GetDateTimeOffset().ShouldBe(trialEnds);
        (await shop.Tenant.GetOk($"/api/v1/customers/{shop.Customer}/access/telerehab")).GetProperty("allowed").GetBoolean().ShouldBe(true);

        // Three days before its end the customer is told the trial ends and what is charged then.
        clock.SetUtcNow(trialEnds - TimeSpan.FromDays(3));
        await host.SettleAsync();
        var reminder = Assert.Single(await host.InTenantAsync(shop.Tenant.TenantId, db => db.OutboxMessages.AsNoTracking()
            .Where(m => m.EventKey == $"renewal-reminder:{trial.Id()}").ToListAsync()));
        Assert.Contains("Your free trial of Monthly with a trial", reminder.TextBody);
        Assert.Contains("200.00", reminder.TextBody);

        // A minute before its end, nothing is charged; at its end, the full price, once.
        clock.SetUtcNow(trialEnds - TimeSpan.FromMinutes(1));
        await host.SettleAsync();
        (await CapturesAsync()).ShouldBe(0);
        clock.SetUtcNow(trialEnds);
        await host.SettleAsync();
        subscription = await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}");
        subscription.Str("status").ShouldBe("active");
        var first = subscription.GetProperty("periods")[1];
        (first.GetProperty("number").GetInt32(), first.Str("status"), first.GetProperty("trial").GetBoolean()).ShouldBe((1, "paid", false));
        (first.GetProperty("startsAt").GetDateTimeOffset(), first.GetProperty("endsAt").GetDateTimeOffset())
            .ShouldBe((trialEnds, Bucharest.AtStrictly(new LocalDateTime(2028, 5, 3, 12, 0)).ToInstant().ToDateTimeOffset()));
        var charged = await host.InTenantAsync(shop.Tenant.TenantId, db => db.Payments.SingleAsync(p => p.Id == first.Str("paymentId")));
        (charged.AmountMinor, charged.Status).ShouldBe((200_00L, Paydesk.Core.PaymentStatus.Succeeded));
        (await CapturesAsync()).ShouldBe(1);
        subscription.GetProperty("lastPaidAt").ValueKind.ShouldBe(JsonValueKind.String);

        // One trial per customer and plan: the same customer buying the plan again pays for its first month now.
        var again = await shop.Tenant.PostOk("/api/v1/orders", new { customerId = shop.Customer, lines = new[] { new { planId } } });
        (again.GetProperty("total").GetProperty("amount").GetInt64(), again.GetProperty("lines")[0].Str("description")).ShouldBe((200_00L, "Monthly with a trial"));
        // Another customer still gets one.
        var other = await shop.Tenant.CreateCustomerAsync();
        (await shop.Tenant.PostOk("/api/v1/orders", new { customerId = other, lines = new[] { new { planId } } })).GetProperty("total").GetProperty("amount").GetInt64().ShouldBe(0);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_trial_canceled_before_its_end_is_never_charged_and_its_access_ends_with_it(Engine engine)
    {
        var (host, clock, shop, id) = await RenewalTests.SubscribedAsync(engine, new DateTimeOffset(2028, 6, 1, 9, 0, 0, TimeSpan.Zero), "pays", TrialPlanAsync);
        await using var _ = host;
        clock.Advance(TimeSpan.FromDays(3));
        // The customer's account page says when the trial ends and what comes then, and offers to cancel (not to pause or change plan).
        var slug = await host.SlugOfAsync(shop.Tenant.TenantId);
        var account = $"/t/{slug}/account";
        using var customer = await PortalTests.SignedInAsync(host, shop, slug);
        var page = await customer.GetStringAsync(account);
        (page.Contains("trial", StringComparison.Ordinal), page.Contains("Free until Thursday, June 15, 2028, then 200.00 RON", StringComparison.Ordinal)).ShouldBe((true, true));
        (page.Contains($"subscriptions/{id}/cancel", StringComparison.Ordinal), page.Contains($"subscriptions/{id}/pause", StringComparison.Ordinal)).ShouldBe((true, false));
        (await customer.PostAsync(account, $"{account}/subscriptions/{id}/cancel", new())).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var canceled = await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}");
        var trialEnds = canceled.GetProperty("trialEndsAt").GetDateTimeOffset();
        (canceled.Str("status"), canceled.GetProperty("cancelsAt").GetDateTimeOffset()).ShouldBe(("trialing", trialEnds));

        clock.SetUtcNow(trialEnds + TimeSpan.FromDays(40));
        await host.SettleAsync();
        var subscription = await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}");
        (subscription.Str("status"), subscription.GetProperty("periods").GetArrayLength()).ShouldBe(("canceled", 1));
        Assert.Equal(0, await host.InTenantAsync(shop.Tenant.TenantId, db => db.MockCharges.SumAsync(c => c.Captures)));
        Assert.Empty(await host.InTenantAsync(shop.Tenant.TenantId, db => db.Payments.Where(p => p.Purpose.StartsWith("renewal:")).ToListAsync()));
        (await shop.Tenant.GetOk($"/api/v1/customers/{shop.Customer}/access/telerehab")).GetProperty("allowed").GetBoolean().ShouldBe(false);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_card_declined_at_the_trials_end_makes_the_subscription_past_due_and_a_pause_or_plan_change_is_refused_while_trialing(Engine engine)
    {
        var (host, clock, shop, id) = await RenewalTests.SubscribedAsync(engine, new DateTimeOffset(2028, 6, 1, 9, 0, 0, TimeSpan.Zero), "declines", TrialPlanAsync);
        await using var _ = host;
        var paused = await shop.Tenant.Http.PostAsJsonAsync($"/api/v1/subscriptions/{id}/pause", new { });
        paused.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        Assert.Contains("trialing", await paused.Content.ReadAsStringAsync());
        var changed = await shop.Tenant.Http.PostAsJsonAsync($"/api/v1/subscriptions/{id}/change-plan", new { planId = shop.Monthly });
        changed.StatusCode.ShouldBe(HttpStatusCode.Conflict);

        clock.Advance(TimeSpan.FromDays(14));
        await host.SettleAsync();
        var subscription = await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}");
        (subscription.Str("status"), subscription.GetProperty("periods")[1].Str("status")).ShouldBe(("past_due", "open"));
        Assert.Equal(0, await host.InTenantAsync(shop.Tenant.TenantId, db => db.MockCharges.SumAsync(c => c.Captures)));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Trial_orders_of_one_customer_paid_at_once_give_one_trial_and_the_others_start_incomplete_and_are_charged_at_once(Engine engine)
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2028, 6, 1, 9, 0, 0, TimeSpan.Zero));
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions { Clock = clock });
        var shop = await Shop.OpenAsync(host);
        var planId = await TrialPlanAsync(shop);
        // All placed before any is paid: each is priced with the trial.
        const int Orders = 6;
        var orders = new List<string>();
        for (var i = 0; i < Orders; i++)
        {
            var placed = await shop.Tenant.PostOk("/api/v1/orders", new { customerId = shop.Customer, lines = new[] { new { planId } } });
            placed.GetProperty("total").GetProperty("amount").GetInt64().ShouldBe(0);
            orders.Add(placed.Id());
        }
        var payments = new List<string>();
        foreach (var order in orders) payments.Add((await shop.Tenant.CheckoutAsync(order)).PaymentId);
        using (var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.BaseAddress })
            await Task.WhenAll(payments.Select(p => browser.PostAsync($"/mock-pay/{p}/succeed", new FormUrlEncodedContent(new Dictionary<string, string> { ["card"] = "pays" }))));
        // Their fulfilments at once, as several workers (or processes) would run them.
        await Task.WhenAll(orders.Select(order => Task.Run(async () =>
        {
            await using var scope = host.Services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<Paydesk.Tenancy.TenantContext>().Set(shop.Tenant.TenantId, Paydesk.Tenancy.Role.TenantAdmin);
            await scope.ServiceProvider.GetRequiredService<Paydesk.Orders.FulfilOrder>().RunAsync(order, null, CancellationToken.None);
        })));
        foreach (var order in orders) await shop.Tenant.OrderWhenAsync(order, "fulfilled");
        await host.SettleAsync();

        var subscriptions = new List<JsonElement>();
        foreach (var listed in (await shop.Tenant.GetOk($"/api/v1/subscriptions?customerId={shop.Customer}")).Items())
            subscriptions.Add(await shop.Tenant.GetOk($"/api/v1/subscriptions/{listed.Id()}"));
        var trialing = Assert.Single(subscriptions, s => s.Str("status") == "trialing");
        Assert.Single(trialing.GetProperty("periods").EnumerateArray());
        // The others owed their first month from the start: each charged at once, once, and active from then.
        var paid = subscriptions.Where(s => s.Str("status") == "active").ToList();
        Assert.Equal(Orders - 1, paid.Count);
        foreach (var subscription in paid)
        {
            var period = Assert.Single(subscription.GetProperty("periods").EnumerateArray());
            (period.Str("status"), period.GetProperty("trial").GetBoolean(), period.GetProperty("startsAt").GetDateTimeOffset()).ShouldBe(("paid", false, clock.GetUtcNow()));
            Assert.Equal(1, await host.InTenantAsync(shop.Tenant.TenantId, db => db.MockCharges.Where(c => c.PaymentId == period.Str("paymentId")).SumAsync(c => c.Captures)));
            // Its order granted nothing for a trial it did not get; the period it paid for did.
            Assert.Empty((await shop.Tenant.GetOk($"/api/v1/entitlements?orderId={subscription.Str("orderId")}")).Items());
            Assert.Single((await shop.Tenant.GetOk($"/api/v1/entitlements?sourceKind=period&sourceId={period.Id()}")).Items());
        }
        Assert.Equal(Orders - 1, await host.InTenantAsync(shop.Tenant.TenantId, db => db.MockCharges.SumAsync(c => c.Captures)));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_trial_is_refused_by_a_provider_that_cannot_keep_a_card_without_a_charge_naming_the_field(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await Shop.OpenAsync(host);
        var planId = (await shop.Tenant.PostOk("/api/v1/plans", new
        {
            name = "Roubles with a trial", price = new { amount = 990_00, currency = "RUB" }, interval = new { unit = "month", count = 1 }, trialDays = 7,
            grants = new[] { new { type = "access", feature = "telerehab" } },
        })).Id();
        var order = (await shop.Tenant.PostOk("/api/v1/orders", new { customerId = shop.Customer, lines = new[] { new { planId } } })).Id();
        foreach (var provider in new[] { "tbank", "robokassa" })
        {
            var refused = await shop.Tenant.Http.PostAsJsonAsync($"/api/v1/orders/{order}/checkout", new { provider });
            refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            var problem = await refused.Content.ReadAsStringAsync();
            Assert.Contains("\"provider\"", problem);
            Assert.Contains("cannot keep a card without charging it", problem);
        }
        // With none named, the checkout goes where a card can be kept.
        var paymentId = (await shop.Tenant.PostOk($"/api/v1/orders/{order}/checkout", new { })).Str("paymentId");
        using var browser = new HttpClient { BaseAddress = host.BaseAddress };
        Assert.Contains("Keep the card", await browser.GetStringAsync($"/mock-pay/{paymentId}"));
    }
}
