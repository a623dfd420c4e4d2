using System.Globalization;
using Xunit.Abstractions;

namespace Paydesk.Tests.Subscriptions;

/// <summary>
/// Two Paydesk processes on one PostgreSQL renewing the same load, one of them killed with SIGKILL
/// after the provider charged cards and before Paydesk recorded it: every period is charged once,
/// counted at the provider (the Mock provider's own charges), not only in Paydesk's tables.
/// </summary>
public sealed class RenewalCrashTests(ITestOutputHelper output)
{
    private const int Subscribers = 12;
    private const int Held = 3;

    [Fact]
    public async Task Two_processes_renew_one_load_while_one_is_killed_mid_charge_and_every_period_is_charged_once()
    {
        using var database = await TestDatabase.CreateAsync(Engine.Postgres, "killed_renewals");
        using var ring = new SharedKeyRing();
        var options = new ProcessOptions
        {
            Database = database, KeyRingPath = ring.Path, Log = output,
            // The killed process's claims run out 15 s after it made them; a run must end before its claim does (a quarter
            // earlier), so a shorter lease cancels fulfilments and renewals a loaded machine takes seconds over.
            Settings = new Dictionary<string, string> { ["Jobs:LeaseSeconds"] = "15", ["Subscriptions:ChargingFor"] = "00:00:45", ["Subscriptions:RemindDaysBefore"] = "0" },
        };
        var (tenantId, adminKey) = await PaydeskProcess.CreateTenantAsync(options);
        // The first renewal charges it makes, this process holds once the provider has charged the card: their answers are lost with it.
        await using var killed = await PaydeskProcess.StartAsync(options with
        {
            Settings = new Dictionary<string, string>(options.Settings) { [Paydesk.FaultPoints.HoldSetting] = $"{Paydesk.FaultPoints.AfterProviderCharge}*{Held}", ["Jobs:Workers"] = "16" },
        });
        await using var beside = await PaydeskProcess.StartAsync(options);
        var tenant = new TenantClient(killed, tenantId, adminKey);
        await tenant.PostOk("/api/v1/features", new { key = "telerehab", name = "Telerehab" });
        var plan = (await tenant.PostOk("/api/v1/plans", new
        {
            name = "Every minute", price = new { amount = 1_00, currency = "RON" }, interval = new { unit = "minute", count = 1 },
            grants = new[] { new { type = "access", feature = "telerehab" } },
        })).Id();
        var subscriptions = await Task.WhenAll(Enumerable.Range(0, Subscribers).Select(async i =>
        {
            var customer = (await tenant.PostOk("/api/v1/customers", new { name = $"Subscriber {i}" })).Id();
            var order = (await tenant.PostOk("/api/v1/orders", new { customerId = customer, lines = new[] { new { planId = plan } } })).Id();
            var (payment, _) = await tenant.CheckoutAsync(order);
            using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = killed.BaseAddress };
            (await browser.PostAsync($"/mock-pay/{payment}/succeed", new FormUrlEncodedContent(new Dictionary<string, string> { ["card"] = "pays" }))).StatusCode.ShouldBe(HttpStatusCode.Redirect);
            await tenant.OrderWhenAsync(order, "fulfilled");
            return Assert.Single((await tenant.GetOk($"/api/v1/subscriptions?customerId={customer}")).Items()).Id();
        }));

        // A minute on they are due; the two processes share them, and the killed one holds its first charges (the other
        // process leaves a charge recorded but unanswered to the run that made it for 45 s: ChargingFor).
        await Eventually.HoldsAsync(async () => killed.LinesWith($"Holding at {Paydesk.FaultPoints.AfterProviderCharge} ") > 0
                && await database.CountAsync("SELECT count(*) FROM subscription_periods WHERE tenant_id = @tenant AND number = 1", ("tenant", tenantId)) == Subscribers,
            "every first renewal to be made, and the process to be killed to hold a charge", within: TimeSpan.FromSeconds(150));
        var holding = killed.LinesWith($"Holding at {Paydesk.FaultPoints.AfterProviderCharge} ");
        await killed.KillAsync();
        killed.ExitCode.ShouldBe(137);
        var capturedUnrecorded = await database.CountAsync("""
            SELECT count(*) FROM mock_provider_charges c JOIN payments p ON p.id = c.payment_id
            WHERE p.tenant_id = @tenant AND p.purpose LIKE 'renewal:%' AND p.status = 'Created' AND c.captures > 0
            """, ("tenant", tenantId));
        output.WriteLine($"Killed holding {holding} charges; {capturedUnrecorded} made at the provider and not recorded");
        Assert.True(capturedUnrecorded >= holding, $"{holding} charges were held, {capturedUnrecorded} left unrecorded");

        // Started again at its address: once the killed runs' time is up, the renewals are charged again under their keys.
        await using var restarted = await PaydeskProcess.StartAsync(options with { Port = killed.Port });
        tenant = new TenantClient(restarted, tenantId, adminKey);
        await Eventually.HoldsAsync(async () => await database.CountAsync(
                "SELECT count(*) FROM subscription_periods WHERE tenant_id = @tenant AND number = 1 AND status = 'Paid'", ("tenant", tenantId)) == Subscribers,
            "every subscription's first renewal to be paid", within: TimeSpan.FromSeconds(120));

        // No more renewals: each is canceled; then every charge made is settled.
        foreach (var id in subscriptions) await tenant.PostOk($"/api/v1/subscriptions/{id}/cancel", new { at = "now" });
        await Eventually.HoldsAsync(async () => await database.CountAsync("""
                SELECT count(*) FROM payments WHERE tenant_id = @tenant AND purpose LIKE 'renewal:%' AND status IN ('Created', 'Pending', 'Unknown')
                """, ("tenant", tenantId)) == 0,
            "every renewal payment to be settled", within: TimeSpan.FromSeconds(120));

        // Counted at the provider: each paid period captured exactly once, an unpaid one not at all (or given back).
        var periods = await database.RowsAsync("""
            SELECT per.id, per.status, COALESCE(SUM(c.captures), 0), COALESCE(SUM(c.refunded_minor), 0), COUNT(DISTINCT pay.id)
            FROM subscription_periods per
            LEFT JOIN payments pay ON pay.tenant_id = per.tenant_id AND pay.purpose = 'renewal:' || per.id
            LEFT JOIN mock_provider_charges c ON c.payment_id = pay.id
            WHERE per.tenant_id = @tenant AND per.number >= 1
            GROUP BY per.id, per.status
            """, ("tenant", tenantId));
        output.WriteLine($"{periods.Count} renewed periods; restarted process renewals: {restarted.LinesWith("renewal payment")}, beside it: {beside.LinesWith("renewal payment")}");
        Assert.True(periods.Count >= Subscribers);
        foreach (var row in periods)
        {
            var (status, captures, refunded) = ((string)row[1]!, Convert.ToInt64(row[2], CultureInfo.InvariantCulture), Convert.ToInt64(row[3], CultureInfo.InvariantCulture));
            if (status == "Paid") Assert.True(captures == 1 && refunded == 0, $"period {row[0]} is paid and was captured {captures} times ({refunded} refunded)");
            else Assert.True(captures == 0 || refunded > 0, $"period {row[0]} is unpaid and was captured {captures} times");
        }
    }
}
