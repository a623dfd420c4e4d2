using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace Paydesk.Tests.Subscriptions;

/// <summary>
/// Renewals against the clock's tricks: days across a DST change, a customer east of UTC renewing around midnight UTC, a
/// job run late, a clock that jumps forward and back, and days of downtime — each period charged at most once, counted
/// where the money is (the Mock provider's captures), with the plan's policy for periods missed.
/// </summary>
public sealed class RenewalClockTests
{
    private static readonly DateTimeZone Bucharest = DateTimeZoneProviders.Tzdb["Europe/Bucharest"];

    /// <summary>A plan renewing every day (or <paramref name="unit"/>), with the renewal choices given.</summary>
    private static Func<Shop, Task<string>> Plan(string unit = "day", string missed = "bill_each") => async shop =>
        (await shop.Tenant.PostOk("/api/v1/plans", new
        {
            name = $"Every {unit}", price = new { amount = 10_00, currency = "RON" }, interval = new { unit, count = 1 },
            grants = new[] { new { type = "access", feature = "telerehab" } }, renewal = new { missedPeriods = missed },
        })).Id();

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_daily_subscription_across_the_spring_DST_change_renews_once_each_day_at_the_same_local_time(Engine engine)
    {
        // Mar 24 2028, 10:30 in Bucharest; clocks go forward on Sunday Mar 26.
        var (host, clock, shop, id) = await RenewalTests.SubscribedAsync(engine, new DateTimeOffset(2028, 3, 24, 8, 30, 0, TimeSpan.Zero), "pays", Plan());
        await using var _ = host;
        for (var day = 25; day <= 28; day++)
        {
            clock.SetUtcNow(Bucharest.AtStrictly(new LocalDateTime(2028, 3, day, 10, 30)).ToInstant().ToDateTimeOffset());
            await host.SettleAsync();
            // Half a day on, nothing more.
            clock.Advance(TimeSpan.FromHours(12));
            await host.SettleAsync();
        }
        var periods = await PeriodsAsync(shop, id);
        Assert.Equal([24, 25, 26, 27, 28], periods.Select(p => Local(p.StartsAt).Day));
        Assert.All(periods, p => (Local(p.StartsAt).TimeOfDay, Local(p.EndsAt).TimeOfDay).ShouldBe((new LocalTime(10, 30), new LocalTime(10, 30))));
        // The day that holds the clocks going forward (3:00 on Sunday the 26th) is 23 hours long.
        Assert.Equal([24, 23, 24, 24, 24], periods.Select(p => (int)(p.EndsAt - p.StartsAt).TotalHours));
        await ChargedOnceEachAsync(host, shop, id, paid: 4);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_customer_at_UTC_plus_3_renewing_around_midnight_UTC_gets_one_invoice_a_period(Engine engine)
    {
        // Jan 31 2028, 23:30 UTC: Feb 1, 02:30 in Moscow, where the customer lives.
        var clock = new FakeTimeProvider(new DateTimeOffset(2028, 1, 31, 23, 30, 0, TimeSpan.Zero));
        var host = await PaydeskHost.StartAsync(engine, new HostOptions { Clock = clock });
        await using var _ = host;
        var shop = await Shop.OpenAsync(host);
        await shop.Tenant.Http.PatchAsJsonAsync($"/api/v1/customers/{shop.Customer}", new { timeZone = "Europe/Moscow" });
        var id = await RenewalTests.BuyAsync(host, shop, shop.Monthly, "pays");
        var moscow = DateTimeZoneProviders.Tzdb["Europe/Moscow"];

        // Renewal due Mar 1, 02:30 Moscow = Feb 29, 23:30 UTC; the job runs then, and again on each side of midnight UTC.
        foreach (var at in new[] { new DateTimeOffset(2028, 2, 29, 23, 30, 0, TimeSpan.Zero), new DateTimeOffset(2028, 2, 29, 23, 59, 0, TimeSpan.Zero), new DateTimeOffset(2028, 3, 1, 0, 30, 0, TimeSpan.Zero) })
        {
            clock.SetUtcNow(at);
            await RenewalTests.RunRenewalNowAsync(host, clock, shop, id);
        }
        var periods = await PeriodsAsync(shop, id);
        Assert.Equal(2, periods.Count);
        Assert.Equal([new LocalDateTime(2028, 2, 1, 2, 30), new LocalDateTime(2028, 3, 1, 2, 30), new LocalDateTime(2028, 4, 1, 2, 30)],
            periods.Select(p => Instant.FromDateTimeOffset(p.StartsAt).InZone(moscow).LocalDateTime).Append(Instant.FromDateTimeOffset(periods[^1].EndsAt).InZone(moscow).LocalDateTime));
        Assert.Single((await shop.Tenant.GetOk($"/api/v1/invoices?sourceKind=period&sourceId={periods[1].Id}")).Items());
        await ChargedOnceEachAsync(host, shop, id, paid: 1);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_job_run_past_its_next_tick_bills_the_missed_day_and_the_current_one_once_each(Engine engine)
    {
        var (host, clock, shop, id) = await RenewalTests.SubscribedAsync(engine, new DateTimeOffset(2028, 6, 1, 9, 0, 0, TimeSpan.Zero), "pays", Plan());
        await using var _ = host;
        // Due on June 2 at 9:00, the renewal runs only on June 3 at 21:00: after the next renewal's time too.
        clock.Advance(TimeSpan.FromHours(60));
        await host.SettleAsync();
        var periods = await PeriodsAsync(shop, id);
        Assert.Equal(3, periods.Count);
        // Contiguous: the late run did not skip or double a day.
        Assert.All(periods.Zip(periods.Skip(1)), p => p.First.EndsAt.ShouldBe(p.Second.StartsAt));
        await ChargedOnceEachAsync(host, shop, id, paid: 2);
        await RenewalTests.RunRenewalNowAsync(host, clock, shop, id);
        await ChargedOnceEachAsync(host, shop, id, paid: 2);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_clock_that_jumps_forward_a_day_and_back_an_hour_charges_no_period_twice(Engine engine)
    {
        var clock = new JumpingClock(new DateTimeOffset(2028, 6, 1, 9, 0, 0, TimeSpan.Zero));
        var (host, _, shop, id) = await RenewalTests.SubscribedAsync(engine, clock.GetUtcNow(), "pays", Plan(), clock);
        await using var __ = host;
        // Just past the renewal; then the clock is set back an hour, before it, and the job runs again.
        clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(10));
        await host.SettleAsync();
        await ChargedOnceEachAsync(host, shop, id, paid: 1);
        clock.Skew = -TimeSpan.FromHours(1);
        await RenewalTests.RunRenewalNowAsync(host, clock, shop, id);
        await ChargedOnceEachAsync(host, shop, id, paid: 1);
        // It jumps forward a day (past the next renewal), and back an hour from there: before the period it just renewed began.
        clock.Skew = TimeSpan.FromDays(1);
        await RenewalTests.RunRenewalNowAsync(host, clock, shop, id);
        await ChargedOnceEachAsync(host, shop, id, paid: 2);
        clock.Skew = TimeSpan.FromDays(1) - TimeSpan.FromHours(1);
        await RenewalTests.RunRenewalNowAsync(host, clock, shop, id);
        await RenewalTests.RunRenewalNowAsync(host, clock, shop, id);
        await ChargedOnceEachAsync(host, shop, id, paid: 2);
    }

    [Theory]
    [InlineData(Engine.Sqlite, "bill_each"), InlineData(Engine.Postgres, "bill_each"), InlineData(Engine.Sqlite, "bill_once"), InlineData(Engine.Postgres, "bill_once")]
    public async Task Three_days_of_downtime_bill_each_missed_day_or_once_and_realign_as_the_plan_says_never_twice(Engine engine, string missed)
    {
        var start = new DateTimeOffset(2028, 6, 1, 9, 0, 0, TimeSpan.Zero);
        var (host, clock, shop, id) = await RenewalTests.SubscribedAsync(engine, start, "pays", Plan(missed: missed));
        await using var _ = host;
        // Nothing runs from the first renewal's moment until three days later, at 15:00.
        clock.Advance(TimeSpan.FromDays(3) + TimeSpan.FromHours(6));
        await host.SettleAsync();
        var periods = await PeriodsAsync(shop, id);
        if (missed == "bill_each")
        {
            // Days 2, 3 and 4 (the current one), each charged, on the old schedule.
            Assert.Equal([start, start.AddDays(1), start.AddDays(2), start.AddDays(3)], periods.Select(p => p.StartsAt));
            await ChargedOnceEachAsync(host, shop, id, paid: 3);
        }
        else
        {
            // One period from now: the schedule starts again at 15:00.
            Assert.Equal([start, clock.GetUtcNow()], periods.Select(p => p.StartsAt));
            periods[1].EndsAt.ShouldBe(clock.GetUtcNow().AddDays(1));
            await ChargedOnceEachAsync(host, shop, id, paid: 1);
            var subscription = await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}");
            subscription.GetProperty("nextChargeAt").GetDateTimeOffset().ShouldBe(clock.GetUtcNow().AddDays(1));
        }
        // And the day after, one more renewal, on whichever schedule it now keeps.
        clock.SetUtcNow(periods[^1].EndsAt);
        await host.SettleAsync();
        await ChargedOnceEachAsync(host, shop, id, paid: periods.Count);
    }

    private sealed record Period(string Id, int Number, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string Status);

    private static async Task<List<Period>> PeriodsAsync(Shop shop, string id) =>
        [.. (await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}")).GetProperty("periods").EnumerateArray().Select(p => new Period(
            p.Id(), p.GetProperty("number").GetInt32(), p.GetProperty("startsAt").GetDateTimeOffset(), p.GetProperty("endsAt").GetDateTimeOffset(), p.Str("status")))];

    /// <summary>
    /// The invariant, counted at the provider: every renewed period after the first is paid and captured exactly once at the
    /// Mock provider, an open one not at all, and each paid period has one invoice; <paramref name="paid"/> periods were renewed.
    /// </summary>
    private static async Task ChargedOnceEachAsync(PaydeskHost host, Shop shop, string id, int paid)
    {
        var periods = (await PeriodsAsync(shop, id)).Skip(1).ToList();
        Assert.Equal(paid, periods.Count(p => p.Status == "paid"));
        var captures = await host.InTenantAsync(shop.Tenant.TenantId, async db =>
        {
            var purposes = periods.Select(p => "renewal:" + p.Id).ToList();
            var payments = await db.Payments.Where(p => purposes.Contains(p.Purpose)).Select(p => new { p.Id, p.Purpose }).ToListAsync();
            var ids = payments.Select(p => p.Id).ToList();
            var charged = await db.MockCharges.Where(c => ids.Contains(c.PaymentId)).Select(c => new { c.PaymentId, c.Captures }).ToListAsync();
            return periods.Select(period => charged.Where(c => payments.Any(p => p.Id == c.PaymentId && p.Purpose == "renewal:" + period.Id)).Sum(c => c.Captures)).ToList();
        });
        Assert.Equal(periods.Select(p => p.Status == "paid" ? 1 : 0), captures);
        foreach (var period in periods.Where(p => p.Status == "paid"))
            Assert.Single((await shop.Tenant.GetOk($"/api/v1/invoices?sourceKind=period&sourceId={period.Id}")).Items());
    }

    private static LocalDateTime Local(DateTimeOffset at) => Instant.FromDateTimeOffset(at).InZone(Bucharest).LocalDateTime;

    /// <summary>A fake clock that can also be set back, as a host's clock is by an NTP correction or an operator.</summary>
    private sealed class JumpingClock(DateTimeOffset start) : FakeTimeProvider(start)
    {
        public TimeSpan Skew { get; set; }
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Skew;
    }
}
