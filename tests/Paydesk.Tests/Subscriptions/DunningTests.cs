using Microsoft.EntityFrameworkCore;
using Paydesk.Notifications.Outbox;

namespace Paydesk.Tests.Subscriptions;

/// <summary>
/// A renewal that cannot be charged, on a fake clock: the plan's retries, access while past due, the emails that tell the
/// customer, and the ways back to active — a retry that works, or the period paid by hand from the failure email.
/// </summary>
public sealed class DunningTests
{
    private static readonly DateTimeOffset Start = new(2028, 3, 10, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A monthly plan that keeps access while past due and tries a failed renewal again after 1 and 2 days, then <paramref name="after"/>.</summary>
    private static Func<Shop, Task<string>> Plan(string after, string pastDue = "keep_access", int? trialDays = null) => async shop =>
        (await shop.Tenant.PostOk("/api/v1/plans", new
        {
            name = "Telerehab monthly", price = new { amount = 150_00, currency = "RON" }, interval = new { unit = "month", count = 1 }, trialDays,
            grants = new object[] { new { type = "access", feature = "telerehab" }, new { type = "tokens", tokens = 100, every = "period" } },
            renewal = new { retryDays = new[] { 1, 2 }, pastDue, afterRetries = after },
        })).Id();

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_failing_card_is_reminded_of_retried_with_access_kept_then_canceled_and_each_step_is_emailed(Engine engine)
    {
        var (host, clock, shop, id) = await RenewalTests.SubscribedAsync(engine, Start, "declines", Plan("cancel"));
        await using var _ = host;
        var first = (await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}")).GetProperty("periods")[0];
        var renewsAt = first.GetProperty("endsAt").GetDateTimeOffset();

        // Three days before the renewal, and not a minute earlier, the customer is told of it.
        clock.SetUtcNow(renewsAt - TimeSpan.FromDays(3) - TimeSpan.FromMinutes(1));
        await host.SettleAsync();
        Assert.Empty(await MailsAsync(host, shop));
        clock.Advance(TimeSpan.FromMinutes(1));
        await host.SettleAsync();
        var reminder = Assert.Single(await MailsAsync(host, shop));
        (reminder.EventKey, reminder.Recipient, reminder.Status).ShouldBe(($"renewal-reminder:{first.Id()}", "maria@example.com", OutboxStatus.Sent));
        Assert.Contains("150", reminder.TextBody);

        // The charge fails: past due, the period open, its access kept (and nothing else: no tokens for an unpaid period).
        clock.SetUtcNow(renewsAt);
        await host.SettleAsync();
        var subscription = await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}");
        var open = subscription.GetProperty("periods")[1];
        (subscription.Str("status"), open.Str("status")).ShouldBe(("past_due", "open"));
        (await AllowedAsync(shop)).ShouldBe(true);
        var kept = Assert.Single((await shop.Tenant.GetOk($"/api/v1/entitlements?sourceKind=grace&sourceId={open.Id()}")).Items());
        (kept.Str("type"), kept.GetProperty("endsAt").GetDateTimeOffset()).ShouldBe(("access", open.GetProperty("endsAt").GetDateTimeOffset()));
        var failed = Assert.Single(await MailsAsync(host, shop), m => m.EventKey.StartsWith("renewal-failed:"));
        Assert.Contains("/subscriptions/periods/" + open.Id() + "/pay?t=", failed.TextBody);

        // A day on, the second try fails too, and is told; two days later the last one: canceled, access ended, told once.
        clock.Advance(TimeSpan.FromDays(1));
        await host.SettleAsync();
        (await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}")).Str("status").ShouldBe("past_due");
        Assert.Equal(2, (await MailsAsync(host, shop)).Count(m => m.EventKey.StartsWith("renewal-failed:")));
        clock.Advance(TimeSpan.FromDays(2));
        await host.SettleAsync();
        (await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}")).Str("status").ShouldBe("canceled");
        (await AllowedAsync(shop)).ShouldBe(false);
        var mails = await MailsAsync(host, shop);
        Assert.Equal(["renewal-failed", "renewal-failed", "renewal-reminder", "subscription-canceled"], mails.Select(m => m.EventKey.Split(':')[0]).Order());
        Assert.All(mails, m => m.Status.ShouldBe(OutboxStatus.Sent));
        Assert.Equal(3, await host.InTenantAsync(shop.Tenant.TenantId, db => db.Payments.CountAsync(p => p.Purpose == "renewal:" + open.Id())));

        // The failure email's link now says there is nothing to pay, and paying is refused.
        using var browser = new HttpClient { BaseAddress = host.BaseAddress };
        var link = LinkIn(failed.TextBody);
        Assert.Contains("canceled", await browser.GetStringAsync(link), StringComparison.OrdinalIgnoreCase);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_period_left_unpaid_is_paid_by_hand_from_the_failure_email_and_the_new_card_pays_the_next_renewal(Engine engine)
    {
        var (host, clock, shop, id, renewsAt) = await RenewalFailedAsync(engine, Plan("leave_unpaid", pastDue: "suspend_access"));
        await using var _ = host;
        (await AllowedAsync(shop)).ShouldBe(false);
        foreach (var days in new[] { 1, 2 })
        {
            clock.Advance(TimeSpan.FromDays(days));
            await host.SettleAsync();
        }
        // Every try spent, and the plan leaves it unpaid: past due, no more charges, the last failure told with its link.
        var subscription = await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}");
        var open = subscription.GetProperty("periods")[1];
        (subscription.Str("status"), open.Str("status")).ShouldBe(("past_due", "open"));
        subscription.GetProperty("missedPeriods").GetInt32().ShouldBe(0);
        clock.SetUtcNow(open.GetProperty("endsAt").GetDateTimeOffset());
        (await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}")).GetProperty("missedPeriods").GetInt32().ShouldBe(1);
        var failures = (await MailsAsync(host, shop)).Where(m => m.EventKey.StartsWith("renewal-failed:")).ToList();
        Assert.Equal(3, failures.Count);
        Assert.Single(failures, m => m.TextBody.Contains("last try"));

        // The customer follows the link: the page shows the period and a button; the button opens a checkout, paid with a good card.
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.BaseAddress };
        var link = LinkIn(failures[^1].TextBody);
        var page = await browser.GetStringAsync(link);
        Assert.Contains("Pay 150", page);
        var token = Uri.UnescapeDataString(link.Split("?t=")[1]);
        var pressed = await browser.PostAsync(link.Split('?')[0], new FormUrlEncodedContent(new Dictionary<string, string> { ["t"] = token }));
        pressed.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var mockPage = pressed.Headers.Location!.ToString();
        Assert.Contains("/mock-pay/", mockPage);
        // Pressed again before paying: back to the same checkout, not a second one.
        (await browser.PostAsync(link.Split('?')[0], new FormUrlEncodedContent(new Dictionary<string, string> { ["t"] = token }))).Headers.Location!.ToString().ShouldBe(mockPage);
        var paymentId = mockPage.TrimEnd('/').Split('/')[^1];
        (await browser.PostAsync($"/mock-pay/{paymentId}/succeed", new FormUrlEncodedContent(new Dictionary<string, string> { ["card"] = "pays" }))).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        await host.SettleAsync();

