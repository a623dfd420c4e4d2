using NodaTime;
using Paydesk.Core;

namespace Paydesk.Tests.Subscriptions;

/// <summary>Buying a plan sold by its billing interval starts a subscription whose first period the order paid.</summary>
public sealed class SubscriptionStartTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_monthly_plan_bought_starts_an_active_subscription_whose_first_period_is_the_access_it_granted(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await Shop.OpenAsync(host);
        var (order, paymentId) = await shop.Tenant.BuyAsync(shop.Customer, new { planId = shop.Monthly });

        var listed = Assert.Single((await shop.Tenant.GetOk($"/api/v1/subscriptions?customerId={shop.Customer}")).Items());
        var subscription = await shop.Tenant.GetOk($"/api/v1/subscriptions/{listed.Id()}");
        (subscription.Str("status"), subscription.Str("planId"), subscription.Str("orderId"), subscription.Str("provider"), subscription.Str("timeZone"))
            .ShouldBe(("active", shop.Monthly, order, "mock", "Europe/Bucharest"));
        (subscription.GetProperty("price").GetProperty("amount").GetInt64(), subscription.GetProperty("interval").Str("unit")).ShouldBe((200_00L, "month"));
        var period = Assert.Single(subscription.GetProperty("periods").EnumerateArray());
        (period.GetProperty("number").GetInt32(), period.Str("status"), period.Str("paymentId")).ShouldBe((0, "paid", paymentId));

        // One calendar month in the customer's zone, at the same local time: what the access it bought runs to.
        var zone = DateTimeZoneProviders.Tzdb["Europe/Bucharest"];
        var (starts, ends) = (Local(period, "startsAt", zone), Local(period, "endsAt", zone));
        ends.ShouldBe(starts.PlusMonths(1));
        var access = Assert.Single((await shop.Tenant.GetOk($"/api/v1/entitlements?orderId={order}")).Items());
        access.GetProperty("endsAt").GetDateTimeOffset().ShouldBe(period.GetProperty("endsAt").GetDateTimeOffset());
        subscription.GetProperty("nextChargeAt").GetDateTimeOffset().ShouldBe(period.GetProperty("endsAt").GetDateTimeOffset());
        subscription.GetProperty("currentPeriod").Id().ShouldBe(period.Id());

        // Fulfilled again by hand: nothing new starts.
        await shop.Tenant.PostOk($"/api/v1/orders/{order}/fulfil", new { });
        Assert.Single((await shop.Tenant.GetOk($"/api/v1/subscriptions?customerId={shop.Customer}")).Items());
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_plan_sold_by_term_or_once_starts_none_and_another_tenant_or_customer_sees_none(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await Shop.OpenAsync(host);
        await shop.Tenant.BuyAsync(shop.Customer, new { planId = shop.Package }, new { planId = shop.Termed, termMonths = 3 });
        Assert.Empty((await shop.Tenant.GetOk($"/api/v1/subscriptions?customerId={shop.Customer}")).Items());

        await shop.Tenant.BuyAsync(shop.Customer, new { planId = shop.Monthly });
        var mine = Assert.Single((await shop.Tenant.GetOk("/api/v1/subscriptions?status=active")).Items());
        var other = await Shop.OpenAsync(host);
        Assert.Empty((await other.Tenant.GetOk("/api/v1/subscriptions")).Items());
        (await other.Tenant.Http.GetAsync($"/api/v1/subscriptions/{mine.Id()}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var wrong = await shop.Tenant.Http.GetAsync("/api/v1/subscriptions?status=lapsed");
        wrong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        Assert.Contains("status", await wrong.Content.ReadAsStringAsync());
    }

    private static LocalDateTime Local(JsonElement period, string field, DateTimeZone zone) =>
        Instant.FromDateTimeOffset(period.GetProperty(field).GetDateTimeOffset()).InZone(zone).LocalDateTime;
}
