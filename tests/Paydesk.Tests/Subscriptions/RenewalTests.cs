using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using NodaTime;
using Paydesk.Payments;
using Paydesk.Payments.Mock;

namespace Paydesk.Tests.Subscriptions;

/// <summary>Renewals on a fake clock: each period charged once with the kept card, on the calendar of the customer's zone.</summary>
public sealed class RenewalTests
{
    private static readonly DateTimeZone Bucharest = DateTimeZoneProviders.Tzdb["Europe/Bucharest"];

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_monthly_subscription_started_on_January_31st_renews_on_February_29th_March_31st_and_April_30th_charged_once_each(Engine engine)
    {
        // Jan 31 2028, 11:00 in Bucharest.
        var (host, clock, shop, id) = await SubscribedAsync(engine, new DateTimeOffset(2028, 1, 31, 9, 0, 0, TimeSpan.Zero), "pays");
        await using var _ = host;

        LocalDateTime[] ends = [new(2028, 2, 29, 11, 0), new(2028, 3, 31, 11, 0), new(2028, 4, 30, 11, 0), new(2028, 5, 31, 11, 0)];
        for (var n = 1; n <= 3; n++)
        {
            // The period's end comes; the renewal job, due then, charges the card.
            clock.SetUtcNow(Bucharest.AtStrictly(ends[n - 1]).ToInstant().ToDateTimeOffset());
            await host.SettleAsync();
            var subscription = await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}");
            subscription.Str("status").ShouldBe("active");
            var periods = subscription.GetProperty("periods").EnumerateArray().ToList();
            Assert.Equal(n + 1, periods.Count);
            var period = periods[n];
            (period.GetProperty("number").GetInt32(), period.Str("status")).ShouldBe((n, "paid"));
            (Local(period, "startsAt"), Local(period, "endsAt")).ShouldBe((ends[n - 1], ends[n]));
            subscription.GetProperty("nextChargeAt").GetDateTimeOffset().ShouldBe(period.GetProperty("endsAt").GetDateTimeOffset());

            // What the period paid for: its invoice, and access exactly over it.
            var source = $"sourceKind=period&sourceId={period.Id()}";
            var access = Assert.Single((await shop.Tenant.GetOk($"/api/v1/entitlements?{source}")).Items());
            (access.GetProperty("startsAt").GetDateTimeOffset(), access.GetProperty("endsAt").GetDateTimeOffset())
                .ShouldBe((period.GetProperty("startsAt").GetDateTimeOffset(), period.GetProperty("endsAt").GetDateTimeOffset()));
            var invoice = Assert.Single((await shop.Tenant.GetOk($"/api/v1/invoices?{source}")).Items());
            invoice.Str("paymentId").ShouldBe(period.Str("paymentId"));
        }
        (await shop.Tenant.GetOk($"/api/v1/customers/{shop.Customer}/access/telerehab")).GetProperty("allowed").GetBoolean().ShouldBe(true);

