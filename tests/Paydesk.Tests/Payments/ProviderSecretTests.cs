using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Paydesk.Payments;
using Paydesk.Storage;

namespace Paydesk.Tests.Payments;

/// <summary>Provider secrets are stored sealed by the key ring, and show up in the clear nowhere: not on disk, not in a log, not in an answer.</summary>
public sealed class ProviderSecretTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_webhook_secret_is_in_the_clear_nowhere_in_the_database_the_log_or_an_answer(Engine engine)
    {
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions());
        var shop = await Shop.OpenAsync(host);
        var orderId = (await shop.Tenant.PostOk("/api/v1/orders", new { customerId = shop.Customer, lines = new[] { new { planId = shop.Package } } })).Id();
        // The Mock provider signs its notification with the account's secret, and Paydesk verifies it.
        var paymentId = await shop.Tenant.PayAsync(orderId);

        var account = await host.InTenantAsync(shop.Tenant.TenantId, db => db.ProviderAccounts.AsNoTracking().SingleAsync());
        var secret = host.Services.GetRequiredService<ProviderSecrets>().Reveal(account, ProviderSecret.Webhook)!;
        Assert.StartsWith("whsec_", secret);
        // The random part alone, in case something stored it without the prefix.
        var random = secret["whsec_".Length..];

        // What is searched below holds the sealed form, which opens to the secret, so a clear one would be found too.
        var sealedValue = account.WebhookSecretProtected!;
        Assert.DoesNotContain(random, sealedValue);
        var stored = await StoredBytesAsync(host);
        Assert.True(Holds(stored, account.Id), "the search reads what the database holds");
        Assert.True(Holds(stored, sealedValue), "the search reads the provider_accounts row");
        Assert.False(Holds(stored, random), $"the webhook secret is stored in the clear ({engine})");
        Assert.Null(await ClearColumnAsync(host, shop.Tenant.TenantId));

        Assert.NotEmpty(host.Logs.Lines);
        Assert.DoesNotContain(host.Logs.Lines, line => line.Contains(random, StringComparison.Ordinal));

        var invoice = Assert.Single(await shop.Tenant.ListAll($"/api/v1/invoices?orderId={orderId}"));
        var anonymous = host.Client();
        string[] answers =
        [
            .. await Task.WhenAll(
                new[]
                {
                    "/api/v1/payments", $"/api/v1/payments/{paymentId}", $"/api/v1/orders/{orderId}", "/api/v1/invoices",
                    $"/api/v1/entitlements?orderId={orderId}", "/api/v1/jobs", "/api/v1/customers", "/api/v1/api-keys",
                }.Select(path => shop.Tenant.Http.GetStringAsync(path))),
            await anonymous.GetStringAsync($"/mock-pay/{paymentId}"),
            await anonymous.GetStringAsync(invoice.Str("htmlUrl")),
            await anonymous.GetStringAsync($"/pay/{paymentId}/success"),
            await (await anonymous.GetAsync("/health/ready")).Content.ReadAsStringAsync(),
            await anonymous.GetStringAsync("/openapi/v1.json"),
        ];
        Assert.Contains(answers, a => a.Contains(paymentId, StringComparison.Ordinal));
        Assert.DoesNotContain(answers, a => a.Contains(random, StringComparison.Ordinal));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Secrets_an_earlier_release_stored_in_the_clear_are_sealed_at_start_and_still_verify_notifications(Engine engine)
    {
        var sqliteFile = Path.Combine(Path.GetTempPath(), $"paydesk-upgrade-{Guid.NewGuid():N}.db");
        var connection = engine == Engine.Postgres
            ? await (await PostgresCluster.Shared).CreateDatabaseAsync("upgrade")
            : $"Data Source={sqliteFile};Pooling=false";
        using var ring = new SharedKeyRing();
        try
        {
            // Two tenants, each with a payment waiting on its Mock account, left as the earlier release
            // left them: the webhook secret in the clear column, nothing sealed.
            var earlier = new List<(string TenantId, string AdminKey, string PaymentId, string Secret)>();
            await using (var before = await PaydeskHost.StartAsync(engine, new HostOptions { ConnectionString = connection, KeyRingPath = ring.Path }))
            {
                for (var i = 0; i < 2; i++)
                {
                    var shop = await Shop.OpenAsync(before);
                    var order = await shop.Tenant.PostOk("/api/v1/orders", new { customerId = shop.Customer, lines = new[] { new { planId = shop.Package } } });
                    var (paymentId, _) = await shop.Tenant.CheckoutAsync(order.Id());
                    var secret = $"whsec_earlier_release_{i}_{Guid.NewGuid():N}";
                    var tenantId = shop.Tenant.TenantId;
                    var written = await before.InTenantAsync(tenantId, db => db.Database.ExecuteSqlAsync(
                        $"UPDATE provider_accounts SET webhook_secret = {secret}, webhook_secret_protected = NULL WHERE tenant_id = {tenantId}"));
                    written.ShouldBe(1);
                    earlier.Add((tenantId, shop.Tenant.AdminKey, paymentId, secret));
                }
            }

            // This release starts on that database: migrations, then the clear secrets are sealed.
            await using var after = await PaydeskHost.StartAsync(engine, new HostOptions { ConnectionString = connection, KeyRingPath = ring.Path });
            var secrets = after.Services.GetRequiredService<ProviderSecrets>();
            var sealedValues = new List<string>();
            foreach (var (tenantId, adminKey, paymentId, secret) in earlier)
            {
                var account = await after.InTenantAsync(tenantId, db => db.ProviderAccounts.AsNoTracking().SingleAsync());
                Assert.Null(await ClearColumnAsync(after, tenantId));
                Assert.DoesNotContain(secret, account.WebhookSecretProtected!);
                secrets.Reveal(account, ProviderSecret.Webhook).ShouldBe(secret);
                sealedValues.Add(account.WebhookSecretProtected!);

                // Signed with the old secret by the test's own HMAC code: still verified, and it pays.
                var tenant = new TenantClient(after, tenantId, adminKey);
                var body = JsonSerializer.Serialize(new
                {
                    id = "mevt_upgrade_" + Guid.NewGuid().ToString("N"), type = "payment.succeeded",
                    created = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds(),
                    data = new { paymentId, chargeId = "mch_test", status = "succeeded", amount = 1_500_00, currency = "RON" },
                });
                var answer = await new Notification(account.Id, secret, body, tenantId).SendAsync(after);
                Assert.True(answer.IsSuccessStatusCode, await answer.Content.ReadAsStringAsync());
                await tenant.PaymentWhenAsync(paymentId, "succeeded");
            }
            Assert.Contains(after.Logs.Lines, l => l.Contains("Sealed 1 webhook secret(s)", StringComparison.Ordinal));
            Assert.DoesNotContain(after.Logs.Lines, l => earlier.Any(e => l.Contains(e.Secret, StringComparison.Ordinal)));

            // Running it again (the next start, or `migrate`) leaves every sealed value as it is.
            await StorageRegistrations.MigrateAsync(after.Services);
            foreach (var ((tenantId, _, _, _), sealedValue) in earlier.Zip(sealedValues))
                (await after.InTenantAsync(tenantId, db => db.ProviderAccounts.AsNoTracking().SingleAsync())).WebhookSecretProtected.ShouldBe(sealedValue);
        }
        finally
        {
            foreach (var file in new[] { sqliteFile, sqliteFile + "-wal", sqliteFile + "-shm" }) File.Delete(file);
        }
    }

    private static Task<string?> ClearColumnAsync(PaydeskHost host, string tenantId) =>
        host.InTenantAsync(tenantId, db => db.ProviderAccounts
            .Select(a => EF.Property<string?>(a, ProviderAccount.ClearWebhookSecretColumn)).SingleAsync());

    /// <summary>Everything the host's database holds on disk: the SQLite file and its write-ahead log, or a pg_dump of the PostgreSQL database.</summary>
    internal static async Task<byte[]> StoredBytesAsync(PaydeskHost host)
    {
        if (host.Engine == Engine.Postgres)
            return Encoding.UTF8.GetBytes((await PostgresCluster.Shared).Dump(host.ConnectionString));
        var file = new SqliteConnectionStringBuilder(host.ConnectionString).DataSource;
        using var bytes = new MemoryStream();
        foreach (var path in new[] { file, file + "-wal" }.Where(File.Exists))
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            await stream.CopyToAsync(bytes);
        }
        return bytes.ToArray();
    }

    internal static bool Holds(byte[] stored, string text) => stored.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;
}
