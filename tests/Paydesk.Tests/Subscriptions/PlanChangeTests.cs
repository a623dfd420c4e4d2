using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Paydesk.Subscriptions;

namespace Paydesk.Tests.Subscriptions;

/// <summary>Changing plan: prorated amounts that add up, upgrades charged once, downgrades at the period's end, and no way to get used value back.</summary>
public sealed class PlanChangeTests
{
    private static readonly DateTimeOffset Start = new(2028, 4, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset End = Start.AddDays(30);

    /// <summary>Worked by hand: old and new price per period, the period's length, when the change is made → used, credit, charge, due.</summary>
    public static TheoryData<long, long, TimeSpan, TimeSpan, long, long, long, long> Table => new()
    {
        // 300.00 → 900.00 a third into 30 days: 100.00 used, 200.00 back, 600.00 for the rest, 400.00 due.
        { 300_00, 900_00, TimeSpan.FromDays(30), TimeSpan.FromDays(10), 100_00, 200_00, 600_00, 400_00 },
        // 100.00 → 250.00 after 7 of 30 days: 23.3333 used → 23.33, 76.67 back; 191.6667 → 191.67; 115.00 due (= 150.00 × 23/30).
        { 100_00, 250_00, TimeSpan.FromDays(30), TimeSpan.FromDays(7), 23_33, 76_67, 191_67, 115_00 },
        // At the start of a 31-day period: nothing used, the whole difference due.
        { 100_00, 250_00, TimeSpan.FromDays(31), TimeSpan.Zero, 0, 100_00, 250_00, 150_00 },
        // At its very end: all used, nothing charged.
        { 100_00, 250_00, TimeSpan.FromDays(30), TimeSpan.FromDays(30), 100_00, 0, 0, 0 },
        // One second in: 9.99 a month is 0.000385 used → 0; 10.01 for all but a second rounds to 10.01; 0.02 due.
        { 9_99, 10_01, TimeSpan.FromDays(30), TimeSpan.FromSeconds(1), 0, 9_99, 10_01, 2 },
        // Halves round up: 0.01 over 2 ticks at 1 → 0.005 → 0.01 used; 0.03 → 0.015 → 0.02 charged.
        { 1, 3, TimeSpan.FromTicks(2), TimeSpan.FromTicks(1), 1, 0, 2, 2 },
    };

    [Theory, MemberData(nameof(Table))]
    public void Prorations_match_the_table_worked_by_hand_and_the_old_price_splits_exactly(
        long oldMinor, long newMinor, TimeSpan period, TimeSpan at, long used, long credit, long charge, long due)
    {
        var p = Proration.Of(oldMinor, newMinor, Start, Start + period, Start + at);
        (p.OldUsed, p.Credit, p.Charge, p.Due).ShouldBe((used, credit, charge, due));
        Assert.Equal(oldMinor, p.OldUsed + p.Credit);
    }

    [Fact]
    public void Any_proration_splits_the_old_price_exactly_and_charges_no_more_than_the_new_one()
    {
        var random = new Random(20281201);
        for (var i = 0; i < 10_000; i++)
        {
            var (oldMinor, newMinor) = (random.NextInt64(0, 10_000_000_00), random.NextInt64(0, 10_000_000_00));
            var length = random.NextInt64(1, TimeSpan.FromDays(366).Ticks);
            var at = random.NextInt64(0, length + 1);
            var p = Proration.Of(oldMinor, newMinor, Start, Start.AddTicks(length), Start.AddTicks(at));
            Assert.Equal(oldMinor, p.OldUsed + p.Credit);
            Assert.InRange(p.Charge, 0, newMinor);
            Assert.InRange(p.Credit, 0, oldMinor);
            // Later is never dearer.
            var later = Proration.Of(oldMinor, newMinor, Start, Start.AddTicks(length), Start.AddTicks(Math.Min(length, at + 1)));
            Assert.True(later.Charge <= p.Charge && later.Credit <= p.Credit);
        }
    }

    /// <summary>Basic (300.00 a month: telerehab, 100 tokens a period) and Pro (900.00: telerehab and the library, 500 tokens); the customer on Basic.</summary>
    private static async Task<(PaydeskHost Host, Microsoft.Extensions.Time.Testing.FakeTimeProvider Clock, Shop Shop, string Id, string Basic, string Pro)> OnBasicAsync(Engine engine)
    {
        string pro = "";
        var (host, clock, shop, id) = await RenewalTests.SubscribedAsync(engine, Start, "pays", async shop =>
        {
            await shop.Tenant.PostOk("/api/v1/features", new { key = "library", name = "Exercise library" });
            pro = (await shop.Tenant.PostOk("/api/v1/plans", new
            {
                name = "Pro", price = new { amount = 900_00, currency = "RON" }, interval = new { unit = "month", count = 1 },
                grants = new object[] { new { type = "access", feature = "telerehab" }, new { type = "access", feature = "library" }, new { type = "tokens", tokens = 500, every = "period" } },
            })).Id();
            return (await shop.Tenant.PostOk("/api/v1/plans", new
            {
                name = "Basic", price = new { amount = 300_00, currency = "RON" }, interval = new { unit = "month", count = 1 },
                grants = new object[] { new { type = "access", feature = "telerehab" }, new { type = "tokens", tokens = 100, every = "period" } },
            })).Id();
        });
        var basic = (await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}")).Str("planId");
        return (host, clock, shop, id, basic, pro);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Upgrade_use_downgrade_pays_the_prorated_difference_once_and_gives_nothing_back(Engine engine)
    {
        var (host, clock, shop, id, basic, pro) = await OnBasicAsync(engine);
        await using var _ = host;
        (await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}")).GetProperty("periods")[0].GetProperty("endsAt").GetDateTimeOffset().ShouldBe(End);

        // Day 10: the preview says 200.00 back, 600.00 for the rest, 400.00 due — and changes nothing.
        clock.SetUtcNow(Start.AddDays(10));
        var preview = await shop.Tenant.PostOk($"/api/v1/subscriptions/{id}/change-plan", new { planId = pro, preview = true });
        (preview.Str("kind"), preview.Str("status"), Minor(preview, "credit"), Minor(preview, "charge"), Minor(preview, "due")).ShouldBe(("upgrade", "preview", 200_00, 600_00, 400_00));
        (await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}")).Str("planId").ShouldBe(basic);
        (await AllowedAsync(shop, "library")).ShouldBe(false);

        // The upgrade: 400.00 charged once, invoiced, the library open to the period's end; Pro's tokens come with the next period.
        var upgrade = await shop.Tenant.PostOk($"/api/v1/subscriptions/{id}/change-plan", new { planId = pro });
        (upgrade.Str("status"), Minor(upgrade, "due")).ShouldBe(("applied", 400_00));
        await host.SettleAsync();
        var subscription = await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}");
        (subscription.Str("planId"), subscription.GetProperty("price").GetProperty("amount").GetInt64()).ShouldBe((pro, 900_00));
        (await AllowedAsync(shop, "library")).ShouldBe(true);
        // Pro's access and badges (telerehab, the library), no tokens.
        var granted = (await shop.Tenant.GetOk($"/api/v1/entitlements?sourceKind=change&sourceId={upgrade.Id()}")).Items().ToList();
        Assert.Equal(["library", "telerehab"], granted.Select(e => e.Str("feature")).Order());
        Assert.All(granted, e => (e.Str("type"), e.GetProperty("startsAt").GetDateTimeOffset(), e.GetProperty("endsAt").GetDateTimeOffset()).ShouldBe(("access", Start.AddDays(10), End)));
        Assert.Equal(400_00, Assert.Single((await shop.Tenant.GetOk($"/api/v1/invoices?sourceKind=change&sourceId={upgrade.Id()}")).Items()).GetProperty("total").GetProperty("amount").GetInt64());

        // Day 20: down again — at the period's end, nothing due, nothing refunded; the library stays open until then.
        clock.SetUtcNow(Start.AddDays(20));
        var downgrade = await shop.Tenant.PostOk($"/api/v1/subscriptions/{id}/change-plan", new { planId = basic });
        (downgrade.Str("kind"), downgrade.Str("status"), Minor(downgrade, "due"), downgrade.GetProperty("effectiveAt").GetDateTimeOffset()).ShouldBe(("downgrade", "scheduled", 0, End));
        // Asking for the current plan takes the downgrade back; asking again schedules it again.
        clock.Advance(TimeSpan.FromMinutes(1));
        (await shop.Tenant.PostOk($"/api/v1/subscriptions/{id}/change-plan", new { planId = pro })).Str("status").ShouldBe("canceled");
        clock.Advance(TimeSpan.FromMinutes(1));
        await shop.Tenant.PostOk($"/api/v1/subscriptions/{id}/change-plan", new { planId = basic });
        clock.SetUtcNow(End - TimeSpan.FromMinutes(1));
        await host.SettleAsync();
        (await AllowedAsync(shop, "library")).ShouldBe(true);

        // The renewal: Basic's price, Basic's grants; the library closes.
        clock.SetUtcNow(End);
        await host.SettleAsync();
        subscription = await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}");
        (subscription.Str("planId"), subscription.GetProperty("periods")[1].Str("status")).ShouldBe((basic, "paid"));
        (await AllowedAsync(shop, "library"), await AllowedAsync(shop, "telerehab")).ShouldBe((false, true));

        // Counted at the provider: 300.00 + 400.00 + 300.00 captured, nothing refunded.
        var money = await host.InTenantAsync(shop.Tenant.TenantId, db => db.MockCharges.Where(c => c.Captures > 0)
            .Select(c => new { c.AmountMinor, c.Captures, c.RefundedMinor }).ToListAsync());
        Assert.Equal([300_00, 300_00, 400_00], money.Select(m => m.AmountMinor).Order());
        Assert.All(money, m => (m.Captures, m.RefundedMinor).ShouldBe((1, 0L)));
        var changes = (await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}/plan-changes")).EnumerateArray().Select(c => c.Str("status")).ToList();
        Assert.Equal(["applied", "canceled", "applied"], changes);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Choosing_the_current_plan_in_the_portal_takes_back_the_waiting_downgrade(Engine engine)
    {
        var (host, clock, shop, id, basic, pro) = await OnBasicAsync(engine);
        await using var _ = host;
        clock.SetUtcNow(Start.AddDays(10));
        await shop.Tenant.PostOk($"/api/v1/subscriptions/{id}/change-plan", new { planId = pro });
        await host.SettleAsync();
        clock.SetUtcNow(Start.AddDays(11));
        await shop.Tenant.PostOk($"/api/v1/subscriptions/{id}/change-plan", new { planId = basic });

        // The preview of the current plan is staying on it, for nothing; it changes nothing.
        var stay = await shop.Tenant.PostOk($"/api/v1/subscriptions/{id}/change-plan", new { planId = pro, preview = true });
        (stay.Str("status"), stay.Str("fromPlanId"), stay.Str("toPlanId"), Minor(stay, "due")).ShouldBe(("preview", pro, pro, 0));
        Assert.Equal(["applied", "scheduled"], (await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}/plan-changes")).EnumerateArray().Select(c => c.Str("status")));

        // In the portal: the page offers to stay on Pro, and its button does.
        var slug = await host.SlugOfAsync(shop.Tenant.TenantId);
        using var customer = await PortalTests.SignedInAsync(host, shop, slug);
        var account = $"/t/{slug}/account";
        var change = $"{account}/subscriptions/{id}/change?plan={pro}";
        var page = await customer.GetStringAsync(change);
        Assert.Contains("Stay on Pro", page);
        Assert.Contains($"name=\"plan\" value=\"{pro}\"", page);
        (await customer.PostAsync(change, $"{account}/subscriptions/{id}/change", new() { ["plan"] = pro })).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        Assert.Equal(["applied", "canceled"], (await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}/plan-changes")).EnumerateArray().Select(c => c.Str("status")));
        (await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}")).Str("planId").ShouldBe(pro);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_cancel_now_after_an_upgrade_ends_what_the_upgrade_granted_and_the_waiting_downgrade(Engine engine)
    {
        var (host, clock, shop, id, basic, pro) = await OnBasicAsync(engine);
        await using var _ = host;
        clock.SetUtcNow(Start.AddDays(10));
        (await shop.Tenant.PostOk($"/api/v1/subscriptions/{id}/change-plan", new { planId = pro })).Str("status").ShouldBe("applied");
        await host.SettleAsync();
        clock.SetUtcNow(Start.AddDays(11));
        (await shop.Tenant.PostOk($"/api/v1/subscriptions/{id}/change-plan", new { planId = basic })).Str("status").ShouldBe("scheduled");
        (await AllowedAsync(shop, "library"), await AllowedAsync(shop, "telerehab")).ShouldBe((true, true));

        (await shop.Tenant.PostOk($"/api/v1/subscriptions/{id}/cancel", new { at = "now" })).Str("status").ShouldBe("canceled");
        // Access ends now: the order's, and the upgrade's over the rest of the period.
        (await AllowedAsync(shop, "library"), await AllowedAsync(shop, "telerehab")).ShouldBe((false, false));
        var changes = (await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}/plan-changes")).EnumerateArray().Select(c => (c.Str("kind"), c.Str("status"))).ToList();
        Assert.Equal([("upgrade", "applied"), ("downgrade", "canceled")], changes);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_upgrade_paid_after_its_period_ended_and_a_renewal_was_charged_is_refunded_and_the_renewal_pays_its_period(Engine engine)
    {
        var (host, clock, shop, id, basic, pro) = await OnBasicAsync(engine);
        await using var _ = host;
        // Every charge of the kept card is made and its answer lost.
        await host.InTenantAsync(shop.Tenant.TenantId, db => db.SavedMethods.ExecuteUpdateAsync(u => u.SetProperty(m => m.ProviderMethodId, Paydesk.Payments.Mock.MockProvider.SavedMethodLosesAnswer)));
        clock.SetUtcNow(End - TimeSpan.FromMinutes(3));
        var upgrade = await shop.Tenant.PostOk($"/api/v1/subscriptions/{id}/change-plan", new { planId = pro });
        upgrade.Str("status").ShouldBe("pending");
        // The period ends; the renewal charges Basic's price for the next one.
        clock.SetUtcNow(End);
        await RenewalTests.RunRenewalNowAsync(host, clock, shop, id);
        var renewal = await host.InTenantAsync(shop.Tenant.TenantId, db => db.Payments.Where(p => p.Purpose.StartsWith("renewal:")).Select(p => p.Id).SingleAsync());

        // Then both are found made: the upgrade first.
        await shop.Tenant.PostOk($"/api/v1/payments/{upgrade.Str("paymentId")}/reconcile", new { });
        await shop.Tenant.PostOk($"/api/v1/payments/{renewal}/reconcile", new { });
        await host.SettleAsync();

        // The upgrade came too late to give anything: refunded, and the plan and price stay Basic's.
        var subscription = await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}");
        (subscription.Str("status"), subscription.Str("planId"), subscription.GetProperty("price").GetProperty("amount").GetInt64()).ShouldBe(("active", basic, 300_00));
        Assert.Equal(("upgrade", "canceled"), (await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}/plan-changes")).EnumerateArray().Select(c => (c.Str("kind"), c.Str("status"))).Single());
        await shop.Tenant.PaymentWhenAsync(upgrade.Str("paymentId"), "refunded");
        // The renewal paid its period: Basic's access, no flag, and the next charge a period on.
        subscription.GetProperty("periods")[1].Str("status").ShouldBe("paid");
        (await AllowedAsync(shop, "telerehab"), await AllowedAsync(shop, "library")).ShouldBe((true, false));
        Assert.Null((await shop.Tenant.GetOk($"/api/v1/payments/{renewal}")).GetProperty("reviewReason").GetString());
        // At the provider: the first month and the renewal kept, the upgrade given back.
        var money = await host.InTenantAsync(shop.Tenant.TenantId, db => db.MockCharges.Where(c => c.Captures > 0)
            .Select(c => new { c.AmountMinor, c.Captures, c.RefundedMinor }).ToListAsync());
        Assert.Equal([(300_00L, 0L), (300_00L, 0L)], money.Where(m => m.AmountMinor == 300_00).Select(m => (m.AmountMinor, m.RefundedMinor)));
        var late = Assert.Single(money, m => m.AmountMinor != 300_00);
        (late.Captures, late.RefundedMinor).ShouldBe((1, late.AmountMinor));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_upgrade_refunded_in_full_is_undone_and_the_renewal_charges_the_old_price(Engine engine)
    {
        var (host, clock, shop, id, basic, pro) = await OnBasicAsync(engine);
        await using var _ = host;
        clock.SetUtcNow(Start.AddDays(10));
        var upgrade = await shop.Tenant.PostOk($"/api/v1/subscriptions/{id}/change-plan", new { planId = pro });
        await host.SettleAsync();
        (await AllowedAsync(shop, "library")).ShouldBe(true);

        // A part refunded first changes nothing but its credit note; the rest refunded, the upgrade is undone.
        clock.SetUtcNow(Start.AddDays(12));
        await shop.Tenant.PostOk($"/api/v1/payments/{upgrade.Str("paymentId")}/refunds", new { amount = new { amount = 100_00, currency = "RON" }, reason = "Goodwill" });
        await host.SettleAsync();
        (await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}")).Str("planId").ShouldBe(pro);
        await shop.Tenant.PostOk($"/api/v1/payments/{upgrade.Str("paymentId")}/refunds", new { reason = "Changed their mind" });
        await host.SettleAsync();
        var subscription = await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}");
        (subscription.Str("planId"), subscription.GetProperty("price").GetProperty("amount").GetInt64()).ShouldBe((basic, 300_00));
        (await AllowedAsync(shop, "library"), await AllowedAsync(shop, "telerehab")).ShouldBe((false, true));
        Assert.Equal(["undone"], (await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}/plan-changes")).EnumerateArray().Select(c => c.Str("status")));
        var invoice = Assert.Single((await shop.Tenant.GetOk($"/api/v1/invoices?sourceKind=change&sourceId={upgrade.Id()}")).Items()).Id();
        Assert.Equal([100_00L, 300_00L], (await shop.Tenant.GetOk($"/api/v1/credit-notes?invoiceId={invoice}")).Items()
            .Select(n => n.GetProperty("amount").GetProperty("amount").GetInt64()).Order());

        // The renewal charges Basic's price, once.
        clock.SetUtcNow(End);
        await host.SettleAsync();
        subscription = await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}");
        var renewal = subscription.GetProperty("periods")[1];
        (subscription.Str("planId"), renewal.Str("status")).ShouldBe((basic, "paid"));
        Assert.Equal([(300_00L, 1)], await host.InTenantAsync(shop.Tenant.TenantId, async db =>
            (await db.MockCharges.Where(c => c.PaymentId == renewal.Str("paymentId")).ToListAsync()).Select(c => (c.AmountMinor, c.Captures)).ToList()));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Eight_upgrades_asked_at_once_charge_one_prorated_difference_once(Engine engine)
    {
        var (host, clock, shop, id, _, pro) = await OnBasicAsync(engine);
        await using var __ = host;
        clock.SetUtcNow(Start.AddDays(10));
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            await using var scope = host.Services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<Paydesk.Tenancy.TenantContext>().Set(shop.Tenant.TenantId, Paydesk.Tenancy.Role.TenantAdmin);
            return await scope.ServiceProvider.GetRequiredService<ChangePlan>().RunAsync(id, new PlanChangeInput(pro, null), CancellationToken.None);
        })));
        await host.SettleAsync();
        Assert.Single(answers, a => a.Problem is null);
        Assert.All(answers.Where(a => a.Problem is not null), a => a.Problem!.Status.ShouldBe(409));
        var upgrades = await host.InTenantAsync(shop.Tenant.TenantId, db => db.Payments.Where(p => p.Purpose.StartsWith("plan-change:")).Select(p => p.Id).ToListAsync());
        var charged = await host.InTenantAsync(shop.Tenant.TenantId, db => db.MockCharges.Where(c => upgrades.Contains(c.PaymentId)).Select(c => new { c.AmountMinor, c.Captures }).ToListAsync());
        Assert.Equal(400_00, Assert.Single(charged, c => c.Captures > 0).AmountMinor);
        Assert.Equal(1, charged.Sum(c => c.Captures));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_change_to_a_plan_of_another_interval_or_to_nothing_is_refused_with_the_field_named(Engine engine)
    {
        var (host, clock, shop, id, _, _) = await OnBasicAsync(engine);
        await using var __ = host;
        await (await shop.Tenant.Http.PostAsJsonAsync($"/api/v1/subscriptions/{id}/change-plan", new { })).ShouldBeProblem(400, "planId");
        await (await shop.Tenant.Http.PostAsJsonAsync($"/api/v1/subscriptions/{id}/change-plan", new { planId = shop.Package })).ShouldBeProblem(400, "planId");
        await (await shop.Tenant.Http.PostAsJsonAsync($"/api/v1/subscriptions/{id}/change-plan", new { planId = "plan_nope" })).ShouldBeProblem(400, "planId");
        // A very long one is named, not echoed whole.
        var long5000 = await (await shop.Tenant.Http.PostAsJsonAsync($"/api/v1/subscriptions/{id}/change-plan", new { planId = new string('x', 5000) })).ShouldBeProblem(400, "planId");
        Assert.InRange(long5000.GetRawText().Length, 1, 1000);
        await (await shop.Tenant.Http.PostAsJsonAsync($"/api/v1/subscriptions/sub_nope/change-plan", new { planId = shop.Monthly })).ShouldBeProblem(404);
    }

    private static long Minor(JsonElement change, string field) => change.GetProperty(field).GetProperty("amount").GetInt64();

    private static async Task<bool> AllowedAsync(Shop shop, string feature) =>
        (await shop.Tenant.GetOk($"/api/v1/customers/{shop.Customer}/access/{feature}")).GetProperty("allowed").GetBoolean();
}