        // The job run again at once, and again a day later, well before the period's end: nothing is charged twice.
        await RunRenewalNowAsync(host, clock, shop, id);
        clock.Advance(TimeSpan.FromDays(1));
        await RunRenewalNowAsync(host, clock, shop, id);
        Assert.Equal(4, (await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}")).GetProperty("periods").GetArrayLength());
        Assert.Equal([1, 1, 1], await host.InTenantAsync(shop.Tenant.TenantId, db =>
            db.MockCharges.Where(c => c.IdempotencyKey.EndsWith("-1")).OrderBy(c => c.IdempotencyKey).Select(c => c.Captures).ToListAsync()));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_declined_renewal_leaves_the_period_open_and_the_subscription_past_due_and_a_period_takes_no_second_live_payment(Engine engine)
    {
        var (host, clock, shop, id) = await SubscribedAsync(engine, new DateTimeOffset(2028, 3, 10, 12, 0, 0, TimeSpan.Zero), "declines");
        await using var _ = host;

        clock.Advance(TimeSpan.FromDays(32));
        await host.SettleAsync();
        var subscription = await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}");
        subscription.Str("status").ShouldBe("past_due");
        var open = subscription.GetProperty("periods")[1];
        open.Str("status").ShouldBe("open");
        var failed = await host.InTenantAsync(shop.Tenant.TenantId, db => db.Payments.SingleAsync(p => p.Purpose == "renewal:" + open.Id()));
        failed.Status.ShouldBe(Paydesk.Core.PaymentStatus.Failed);

        // The database itself refuses two live payments for one period.
        async Task<Exception?> AddLiveAsync(string key) => await Record.ExceptionAsync(() => host.InTenantAsync(shop.Tenant.TenantId, async db =>
        {
            db.Payments.Add(new Payment
            {
                TenantId = "", Id = "pay_" + key, Purpose = failed.Purpose, CustomerId = failed.CustomerId, AmountMinor = failed.AmountMinor, Currency = failed.Currency,
                Status = Paydesk.Core.PaymentStatus.Pending, Provider = failed.Provider, ProviderAccountId = failed.ProviderAccountId, IdempotencyKey = key,
                CreatedAt = clock.GetUtcNow(), UpdatedAt = clock.GetUtcNow(),
            });
            return await db.SaveChangesAsync();
        }));
        Assert.Null(await AddLiveAsync("retry_a"));
        Assert.IsAssignableFrom<DbUpdateException>(await AddLiveAsync("retry_b"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Eight_renewals_of_one_due_subscription_at_once_make_one_period_and_charge_it_once(Engine engine)
    {
        var (host, clock, shop, id) = await SubscribedAsync(engine, new DateTimeOffset(2028, 5, 2, 8, 0, 0, TimeSpan.Zero), "pays");
        await using var _ = host;
        clock.Advance(TimeSpan.FromDays(31));
        // Eight processes' workers, say, each picking the renewal up at once (and the host's own workers too, when they wake).
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            await using var scope = host.Services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<Paydesk.Tenancy.TenantContext>().Set(shop.Tenant.TenantId, Paydesk.Tenancy.Role.TenantAdmin);
            await scope.ServiceProvider.GetRequiredService<Paydesk.Subscriptions.RenewSubscription>().RunAsync(id, CancellationToken.None);
        })));
        await host.SettleAsync();

