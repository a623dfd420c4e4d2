using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Paydesk.Tests.Subscriptions;

/// <summary>The customer's portal on their account page: their subscriptions, cancel and keep, pause and resume, and a plan change priced before it is confirmed.</summary>
public sealed class PortalTests
{
    private static readonly DateTimeOffset Start = new(2028, 4, 1, 9, 0, 0, TimeSpan.Zero);

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_customer_manages_their_subscription_from_their_account_page(Engine engine)
    {
        string pro = "";
        var (host, clock, shop, id) = await RenewalTests.SubscribedAsync(engine, Start, "pays", async shop =>
        {
            pro = (await shop.Tenant.PostOk("/api/v1/plans", new
            {
                name = "Monthly Pro", price = new { amount = 500_00, currency = "RON" }, interval = new { unit = "month", count = 1 },
                grants = new[] { new { type = "access", feature = "telerehab" } },
            })).Id();
            return shop.Monthly;
        });
        await using var _ = host;
        var slug = await host.SlugOfAsync(shop.Tenant.TenantId);
        var account = $"/t/{slug}/account";
        using var customer = await SignedInAsync(host, shop, slug);

        var page = await customer.GetStringAsync(account);
        Assert.Contains("Monthly", page);
        Assert.Contains("Renews on", page);
        Assert.Contains("Visa •••• 4242", page);

        // Cancel at the period's end, then keep it after all.
        var said = await customer.PostAsync(account, $"{account}/subscriptions/{id}/cancel", new());
        said.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        page = await customer.GetStringAsync(said.Headers.Location!.ToString());
        Assert.Contains("Ends on", page);
        Assert.Contains("Done.", page);
        Assert.NotEqual(JsonValueKind.Null, (await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}")).GetProperty("cancelsAt").ValueKind);
        await customer.PostAsync(account, $"{account}/subscriptions/{id}/undo-cancel", new());
        Assert.Contains("Renews on", await customer.GetStringAsync(account));
        // A message only Paydesk sealed is shown: a link cannot make the page say anything.
        Assert.DoesNotContain("Call this number", await customer.GetStringAsync($"{account}?said=Call%20this%20number"));

        // Pause and resume.
        await customer.PostAsync(account, $"{account}/subscriptions/{id}/pause", new());
        (await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}")).Str("status").ShouldBe("paused");
        Assert.Contains("Resume", await customer.GetStringAsync(account));
        await customer.PostAsync(account, $"{account}/subscriptions/{id}/resume", new());
        (await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}")).Str("status").ShouldBe("active");

        // Day 10 of 30: up to Pro, priced first — 133.33 of Monthly's 200.00 unused, 333.33 for Pro's 500.00 over 20 of 30 days,
        // 200.00 due — then confirmed.
        // (Ten days on, the sign-in has lapsed: the link from a new email.)
        clock.SetUtcNow(Start.AddDays(10));
        (await customer.Http.GetAsync(account)).Headers.Location!.ToString().ShouldBe($"/t/{slug}/sign-in?back={Uri.EscapeDataString(account)}");
        using var later = await SignedInAsync(host, shop, slug);
        var change = $"{account}/subscriptions/{id}/change?plan={pro}";
        var priced = await later.GetStringAsync(change);
        Assert.Contains("To pay now", priced);
        Assert.All(new[] { "133.33", "333.33", "200.00" }, amount => Assert.Contains(amount, priced));
        Assert.Equal((await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}")).Str("planId"), shop.Monthly);
        var confirmed = await later.PostAsync(change, $"{account}/subscriptions/{id}/change", new() { ["plan"] = pro });
        Assert.Contains("Done.", await later.GetStringAsync(confirmed.Headers.Location!.ToString()));
        await host.SettleAsync();
        (await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}")).Str("planId").ShouldBe(pro);
        Assert.Equal([(200_00L, 1)], await host.InTenantAsync(shop.Tenant.TenantId, async db =>
        {
            var upgrade = await db.Payments.Where(p => p.Purpose.StartsWith("plan-change:")).Select(p => p.Id).SingleAsync();
            return (await db.MockCharges.Where(c => c.PaymentId == upgrade).ToListAsync()).Select(c => (c.AmountMinor, c.Captures)).ToList();
        }));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_customer_whose_card_is_declined_gives_another_on_the_providers_page_and_the_renewals_charge_it(Engine engine)
    {
        var (host, clock, shop, id) = await RenewalTests.SubscribedAsync(engine, Start, "declines");
        await using var _ = host;
        var slug = await host.SlugOfAsync(shop.Tenant.TenantId);
        var account = $"/t/{slug}/account";

        // The renewal is declined: past due. The customer follows the link of the email that says so.
        clock.Advance(TimeSpan.FromDays(31));
        await host.SettleAsync();
        (await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}")).Str("status").ShouldBe("past_due");
        using var customer = await SignedInAsync(host, shop, slug);

        // "Use another card" opens the provider's page, which keeps a card and charges nothing, and sends the customer back.
        Assert.Contains($"subscriptions/{id}/card", await customer.GetStringAsync(account));
        var opened = await customer.PostAsync(account, $"{account}/subscriptions/{id}/card", new());
        opened.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var paymentId = opened.Headers.Location!.Segments[^1];
        var payment = await host.InTenantAsync(shop.Tenant.TenantId, db => db.Payments.SingleAsync(p => p.Id == paymentId));
        (payment.Purpose, payment.AmountMinor, payment.SuccessUrl).ShouldBe(($"card:{id}", 0L, $"{host.BaseAddress}t/{slug}/account#subscriptions"));
        using (var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.BaseAddress })
        {
            var page = await browser.GetStringAsync(opened.Headers.Location);
            (page.Contains("Keep the card", StringComparison.Ordinal), page.Contains("The card to keep for renewals", StringComparison.Ordinal)).ShouldBe((true, true));
            var kept = await browser.PostAsync($"/mock-pay/{paymentId}/succeed", new FormUrlEncodedContent(new Dictionary<string, string> { ["card"] = "pays" }));
            kept.Headers.Location!.ToString().ShouldBe(payment.SuccessUrl);
        }
        await Eventually.ReadsAsync(() => shop.Tenant.GetOk($"/api/v1/payment-methods?customerId={shop.Customer}"), m => m.Items().Count() == 2, "the new card to be kept");
        Assert.Equal(0, await host.InTenantAsync(shop.Tenant.TenantId, db => db.MockCharges.Where(c => c.PaymentId == paymentId).SumAsync(c => c.Captures)));

        // The next try charges the new card, once, and the subscription is active again.
        clock.Advance(TimeSpan.FromDays(1));
        await host.SettleAsync();
        var subscription = await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}");
        (subscription.Str("status"), subscription.GetProperty("periods")[1].Str("status")).ShouldBe(("active", "paid"));
        var paidBy = subscription.GetProperty("periods")[1].Str("paymentId");
        Assert.Equal(1, await host.InTenantAsync(shop.Tenant.TenantId, db => db.MockCharges.Where(c => c.PaymentId == paidBy).SumAsync(c => c.Captures)));

        // Through the API too; but not for a subscription that is canceled, nor another customer's.
        var started = await shop.Tenant.PostOk($"/api/v1/subscriptions/{id}/update-card", new { });
        (started.Str("status"), started.GetProperty("amount").GetProperty("amount").GetInt64()).ShouldBe(("pending", 0L));
        await shop.Tenant.PostOk($"/api/v1/subscriptions/{id}/cancel", new { at = "now" });
        (await shop.Tenant.Http.PostAsJsonAsync($"/api/v1/subscriptions/{id}/update-card", new { })).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var other = await shop.Tenant.CreateCustomerAsync("Ion Rusu", "ion@example.com");
        using var stranger = host.Client((await shop.Tenant.PostOk($"/api/v1/customers/{other}/sessions", new { })).Str("token"));
        (await stranger.PostAsJsonAsync($"/api/v1/subscriptions/{id}/update-card", new { })).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_customer_cannot_touch_another_customers_subscription_from_the_portal(Engine engine)
    {
        var (host, _, shop, id) = await RenewalTests.SubscribedAsync(engine, Start, "pays");
        await using var __ = host;
        var slug = await host.SlugOfAsync(shop.Tenant.TenantId);
        var other = await shop.Tenant.CreateCustomerAsync("Ion Rusu", "ion@example.com");
        var token = host.Services.GetRequiredService<Paydesk.Web.SignIn.SignInTokens>().ForCustomer(shop.Tenant.TenantId, other);
        using var stranger = new PageClient(host.BaseAddress);
        var link = $"/t/{slug}/sign-in/link?token={Uri.EscapeDataString(token)}";
        (await stranger.PostAsync(link, $"/t/{slug}/sign-in/link", new() { ["token"] = token })).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var account = $"/t/{slug}/account";
        Assert.DoesNotContain("Renews on", await stranger.GetStringAsync(account));
        // Every command, and the page that prices a change, answers as for a subscription that does not exist.
        foreach (var command in new[] { "cancel", "undo-cancel", "pause", "resume", "card", "change" })
            (await stranger.PostAsync(account, $"{account}/subscriptions/{id}/{command}", new() { ["plan"] = shop.Monthly })).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await stranger.Http.GetAsync($"{account}/subscriptions/{id}/change?plan={shop.Monthly}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}")).Str("status").ShouldBe("active");
    }

    internal static async Task<PageClient> SignedInAsync(PaydeskHost host, Shop shop, string slug)
    {
        var token = host.Services.GetRequiredService<Paydesk.Web.SignIn.SignInTokens>().ForCustomer(shop.Tenant.TenantId, shop.Customer);
        var customer = new PageClient(host.BaseAddress);
        var link = $"/t/{slug}/sign-in/link?token={Uri.EscapeDataString(token)}";
        (await customer.PostAsync(link, $"/t/{slug}/sign-in/link", new() { ["token"] = token })).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return customer;
    }
}
