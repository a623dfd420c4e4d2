using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Paydesk.Notifications.Outbox;

namespace Paydesk.Tests.Demo;

/// <summary>Each demo tenant sells something through the API, paid on the Mock page as a browser would, confirmed by email.</summary>
public sealed class DemoPurchaseTests
{
    private static readonly DateTimeOffset June10 = new(2026, 6, 10, 10, 0, 0, TimeSpan.Zero);

    public static TheoryData<Engine, string, string, int?> Purchases()
    {
        var data = new TheoryData<Engine, string, string, int?>();
        foreach (var engine in new[] { Engine.Sqlite, Engine.Postgres })
        {
            data.Add(engine, "clinic", "10-session physiotherapy package", null);
            data.Add(engine, "clinic", "Monthly telerehab", null);
            data.Add(engine, "clinic", "3-month recovery program", null);
            data.Add(engine, "platform", "Verified clinic", 6);
            data.Add(engine, "coach", "First consultation", null);
            data.Add(engine, "bot", "Basic", null);
        }
        return data;
    }

    [Theory, MemberData(nameof(Purchases))]
    public async Task A_demo_purchase_activates_and_is_confirmed_by_email(Engine engine, string tenant, string planName, int? termMonths)
    {
        var maildev = await MailDevServer.Shared;
        var clock = new FakeTimeProvider(June10);
        await using var host = await PaydeskHost.StartAsync(engine,
            new HostOptions { Environment = "Development", Clock = clock, SmtpPort = maildev.SmtpPort, MockEnabled = null });
        var api = new TenantClient(host, tenant, $"sk_test_demo_{tenant}");

        var plan = (await api.ListAll("/api/v1/plans")).Single(p => p.Str("name") == planName);
        var customer = (await api.ListAll("/api/v1/customers"))[0];
        var inbox = MailDevServer.NewRecipient(tenant);
        (await api.Http.PatchAsJsonAsync($"/api/v1/customers/{customer.Id()}", new { email = inbox })).EnsureSuccessStatusCode();

        var order = await api.PostOk("/api/v1/orders", new { customerId = customer.Id(), lines = new[] { new { planId = plan.Id(), termMonths } } });
        var (paymentId, _) = await api.CheckoutAsync(order.Id());
        await api.PressOnMockPageAsync(paymentId);
        await api.OrderWhenAsync(order.Id(), "fulfilled");

        var entitlements = await api.ListAll($"/api/v1/entitlements?orderId={order.Id()}");
        var shipments = await api.ListAll($"/api/v1/shipments?orderId={order.Id()}");
        switch (planName)
        {
            case "10-session physiotherapy package":
                Assert.Single(entitlements).GetProperty("sessionsRemaining").GetInt32().ShouldBe(10);
                break;
            case "Monthly telerehab":
                var telerehab = Assert.Single(entitlements);
                telerehab.Str("feature").ShouldBe("telerehab");
                telerehab.GetProperty("endsAt").GetDateTimeOffset().ShouldBe(June10.AddMonths(1)); // first period
                break;
            case "3-month recovery program":
                Assert.Equal(["sessions", "access"], entitlements.Select(e => e.Str("type")));
                Assert.Single(shipments).Str("status").ShouldBe("placed");
                break;
            case "Verified clinic":
                var badge = Assert.Single(entitlements);
                badge.Str("type").ShouldBe("badge");
                // Six months on the clinic's calendar (Europe/Bucharest): 13:00 local is 11:00 UTC in December.
                badge.GetProperty("endsAt").GetDateTimeOffset().ShouldBe(new DateTimeOffset(2026, 12, 10, 11, 0, 0, TimeSpan.Zero));
                break;
            case "First consultation":
                Assert.Single(entitlements).GetProperty("sessionsRemaining").GetInt32().ShouldBe(1);
                break;
            case "Basic":
                Assert.Single(entitlements).GetProperty("tokens").GetInt64().ShouldBe(100);
                break;
        }

        var invoice = Assert.Single(await api.ListAll($"/api/v1/invoices?orderId={order.Id()}"));
        var mail = await maildev.WaitForMessageTo(inbox, TimeSpan.FromSeconds(20));
        Assert.Contains(invoice.Str("number"), mail.Str("subject"));
    }
}