        subscription = await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}");
        open = subscription.GetProperty("periods")[1];
        (subscription.Str("status"), open.Str("status"), open.Str("paymentId")).ShouldBe(("active", "paid", paymentId));
        (await AllowedAsync(shop)).ShouldBe(true);
        Assert.Single((await shop.Tenant.GetOk($"/api/v1/invoices?sourceKind=period&sourceId={open.Id()}")).Items());
        Assert.Contains("paid", await browser.GetStringAsync(link));

        // The next renewal charges the card paid with by hand, and it pays.
        clock.SetUtcNow(open.GetProperty("endsAt").GetDateTimeOffset());
        await host.SettleAsync();
        subscription = await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}");
        (subscription.Str("status"), subscription.GetProperty("periods")[2].Str("status")).ShouldBe(("active", "paid"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_retry_after_the_customer_keeps_a_card_that_pays_restores_active(Engine engine)
    {
        var (host, clock, shop, id, renewsAt) = await RenewalFailedAsync(engine, Plan("cancel"));
        await using var _ = host;
        (await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}")).Str("status").ShouldBe("past_due");

        // Meanwhile the customer buys another plan and keeps a card that pays: the newest card is what the retry charges.
        await RenewalTests.BuyAsync(host, shop, shop.Monthly, "pays");
        clock.Advance(TimeSpan.FromDays(1));
        await host.SettleAsync();
        var subscription = await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}");
        var period = subscription.GetProperty("periods")[1];
        (subscription.Str("status"), period.Str("status")).ShouldBe(("active", "paid"));
        var attempts = await host.InTenantAsync(shop.Tenant.TenantId, db => db.Payments.Where(p => p.Purpose == "renewal:" + period.Id())
            .OrderBy(p => p.CreatedAt).Select(p => p.Status).ToListAsync());
        Assert.Equal([Paydesk.Core.PaymentStatus.Failed, Paydesk.Core.PaymentStatus.Succeeded], attempts);
        Assert.DoesNotContain(await MailsAsync(host, shop), m => m.EventKey.StartsWith("subscription-canceled:"));
    }

    /// <summary>Subscribed with a card that declines, and its first renewal (at <c>renewsAt</c>) tried and failed.</summary>
    private static async Task<(PaydeskHost Host, Microsoft.Extensions.Time.Testing.FakeTimeProvider Clock, Shop Shop, string Id, DateTimeOffset RenewsAt)> RenewalFailedAsync(
        Engine engine, Func<Shop, Task<string>> plan)
    {
        var (host, clock, shop, id) = await RenewalTests.SubscribedAsync(engine, Start, "declines", plan);
        var renewsAt = (await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}")).GetProperty("periods")[0].GetProperty("endsAt").GetDateTimeOffset();
        clock.SetUtcNow(renewsAt);
        await host.SettleAsync();
        return (host, clock, shop, id, renewsAt);
    }

    /// <summary>The failure email's link followed and its button pressed: the checkout's payment id.</summary>
    private static async Task<string> OpenHandCheckoutAsync(PaydeskHost host, Shop shop, HttpClient browser)
    {
        var link = LinkIn((await MailsAsync(host, shop)).Last(m => m.EventKey.StartsWith("renewal-failed:")).TextBody);
        var token = Uri.UnescapeDataString(link.Split("?t=")[1]);
        var pressed = await browser.PostAsync(link.Split('?')[0], new FormUrlEncodedContent(new Dictionary<string, string> { ["t"] = token }));
        pressed.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return pressed.Headers.Location!.ToString().TrimEnd('/').Split('/')[^1];
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_period_paid_by_hand_after_its_access_was_kept_past_due_and_then_refunded_in_full_ends_that_access(Engine engine)
    {
        var (host, clock, shop, id, renewsAt) = await RenewalFailedAsync(engine, Plan("cancel"));
        await using var _ = host;
        (await AllowedAsync(shop)).ShouldBe(true);
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.BaseAddress };
        var paymentId = await OpenHandCheckoutAsync(host, shop, browser);
        (await browser.PostAsync($"/mock-pay/{paymentId}/succeed", new FormUrlEncodedContent(new Dictionary<string, string> { ["card"] = "pays" }))).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        await host.SettleAsync();
        (await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}")).GetProperty("periods")[1].Str("status").ShouldBe("paid");

        // Refunded in full: neither the period's access nor what was kept while it was past due remains.
        await shop.Tenant.PostOk($"/api/v1/payments/{paymentId}/refunds", new { reason = "refund" });
        await host.SettleAsync();
        (await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}")).Str("status").ShouldBe("refunded");
        (await AllowedAsync(shop)).ShouldBe(false);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_trial_whose_first_charge_fails_keeps_no_access_while_past_due(Engine engine)
    {
        var (host, clock, shop, id) = await RenewalTests.SubscribedAsync(engine, new DateTimeOffset(2028, 6, 1, 9, 0, 0, TimeSpan.Zero), "declines", Plan("cancel", trialDays: 14));
        await using var _ = host;
        (await AllowedAsync(shop)).ShouldBe(true);
        clock.Advance(TimeSpan.FromDays(14));
        await host.SettleAsync();
        (await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}")).Str("status").ShouldBe("past_due");
        Assert.Equal(0, await host.InTenantAsync(shop.Tenant.TenantId, db => db.MockCharges.SumAsync(c => c.Captures)));
        // Nothing was ever paid: there is no access to keep.
        (await AllowedAsync(shop)).ShouldBe(false);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_period_left_unpaid_and_paid_by_hand_months_later_bills_none_of_the_months_between(Engine engine)
    {
        var (host, clock, shop, id, renewsAt) = await RenewalFailedAsync(engine, Plan("leave_unpaid", pastDue: "suspend_access"));
        await using var _ = host;
        foreach (var days in new[] { 1, 2 })
        {
            clock.Advance(TimeSpan.FromDays(days));
            await host.SettleAsync();
        }
        // 95 days on, unpaid and without access all the while, the customer pays the owed period by hand.
        clock.SetUtcNow(renewsAt.AddDays(95));
        await host.SettleAsync();
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.BaseAddress };
        var paymentId = await OpenHandCheckoutAsync(host, shop, browser);
        (await browser.PostAsync($"/mock-pay/{paymentId}/succeed", new FormUrlEncodedContent(new Dictionary<string, string> { ["card"] = "pays" }))).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        await host.SettleAsync();

        // The owed period, then one starting now, charged now: the months between went by unpaid, not missed.
        var subscription = await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}");
        var periods = subscription.GetProperty("periods").EnumerateArray().ToList();
        Assert.Equal(3, periods.Count);
        (subscription.Str("status"), periods[2].Str("status"), periods[2].GetProperty("startsAt").GetDateTimeOffset()).ShouldBe(("active", "paid", clock.GetUtcNow()));
        Assert.Equal(3 * 150_00, await host.InTenantAsync(shop.Tenant.TenantId, db => db.MockCharges.Where(c => c.Captures > 0).SumAsync(c => c.AmountMinor)));
        (await AllowedAsync(shop)).ShouldBe(true);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_checkout_to_pay_by_hand_opened_again_and_again_does_not_hold_the_retries_up(Engine engine)
    {
        var (host, clock, shop, id, renewsAt) = await RenewalFailedAsync(engine, Plan("cancel"));
        await using var _ = host;
        // The customer opens the pay-by-hand checkout every 12 hours and never pays.
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.BaseAddress };
        for (var hours = 0; hours <= 24 * 6; hours += 12)
        {
            clock.SetUtcNow(renewsAt + TimeSpan.FromHours(hours));
            await host.SettleAsync();
            if ((await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}")).Str("status") == "canceled") break;
            // Opened, or the same one again, or refused while a retry of the card is due (or once it is canceled).
            var link = LinkIn((await MailsAsync(host, shop)).Last(m => m.EventKey.StartsWith("renewal-failed:")).TextBody);
            var pressed = await browser.PostAsync(link.Split('?')[0], new FormUrlEncodedContent(new Dictionary<string, string> { ["t"] = Uri.UnescapeDataString(link.Split("?t=")[1]) }));
            Assert.True(pressed.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Conflict or HttpStatusCode.OK, $"pressed: {(int)pressed.StatusCode}");
        }
        // The retries ran on their days (1, then 2 more), each held up at most by one checkout's life (it lapses after a day,
        // found by its next check): canceled within five days of the renewal failing (it took one to two weeks before), access ended.
        (await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}")).Str("status").ShouldBe("canceled");
        Assert.InRange(clock.GetUtcNow() - renewsAt, TimeSpan.FromDays(3), TimeSpan.FromDays(5));
        (await AllowedAsync(shop)).ShouldBe(false);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_plans_renewal_choices_are_shown_and_checked_and_refused_on_a_one_time_plan(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await Shop.OpenAsync(host);
        var monthly = await shop.Tenant.GetOk($"/api/v1/plans/{shop.Monthly}");
        var renewal = monthly.GetProperty("renewal");
        (renewal.Str("pastDue"), renewal.Str("afterRetries"), renewal.Str("missedPeriods")).ShouldBe(("suspend_access", "cancel", "bill_each"));
        Assert.Equal(JsonValueKind.Null, renewal.GetProperty("retryDays").ValueKind);

        var revised = await (await shop.Tenant.Http.PatchAsJsonAsync($"/api/v1/plans/{shop.Monthly}", new { renewal = new { missedPeriods = "bill_once", retryDays = new[] { 2, 4 } } })).Json();
        (revised.GetProperty("renewal").Str("missedPeriods"), revised.GetProperty("renewal").Str("pastDue")).ShouldBe(("bill_once", "suspend_access"));
        Assert.Equal([2, 4], revised.GetProperty("renewal").GetProperty("retryDays").EnumerateArray().Select(d => d.GetInt32()));

        var bad = await (await shop.Tenant.Http.PatchAsJsonAsync($"/api/v1/plans/{shop.Monthly}", new { renewal = new { pastDue = "sometimes", retryDays = new[] { 0 } } }))
            .ShouldBeProblem(400, "renewal.pastDue");
        Assert.True(bad.GetProperty("errors").TryGetProperty("renewal.retryDays[0]", out var _));
        await (await shop.Tenant.Http.PatchAsJsonAsync($"/api/v1/plans/{shop.Package}", new { renewal = new { missedPeriods = "bill_once" } })).ShouldBeProblem(400, "renewal");
        Assert.False((await shop.Tenant.GetOk($"/api/v1/plans/{shop.Package}")).TryGetProperty("renewal", out var _));
    }

    private static Task<List<OutboxMessage>> MailsAsync(PaydeskHost host, Shop shop) =>
        host.InTenantAsync(shop.Tenant.TenantId, db => db.OutboxMessages.AsNoTracking()
            .Where(m => m.EventKey.StartsWith("renewal-") || m.EventKey.StartsWith("subscription-")).OrderBy(m => m.CreatedAt).ToListAsync());

    private static async Task<bool> AllowedAsync(Shop shop) =>
        (await shop.Tenant.GetOk($"/api/v1/customers/{shop.Customer}/access/telerehab")).GetProperty("allowed").GetBoolean();

    /// <summary>The pay-by-hand link in an email's text, as a path and query.</summary>
    private static string LinkIn(string text)
    {
        var url = text.Split('\n').Single(l => l.Contains("/subscriptions/periods/", StringComparison.Ordinal)).Trim();
        return new Uri(url).PathAndQuery;
    }
}
