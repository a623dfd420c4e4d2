using Microsoft.EntityFrameworkCore;

namespace Paydesk.Tests.Subscriptions;

/// <summary>Cancel at the period's end or now, undo, pause and resume, a period given free, and a refunded first order — on a fake clock, counted at the provider.</summary>
public sealed class ManageSubscriptionTests
{
    private static readonly DateTimeOffset Start = new(2028, 3, 10, 12, 0, 0, TimeSpan.Zero);

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_cancel_at_the_periods_end_can_be_undone_and_when_kept_ends_access_then_without_a_charge(Engine engine)
    {
        var (host, clock, shop, id) = await RenewalTests.SubscribedAsync(engine, Start, "pays");
        await using var _ = host;
        var endsAt = (await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}")).GetProperty("periods")[0].GetProperty("endsAt").GetDateTimeOffset();

        var canceled = await shop.Tenant.PostOk($"/api/v1/subscriptions/{id}/cancel", new { at = "period_end" });
        (canceled.Str("status"), canceled.GetProperty("cancelsAt").GetDateTimeOffset()).ShouldBe(("active", endsAt));
        Assert.Equal(JsonValueKind.Null, canceled.GetProperty("nextChargeAt").ValueKind);
        var undone = await shop.Tenant.PostOk($"/api/v1/subscriptions/{id}/undo-cancel", new { });
        (undone.GetProperty("cancelsAt").ValueKind, undone.GetProperty("nextChargeAt").GetDateTimeOffset()).ShouldBe((JsonValueKind.Null, endsAt));
        await (await shop.Tenant.Http.PostAsJsonAsync($"/api/v1/subscriptions/{id}/undo-cancel", new { })).ShouldBeProblem(409);
        await (await shop.Tenant.Http.PostAsJsonAsync($"/api/v1/subscriptions/{id}/cancel", new { at = "tomorrow" })).ShouldBeProblem(400, "at");
        await shop.Tenant.PostOk($"/api/v1/subscriptions/{id}/cancel", new { });

        // No reminder of a renewal that will not come; a minute before the end, access; at the end, canceled and no charge.
        clock.SetUtcNow(endsAt - TimeSpan.FromMinutes(1));
        await host.SettleAsync();
        (await AllowedAsync(shop)).ShouldBe(true);
        clock.SetUtcNow(endsAt);
        await host.SettleAsync();
        var subscription = await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}");
        (subscription.Str("status"), subscription.GetProperty("periods").GetArrayLength()).ShouldBe(("canceled", 1));
        subscription.GetProperty("canceledAt").GetDateTimeOffset().ShouldBe(endsAt);
        (await AllowedAsync(shop)).ShouldBe(false);
        Assert.Equal(0, await RenewalChargesAsync(host, shop));
        Assert.Equal(["subscription-canceled"], (await MailKeysAsync(host, shop)).Select(k => k.Split(':')[0]));
        await (await shop.Tenant.Http.PostAsJsonAsync($"/api/v1/subscriptions/{id}/cancel", new { at = "now" })).ShouldBeProblem(409);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_cancel_now_ends_access_at_once_and_nothing_is_charged_again(Engine engine)
    {
        var (host, clock, shop, id) = await RenewalTests.SubscribedAsync(engine, Start, "pays");
        await using var _ = host;
        clock.Advance(TimeSpan.FromDays(5));
        (await AllowedAsync(shop)).ShouldBe(true);
        (await shop.Tenant.PostOk($"/api/v1/subscriptions/{id}/cancel", new { at = "now" })).Str("status").ShouldBe("canceled");
        (await AllowedAsync(shop)).ShouldBe(false);
        clock.Advance(TimeSpan.FromDays(60));
        await host.SettleAsync();
        Assert.Equal(0, await RenewalChargesAsync(host, shop));
        await (await shop.Tenant.Http.PostAsJsonAsync($"/api/v1/subscriptions/{id}/resume", new { })).ShouldBeProblem(409);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_paused_subscription_is_not_charged_and_resumed_after_its_period_starts_a_new_one_then(Engine engine)
    {
        var (host, clock, shop, id) = await RenewalTests.SubscribedAsync(engine, Start, "pays");
        await using var _ = host;
        var endsAt = (await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}")).GetProperty("periods")[0].GetProperty("endsAt").GetDateTimeOffset();
        clock.Advance(TimeSpan.FromDays(10));
        var paused = await shop.Tenant.PostOk($"/api/v1/subscriptions/{id}/pause", new { });
        (paused.Str("status"), paused.GetProperty("nextChargeAt").ValueKind).ShouldBe(("paused", JsonValueKind.Null));
        await (await shop.Tenant.Http.PostAsJsonAsync($"/api/v1/subscriptions/{id}/pause", new { })).ShouldBeProblem(409);
        // The paid month runs to its end; then nothing, for as long as it is paused.
        (await AllowedAsync(shop)).ShouldBe(true);
        clock.SetUtcNow(endsAt + TimeSpan.FromDays(12));
        await host.SettleAsync();
        (await AllowedAsync(shop)).ShouldBe(false);
        Assert.Equal(0, await RenewalChargesAsync(host, shop));

        // Resumed: a month from now, charged now, and the next renewal a month on.
        var resumedAt = clock.GetUtcNow();
        await shop.Tenant.PostOk($"/api/v1/subscriptions/{id}/resume", new { });
        await host.SettleAsync();
        var subscription = await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}");
        var period = subscription.GetProperty("periods")[1];
        (subscription.Str("status"), period.Str("status"), period.GetProperty("startsAt").GetDateTimeOffset()).ShouldBe(("active", "paid", resumedAt));
        subscription.GetProperty("nextChargeAt").GetDateTimeOffset().ShouldBe(period.GetProperty("endsAt").GetDateTimeOffset());
        Assert.True(period.GetProperty("endsAt").GetDateTimeOffset() > resumedAt.AddDays(27));
        (await AllowedAsync(shop)).ShouldBe(true);
        Assert.Equal(1, await RenewalChargesAsync(host, shop));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_pause_asked_while_the_renewal_is_being_charged_is_refused_and_the_renewal_then_keeps_it_active(Engine engine)
    {
        var (host, clock, shop, id) = await RenewalTests.SubscribedAsync(engine, Start, "pays");
        await using var _ = host;
        // The renewal's charge is made, and its answer lost: the new period is open, its payment unknown.
        await host.InTenantAsync(shop.Tenant.TenantId, db => db.SavedMethods.ExecuteUpdateAsync(u => u.SetProperty(m => m.ProviderMethodId, Paydesk.Payments.Mock.MockProvider.SavedMethodLosesAnswer)));
        var endsAt = (await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}")).GetProperty("periods")[0].GetProperty("endsAt").GetDateTimeOffset();
        clock.SetUtcNow(endsAt);
        await host.SettleAsync();
        var renewing = await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}");
        (renewing.Str("status"), renewing.GetProperty("periods")[1].Str("status")).ShouldBe(("active", "open"));

        // Paused now, the charge's outcome would renew what the customer was told is paused.
        var refused = await (await shop.Tenant.Http.PostAsJsonAsync($"/api/v1/subscriptions/{id}/pause", new { })).ShouldBeProblem(409);
        Assert.Contains("being renewed", refused.Str("detail"));

        // The reconciler finds the charge made: the period is paid, the subscription active and not paused.
        clock.Advance(TimeSpan.FromMinutes(10));
        await host.SettleAsync();
        var renewed = await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}");
        (renewed.Str("status"), renewed.GetProperty("periods")[1].Str("status"), renewed.GetProperty("pausedAt").ValueKind).ShouldBe(("active", "paid", JsonValueKind.Null));
        // Once renewed, it pauses.
        (await shop.Tenant.PostOk($"/api/v1/subscriptions/{id}/pause", new { })).Str("status").ShouldBe("paused");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_comp_is_refused_on_a_subscription_canceled_at_its_periods_end_and_given_once_ahead(Engine engine)
    {
        var (host, _, shop, id) = await RenewalTests.SubscribedAsync(engine, Start, "pays");
        await using var __ = host;
        await shop.Tenant.PostOk($"/api/v1/subscriptions/{id}/cancel", new { at = "period_end" });
        // The free period would be taken back by the cancel at the period's end: refused, until the cancel is undone.
        Assert.Contains("undo that first", (await (await shop.Tenant.Http.PostAsJsonAsync($"/api/v1/subscriptions/{id}/comp", new { })).ShouldBeProblem(409)).Str("detail"));
        await shop.Tenant.PostOk($"/api/v1/subscriptions/{id}/undo-cancel", new { });
        // The next period given free, once: the same command again (a form sent twice) gives nothing more.
        (await shop.Tenant.PostOk($"/api/v1/subscriptions/{id}/comp", new { })).GetProperty("periods").GetArrayLength().ShouldBe(2);
        await (await shop.Tenant.Http.PostAsJsonAsync($"/api/v1/subscriptions/{id}/comp", new { })).ShouldBeProblem(409);
        (await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}")).GetProperty("periods").GetArrayLength().ShouldBe(2);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Refunding_the_first_order_months_later_lets_the_period_paid_on_its_own_run_out_then_ends_it(Engine engine)
    {
        var (host, clock, shop, id) = await RenewalTests.SubscribedAsync(engine, Start, "pays");
        await using var _ = host;
        var first = (await shop.Tenant.GetOk($"/api/v1/orders/{(await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}")).Str("orderId")}")).Str("paidByPaymentId");
        for (var i = 0; i < 2; i++)
        {
            var periods = (await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}")).GetProperty("periods");
            clock.SetUtcNow(periods[periods.GetArrayLength() - 1].GetProperty("endsAt").GetDateTimeOffset());
            await host.SettleAsync();
        }
        var current = (await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}")).GetProperty("periods")[2];
        current.Str("status").ShouldBe("paid");
        clock.Advance(TimeSpan.FromDays(2));

        // The first month given back: nothing more is charged, but the month paid on its own stays the customer's.
        await shop.Tenant.PostOk($"/api/v1/payments/{first}/refunds", new { reason = "first month goodwill" });
        await host.SettleAsync();
        var subscription = await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}");
        subscription.GetProperty("cancelsAt").GetDateTimeOffset().ShouldBe(current.GetProperty("endsAt").GetDateTimeOffset());
        (await AllowedAsync(shop)).ShouldBe(true);
        (await shop.Tenant.GetOk($"/api/v1/payments/{current.Str("paymentId")}")).Str("status").ShouldBe("succeeded");

