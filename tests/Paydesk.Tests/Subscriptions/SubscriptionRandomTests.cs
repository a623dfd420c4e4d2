using Microsoft.EntityFrameworkCore;
using Paydesk.Core;
using Paydesk.Subscriptions;

namespace Paydesk.Tests.Subscriptions;

/// <summary>
/// A subscription pushed around at random — the clock run on by hours or weeks, the kept card starting and stopping to
/// pay, cancels and their undoing, pauses, comps, plan changes, the renewal job run again — with what must always hold
/// checked after every step, counted at the provider: a paid period captured once, an unpaid one never, no capture that
/// pays for nothing, one invoice a paid period, periods one after another, access exactly while a paid period runs.
/// </summary>
public sealed class SubscriptionRandomTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Steps = 80;
    private const int TrialDays = 5;

    public static TheoryData<Engine, int> Runs => new() { { Engine.Sqlite, 20281205 }, { Engine.Postgres, 20281206 } };

    [Theory, MemberData(nameof(Runs))]
    public async Task Random_renewals_declines_cancels_pauses_comps_and_plan_changes_keep_every_invariant_after_every_step(Engine engine, int seed)
    {
        var random = new Random(seed);
        string pro = "", trial = "";
        var (host, clock, shop, first) = await RenewalTests.SubscribedAsync(engine, new DateTimeOffset(2028, 5, 3, 7, 0, 0, TimeSpan.Zero), "pays", async shop =>
        {
            pro = (await shop.Tenant.PostOk("/api/v1/plans", new
            {
                name = "Pro", price = new { amount = 900_00, currency = "RON" }, interval = new { unit = "month", count = 1 },
                grants = new object[] { new { type = "access", feature = "telerehab" }, new { type = "tokens", tokens = 500, every = "period" } },
            })).Id();
            // The walk starts with a five-day trial of it; the customer's later subscriptions to it pay from the start.
            trial = (await shop.Tenant.PostOk("/api/v1/plans", new
            {
                name = "Trial first", price = new { amount = 300_00, currency = "RON" }, interval = new { unit = "month", count = 1 }, trialDays = TrialDays,
                grants = new[] { new { type = "access", feature = "telerehab" } },
            })).Id();
            return trial;
        });
        await using var _ = host;
        var plans = new[] { shop.Monthly, pro, trial };
        var id = first;
        var done = new List<string>();

        for (var step = 0; step < Steps; step++)
        {
            var canceled = (await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}")).Str("status") == "canceled";
            var action = canceled && random.Next(3) == 0 ? "subscribe again" : random.Next(100) switch
            {
                < 42 => "advance",
                < 52 => "card",
                < 57 => "cancel at period end",
                < 63 => "undo cancel",
                < 68 => "pause",
                < 75 => "resume",
                < 78 => "comp",
                < 88 => "change plan",
                < 98 => "run again",
                _ => "cancel now",
            };
            var detail = "";
            switch (action)
            {
                case "advance":
                    var hours = random.Next(3) == 0 ? random.Next(1, 24) : random.Next(24, 24 * 20);
                    clock.Advance(TimeSpan.FromHours(hours));
                    detail = $"{hours} h";
                    await host.SettleAsync();
                    break;
                case "card":
                    // The bank starts or stops honouring the kept card.
                    var pays = random.Next(3) > 0;
                    detail = pays ? "pays" : "declines";
                    await host.InTenantAsync(shop.Tenant.TenantId, async db =>
                    {
                        var kept = await db.SavedMethods.Where(m => m.CustomerId == shop.Customer && m.RemovedAt == null).OrderByDescending(m => m.CreatedAt).FirstAsync();
                        var card = (pays ? "mock_pm_pays_" : "mock_pm_declined_") + step;
                        return await db.SavedMethods.Where(m => m.Id == kept.Id).ExecuteUpdateAsync(u => u.SetProperty(m => m.ProviderMethodId, card));
                    });
                    break;
                case "subscribe again":
                    id = await RenewalTests.BuyAsync(host, shop, plans[random.Next(plans.Length)], "pays");
                    detail = id;
                    break;
                case "cancel at period end" or "undo cancel" or "pause" or "resume" or "comp" or "cancel now":
                    var path = action switch { "cancel at period end" or "cancel now" => "cancel", "undo cancel" => "undo-cancel", _ => action };
                    object body = action == "cancel now" ? new { at = "now" } : action == "cancel at period end" ? new { at = "period_end" } : new { };
                    detail = await AnsweredAsync(await shop.Tenant.Http.PostAsJsonAsync($"/api/v1/subscriptions/{id}/{path}", body));
                    await host.SettleAsync();
                    break;
                case "change plan":
                    var current = (await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}")).Str("planId");
                    var to = plans[random.Next(plans.Length)];
                    detail = $"{(to == current ? "same" : to == pro ? "up" : "down")}: " +
                             await AnsweredAsync(await shop.Tenant.Http.PostAsJsonAsync($"/api/v1/subscriptions/{id}/change-plan", new { planId = to }));
                    await host.SettleAsync();
                    break;
                case "run again":
                    // The renewal job made due now and run, as a second process or a retry would (a canceled subscription has none).
                    var queued = await host.InTenantAsync(shop.Tenant.TenantId, db => db.Jobs.Where(j => j.Key == Paydesk.Jobs.JobQueue.KeyOf(RenewSubscription.JobKind, id))
                        .ExecuteUpdateAsync(u => u.SetProperty(j => j.DueAt, clock.GetUtcNow()).SetProperty(j => j.State, Paydesk.Jobs.JobState.Queued)));
                    detail = queued == 0 ? "(no job)" : "";
                    await host.SettleAsync();
                    break;
            }
            done.Add($"{step}: {action} {detail} at {clock.GetUtcNow():yyyy-MM-dd HH:mm}");
            var broken = await BrokenAsync(host, shop, clock.GetUtcNow());
            if (broken.Count > 0)
            {
                foreach (var line in done) output.WriteLine(line);
                Assert.Fail($"Seed {seed}, after step {done[^1]}: {string.Join("; ", broken)}");
            }
        }
        output.WriteLine(string.Join(Environment.NewLine, done));
        // The walk went somewhere: renewals were charged and paid.
        var periods = await host.InTenantAsync(shop.Tenant.TenantId, db => db.SubscriptionPeriods.Where(p => p.CustomerId == shop.Customer).ToListAsync());
        Assert.Contains(periods, p => p.Number >= 1 && p.Status == PeriodStatus.Paid && !p.Comped);
        Assert.Contains(periods, p => p.Trial);
    }

    /// <summary>A request's answer in a word: what was done, or the conflict that refused it; anything else fails the test.</summary>
    private static async Task<string> AnsweredAsync(HttpResponseMessage response)
    {
        if (response.IsSuccessStatusCode) return "done";
        Assert.True(response.StatusCode == HttpStatusCode.Conflict, $"answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return "refused";
    }

    /// <summary>What no longer holds, in words; empty when everything does.</summary>
    private static async Task<List<string>> BrokenAsync(PaydeskHost host, Shop shop, DateTimeOffset now)
    {
        var (broken, covered) = await BooksAsync(host, shop, now);
        // Access, as the clinic's app asks for it: exactly while a paid period of a subscription not canceled runs.
        var allowed = (await shop.Tenant.GetOk($"/api/v1/customers/{shop.Customer}/access/telerehab")).GetProperty("allowed").GetBoolean();
        if (covered != allowed) broken.Add(covered ? "a paid period runs and there is no access" : "there is access and no paid period runs");
        return broken;
    }

    /// <summary>What the customer's books break, and whether a paid period of a subscription not canceled runs now.</summary>
    private static Task<(List<string> Broken, bool Covered)> BooksAsync(PaydeskHost host, Shop shop, DateTimeOffset now) => host.InTenantAsync(shop.Tenant.TenantId, async db =>
    {
        var broken = new List<string>();
        var subscriptions = await db.Subscriptions.AsNoTracking().Where(s => s.CustomerId == shop.Customer).ToListAsync();
        var allPeriods = await db.SubscriptionPeriods.AsNoTracking().Where(p => p.CustomerId == shop.Customer).ToListAsync();
        var payments = await db.Payments.AsNoTracking().Where(p => p.CustomerId == shop.Customer).ToListAsync();
        var charges = await db.MockCharges.AsNoTracking().Where(c => c.PaymentId != null).ToListAsync();
        var invoices = await db.Invoices.AsNoTracking().Where(i => i.SourceKind == RenewalPurpose.SourceKind).ToListAsync();
        var changes = await db.PlanChanges.AsNoTracking().Where(c => c.CustomerId == shop.Customer).ToListAsync();
        // Captured and not given back in full: what the customer paid, by payment.
        var kept = charges.Where(c => c.Captures > 0 && c.RefundedMinor < c.AmountMinor).GroupBy(c => c.PaymentId!).ToDictionary(g => g.Key, g => g.Sum(c => c.Captures));
        var covered = false;

        foreach (var subscription in subscriptions)
        {
            var name = $"subscription {subscription.Id}";
            var periods = allPeriods.Where(p => p.SubscriptionId == subscription.Id).OrderBy(p => p.Number).ToList();
            for (var i = 0; i < periods.Count; i++)
            {
                var period = periods[i];
                if (period.Number != i) broken.Add($"{name}: period {i} is numbered {period.Number}");
                if (period.EndsAt <= period.StartsAt) broken.Add($"{name}: period {i} ends before it starts");
                if (i > 0 && period.StartsAt < periods[i - 1].EndsAt) broken.Add($"{name}: period {i} starts before period {i - 1} ends");
                if (period.Status == PeriodStatus.Open && i != periods.Count - 1) broken.Add($"{name}: period {i} is open and not the last");
                if (period.Trial)
                {
                    // A free trial: the first period, paid by nothing, as long as the trial (a day may be 23 or 25 hours).
                    if (i != 0 || period.Status != PeriodStatus.Paid || period.PaymentId is not null) broken.Add($"{name}: period {i} is a trial, {period.Status}, paid by {period.PaymentId}");
                    if (Math.Abs((period.EndsAt - period.StartsAt - TimeSpan.FromDays(TrialDays)).TotalHours) > 1) broken.Add($"{name}: its trial runs {period.EndsAt - period.StartsAt}");
                }
                if (i == 0) continue;
                var own = payments.Where(p => p.Purpose == RenewalPurpose.For(period.Id)).ToList();
                var captured = own.Sum(p => kept.GetValueOrDefault(p.Id));
                if (own.Count(p => p.Status is PaymentStatus.Created or PaymentStatus.Pending or PaymentStatus.Unknown) > 1) broken.Add($"{name}: period {i} has two live payments");
                var periodInvoices = invoices.Count(inv => inv.SourceId == period.Id);
                if (period.Status == PeriodStatus.Paid && !period.Comped)
                {
                    if (captured != 1) broken.Add($"{name}: period {i} is paid and was captured {captured} times");
                    if (period.PaymentId is null || kept.GetValueOrDefault(period.PaymentId) != 1) broken.Add($"{name}: period {i} is paid by {period.PaymentId}, which was not captured");
                    if (periodInvoices != 1) broken.Add($"{name}: period {i} is paid and has {periodInvoices} invoices");
                }
                else
                {
                    if (captured != 0) broken.Add($"{name}: period {i} is {period.Status}{(period.Comped ? " (comped)" : "")} and was captured {captured} times");
                    if (period.Status != PeriodStatus.Paid && periodInvoices != 0) broken.Add($"{name}: period {i} is unpaid and has {periodInvoices} invoices");
                }
            }
            // Nothing was charged for the subscription after it was canceled, and no period made.
            if (subscription.CanceledAt is { } canceledAt)
            {
                var purposes = periods.Select(p => RenewalPurpose.For(p.Id)).ToHashSet();
                if (payments.Any(p => purposes.Contains(p.Purpose) && p.CreatedAt > canceledAt)) broken.Add($"{name}: a renewal was charged after the cancellation");
                if (periods.Any(p => p.CreatedAt > canceledAt)) broken.Add($"{name}: a period was made after the cancellation");
            }
            // Trialing only while nothing but the trial has been: the first charge ends it.
            if (subscription.Status == SubscriptionStatus.Trialing && (periods.Count != 1 || !periods[0].Trial)) broken.Add($"{name}: trialing with {periods.Count} periods");
            if (subscription.Status == SubscriptionStatus.Trialing && periods[0].EndsAt <= now) broken.Add($"{name}: still trialing after its trial ended");
            if (changes.Count(c => c.SubscriptionId == subscription.Id && c.Status is PlanChangeStatus.Pending or PlanChangeStatus.Scheduled) > 1)
                broken.Add($"{name}: two plan changes wait at once");
            covered |= subscription.Status != SubscriptionStatus.Canceled
                       && periods.Any(p => p.Status == PeriodStatus.Paid && p.StartsAt <= now && now < p.EndsAt);
        }

        // Every renewal or plan-change capture pays for something that says so.
        foreach (var payment in payments.Where(p => kept.ContainsKey(p.Id)))
        {
            if (payment.Purpose.StartsWith(RenewalPurpose.Prefix, StringComparison.Ordinal)
                && !allPeriods.Any(p => RenewalPurpose.For(p.Id) == payment.Purpose && p.PaymentId == payment.Id && p.Status == PeriodStatus.Paid))
                broken.Add($"renewal payment {payment.Id} was captured and pays for no period");
            if (payment.Purpose.StartsWith("plan-change:", StringComparison.Ordinal)
                && !changes.Any(c => c.PaymentId == payment.Id && c.Status == PlanChangeStatus.Applied))
                broken.Add($"plan change payment {payment.Id} was captured and no change was applied");
        }
        // One trial per customer and plan (one plan here has one); a card kept for it moved no money.
        if (allPeriods.Count(p => p.Trial) > 1) broken.Add($"{allPeriods.Count(p => p.Trial)} trials were given");
        if (payments.Where(p => p.AmountMinor == 0).Any(p => charges.Any(c => c.PaymentId == p.Id && c.Captures > 0))) broken.Add("a checkout of nothing captured money");
        foreach (var change in changes.Where(c => c.Kind == PlanChangeKind.Upgrade && c.Status == PlanChangeStatus.Applied && c.DueMinor > 0))
            if (change.PaymentId is null || kept.GetValueOrDefault(change.PaymentId) != 1) broken.Add($"upgrade {change.Id} was applied and not captured once");
        return (broken, covered);
    });
}