        var subscription = await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}");
        var periods = subscription.GetProperty("periods").EnumerateArray().ToList();
        (subscription.Str("status"), periods.Count, periods[1].Str("status")).ShouldBe(("active", 2, "paid"));
        var renewals = await host.InTenantAsync(shop.Tenant.TenantId, db => db.Payments.Where(p => p.Purpose.StartsWith("renewal:")).Select(p => p.Id).ToListAsync());
        Assert.Single(renewals);
        Assert.Equal(1, await host.InTenantAsync(shop.Tenant.TenantId, db => db.MockCharges.Where(c => c.PaymentId == renewals[0]).SumAsync(c => c.Captures)));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_card_that_keeps_declining_is_tried_again_after_one_three_and_five_days_then_the_subscription_is_canceled(Engine engine)
    {
        var (host, clock, shop, id) = await SubscribedAsync(engine, new DateTimeOffset(2028, 3, 10, 12, 0, 0, TimeSpan.Zero), "declines");
        await using var _ = host;
        async Task<(string Status, int Attempts)> NowAsync()
        {
            var subscription = await shop.Tenant.GetOk($"/api/v1/subscriptions/{id}");
            var period = subscription.GetProperty("periods")[subscription.GetProperty("periods").GetArrayLength() - 1].Id();
            return (subscription.Str("status"), await host.InTenantAsync(shop.Tenant.TenantId, db => db.Payments.CountAsync(p => p.Purpose == "renewal:" + period)));
        }

        clock.Advance(TimeSpan.FromDays(32));
        await host.SettleAsync();
        (await NowAsync()).ShouldBe(("past_due", 1));
        // Not before its time: a day less a minute on, nothing is tried.
        clock.Advance(TimeSpan.FromDays(1) - TimeSpan.FromMinutes(1));
        await host.SettleAsync();
        (await NowAsync()).ShouldBe(("past_due", 1));
        foreach (var (wait, attempts) in new[] { (TimeSpan.FromMinutes(1), 2), (TimeSpan.FromDays(3), 3), (TimeSpan.FromDays(5), 4) })
        {
            clock.Advance(wait);
            await host.SettleAsync();
            (await NowAsync()).ShouldBe((attempts == 4 ? "canceled" : "past_due", attempts));
        }
        // Canceled: no more attempts, however long the clock runs.
        clock.Advance(TimeSpan.FromDays(40));
        await host.SettleAsync();
        (await NowAsync()).ShouldBe(("canceled", 4));
        Assert.Equal(0, await host.InTenantAsync(shop.Tenant.TenantId, db => db.MockCharges.Where(c => c.PaymentId != null && c.IdempotencyKey.StartsWith("per_")).SumAsync(c => c.Captures)));
    }

    /// <summary>
    /// A host on a fake clock set to <paramref name="at"/>, where the shop's customer has bought the monthly plan (or the plan
    /// <paramref name="plan"/> makes) on the Mock page, paying with the card it offers to keep (<c>pays</c>, or <c>declines</c> later charges).
    /// </summary>
    internal static async Task<(PaydeskHost Host, FakeTimeProvider Clock, Shop Shop, string SubscriptionId)> SubscribedAsync(
        Engine engine, DateTimeOffset at, string card, Func<Shop, Task<string>>? plan = null, FakeTimeProvider? clock = null)
    {
        clock ??= new FakeTimeProvider(at);
        var host = await PaydeskHost.StartAsync(engine, new HostOptions { Clock = clock });
        var shop = await Shop.OpenAsync(host);
        var id = await BuyAsync(host, shop, plan is null ? shop.Monthly : await plan(shop), card);
        var kept = (await shop.Tenant.GetOk($"/api/v1/payment-methods?customerId={shop.Customer}")).Items().First();
        (kept.Str("provider"), kept.Str("brand")).ShouldBe(("mock", "visa"));
        return (host, clock, shop, id);
    }

    /// <summary>The shop's customer buys a recurring plan on the Mock page, keeping <paramref name="card"/>; answers the subscription it starts.</summary>
    internal static async Task<string> BuyAsync(PaydeskHost host, Shop shop, string planId, string card)
    {
        var order = (await shop.Tenant.PostOk("/api/v1/orders", new { customerId = shop.Customer, lines = new[] { new { planId } } })).Id();
        var (paymentId, _) = await shop.Tenant.CheckoutAsync(order);
        using (var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.BaseAddress })
        {
            Assert.Contains("The card to keep for renewals", await browser.GetStringAsync($"/mock-pay/{paymentId}"));
            var paid = await browser.PostAsync($"/mock-pay/{paymentId}/succeed", new FormUrlEncodedContent(new Dictionary<string, string> { ["card"] = card }));
            paid.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        }
        await shop.Tenant.OrderWhenAsync(order, "fulfilled");
        return Assert.Single((await shop.Tenant.GetOk($"/api/v1/subscriptions?customerId={shop.Customer}")).Items(), s => s.Str("orderId") == order).Id();
    }

    /// <summary>The subscription's renewal job made due now and run.</summary>
    internal static async Task RunRenewalNowAsync(PaydeskHost host, FakeTimeProvider clock, Shop shop, string subscriptionId)
    {
        await host.InTenantAsync(shop.Tenant.TenantId, async db =>
        {
            var job = await db.Jobs.SingleAsync(j => j.Key == Paydesk.Jobs.JobQueue.KeyOf(Paydesk.Subscriptions.RenewSubscription.JobKind, subscriptionId));
            (job.DueAt, job.State) = (clock.GetUtcNow(), Paydesk.Jobs.JobState.Queued);
            return await db.SaveChangesAsync();
        });
        await host.SettleAsync();
    }

    private static LocalDateTime Local(JsonElement period, string field) =>
        Instant.FromDateTimeOffset(period.GetProperty(field).GetDateTimeOffset()).InZone(Bucharest).LocalDateTime;
}