        clock.SetUtcNow(current.GetProperty("endsAt").GetDateTimeOffset() + TimeSpan.FromHours(1));
        await host.SettleAsync();
        (await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}")).Str("status").ShouldBe("canceled");
        (await AllowedAsync(shop)).ShouldBe(false);
        Assert.Equal(2, await RenewalChargesAsync(host, shop));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_comped_period_is_paid_without_a_charge_whether_past_due_or_next(Engine engine)
    {
        var (host, clock, shop, id) = await RenewalTests.SubscribedAsync(engine, Start, "declines");
        await using var _ = host;
        var endsAt = (await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}")).GetProperty("periods")[0].GetProperty("endsAt").GetDateTimeOffset();
        clock.SetUtcNow(endsAt);
        await host.SettleAsync();
        (await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}")).Str("status").ShouldBe("past_due");

        // The unpaid period, given free: active, access, and the retry due tomorrow charges nothing.
        var comped = await shop.Tenant.PostOk($"/api/v1/subscriptions/{id}/comp", new { });
        var period = comped.GetProperty("periods")[1];
        (comped.Str("status"), period.Str("status"), period.GetProperty("comped").GetBoolean()).ShouldBe(("active", "paid", true));
        Assert.Equal(JsonValueKind.Null, period.GetProperty("paymentId").ValueKind);
        (await AllowedAsync(shop)).ShouldBe(true);
        clock.Advance(TimeSpan.FromDays(1));
        await host.SettleAsync();
        Assert.Single(await host.InTenantAsync(shop.Tenant.TenantId, db => db.Payments.Where(p => p.Purpose.StartsWith("renewal:")).ToListAsync()));

        // Now the next one, ahead of time: made paid at once; at its start nothing is charged; after it, the card is tried again.
        comped = await shop.Tenant.PostOk($"/api/v1/subscriptions/{id}/comp", new { });
        Assert.Equal(3, comped.GetProperty("periods").GetArrayLength());
        var next = comped.GetProperty("periods")[2];
        clock.SetUtcNow(next.GetProperty("startsAt").GetDateTimeOffset() + TimeSpan.FromHours(1));
        await host.SettleAsync();
        (await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}")).Str("status").ShouldBe("active");
        Assert.Single(await host.InTenantAsync(shop.Tenant.TenantId, db => db.Payments.Where(p => p.Purpose.StartsWith("renewal:")).ToListAsync()));
        clock.SetUtcNow(next.GetProperty("endsAt").GetDateTimeOffset());
        await host.SettleAsync();
        (await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}")).Str("status").ShouldBe("past_due");

        // Staff may not give periods away.
        using var staff = host.Client((await shop.Tenant.PostOk("/api/v1/api-keys", new { name = "Desk", role = "staff" })).Str("secret"));
        await (await staff.PostAsJsonAsync($"/api/v1/subscriptions/{id}/comp", new { })).ShouldBeProblem(403);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_full_refund_of_the_order_that_started_it_cancels_the_subscription(Engine engine)
    {
        var (host, clock, shop, id) = await RenewalTests.SubscribedAsync(engine, Start, "pays");
        await using var _ = host;
        var order = (await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}")).Str("orderId");
        var payment = (await shop.Tenant.GetOk($"/api/v1/orders/{order}")).Str("paidByPaymentId");
        await shop.Tenant.PostOk($"/api/v1/payments/{payment}/refunds", new { });
        await host.SettleAsync();
        (await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}")).Str("status").ShouldBe("canceled");
        clock.Advance(TimeSpan.FromDays(40));
        await host.SettleAsync();
        Assert.Equal(0, await RenewalChargesAsync(host, shop));
    }

    private static Task<int> RenewalChargesAsync(PaydeskHost host, Shop shop) => host.InTenantAsync(shop.Tenant.TenantId, async db =>
    {
        var ids = await db.Payments.Where(p => p.Purpose.StartsWith("renewal:")).Select(p => p.Id).ToListAsync();
        return await db.MockCharges.Where(c => ids.Contains(c.PaymentId)).SumAsync(c => c.Captures);
    });

    private static Task<List<string>> MailKeysAsync(PaydeskHost host, Shop shop) => host.InTenantAsync(shop.Tenant.TenantId, db =>
        db.OutboxMessages.Where(m => m.EventKey.StartsWith("renewal-") || m.EventKey.StartsWith("subscription-")).OrderBy(m => m.CreatedAt).Select(m => m.EventKey).ToListAsync());

    private static async Task<bool> AllowedAsync(Shop shop) =>
        (await shop.Tenant.GetOk($"/api/v1/customers/{shop.Customer}/access/telerehab")).GetProperty("allowed").GetBoolean();
}
