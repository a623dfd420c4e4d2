using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Paydesk.Tests.Tenancy;

/// <summary>
/// The second wall, on PostgreSQL: every table with a <c>tenant_id</c> shows the application's role
/// no row while no tenant is set, and only that tenant's rows once one is — whatever a query
/// forgets to filter. Checked on a database where every such table holds rows of several tenants.
/// </summary>
public sealed class RowLevelSecurityTests
{
    /// <summary>
    /// Two demo tenants that have bought, paid, used a session (by the API and in the back office), repriced, refunded, shipped and
    /// emailed, and two that sold through T-Bank, closed a receipt and kept a card: rows in every tenant table.
    /// </summary>
    private static async Task<PaydeskHost> BusyInstallationAsync()
    {
        var host = await PaydeskHost.StartAsync(Engine.Postgres, new HostOptions { Environment = "Development", MockEnabled = null });
        foreach (var (tenant, currency) in new[] { ("clinic", "RON"), ("coach", "USD") })
        {
            var api = new TenantClient(host, tenant, $"sk_test_demo_{tenant}");
            // A plan that ships something, so every tenant has products and shipments too.
            var product = (await api.PostOk("/api/v1/products", new { sku = "BOOK", name = "Workbook", price = new { amount = 10_00, currency }, stock = 50 })).Id();
            var service = (await api.ListAll("/api/v1/services"))[0].Id();
            var planId = (await api.PostOk("/api/v1/plans", new
            {
                name = "Workbook", price = new { amount = 20_00, currency },
                grants = new object[]
                {
                    new { type = "product", productId = product, quantity = 1 }, new { type = "tokens", tokens = 10, every = "purchase" },
                    new { type = "sessions", serviceId = service, count = 2 },
                },
            })).Id();
            var customer = (await api.ListAll("/api/v1/customers"))[0].Id();
            await api.PostOk($"/api/v1/customers/{customer}/sessions", new { }, idempotencyKey: $"session-{tenant}");
            var order = (await api.PostOk("/api/v1/orders", new { customerId = customer, lines = new object[] { new { planId }, new { productId = product } } }, $"order-{tenant}")).Id();
            // Sold at, the workbook's price is kept as a version when it changes.
            await api.Http.PatchAsJsonAsync($"/api/v1/products/{product}", new { price = new { amount = 12_00, currency } });
            var paymentId = await api.PayAsync(order);
            var sessions = (await api.ListAll($"/api/v1/entitlements?orderId={order}")).Single(e => e.Str("type") == "sessions").Id();
            await api.PostOk($"/api/v1/entitlements/{sessions}/uses", new { note = "first visit" });
            await api.PostOk($"/api/v1/payments/{paymentId}/refunds", new { amount = new { amount = 100, currency } });
            // A session used from the back office, which writes the audit log.
            using var pages = new PageClient(host.BaseAddress);
            await pages.SignInAsync(Paydesk.Demo.DemoData.Accounts[tenant], Paydesk.Tenancy.Passwords.Demo);
            var used = await pages.PostAsync("/home", $"/admin/{tenant}/customers/{customer}/entitlements/{sessions}/use", []);
            used.StatusCode.ShouldBe(System.Net.HttpStatusCode.Redirect);
        }
        // Two clinics in Russia that sell through T-Bank and close their receipts as sessions are used.
        for (var i = 0; i < 2; i++)
        {
            var shop = await Payments.TBank.TBankShop.OpenAsync(host);
            var (order, _, _) = await shop.BuyAsync(shop.Package);
            var sessions = Assert.Single(await shop.Tenant.ListAll($"/api/v1/entitlements?orderId={order}")).Id();
            await shop.Tenant.PostOk($"/api/v1/entitlements/{sessions}/uses", new { });
            // A recurring plan keeps the card; a cheaper one is asked for at the period's end.
            await shop.BuyAsync(shop.Monthly);
            var lite = (await shop.Tenant.PostOk("/api/v1/plans", new { name = "Lite", price = new { amount = 100_00, currency = "RUB" }, interval = new { unit = "month", count = 1 } })).Id();
            var subscription = Assert.Single(await shop.Tenant.ListAll("/api/v1/subscriptions")).Id();
            (await shop.Tenant.PostOk($"/api/v1/subscriptions/{subscription}/change-plan", new { planId = lite })).Str("status").ShouldBe("scheduled");
        }
        await host.RunDueJobsAsync();
        return host;
    }

    [Fact]
    public async Task The_application_role_sees_no_tenant_rows_without_a_tenant_and_only_that_tenants_rows_with_one()
    {
        await using var host = await BusyInstallationAsync();
        var owner = new NpgsqlConnectionStringBuilder(host.Services.GetRequiredService<Paydesk.Storage.StorageInfo>().OwnerConnectionString!).ConnectionString;
        var app = host.ConnectionString;
        Assert.Equal(PostgresCluster.AppRole, new NpgsqlConnectionStringBuilder(app).Username);

        await using var asOwner = new NpgsqlConnection(owner);
        await asOwner.OpenAsync();
        var tables = await ColumnAsync<string>(asOwner, """
            SELECT c.table_name FROM information_schema.columns c
            JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
            WHERE c.table_schema = current_schema() AND c.column_name = 'tenant_id' ORDER BY 1
            """);
        Assert.Contains("payments", tables);
        Assert.Contains("jobs", tables);

        // Every tenant table holds rows of at least two tenants, or the test proves nothing for it.
        var counts = new Dictionary<string, Dictionary<string, long>>();
        foreach (var table in tables)
            counts[table] = (await PairsAsync(asOwner, $"SELECT tenant_id, count(*) FROM {table} WHERE tenant_id IS NOT NULL GROUP BY tenant_id"))
                .ToDictionary(p => p.Key, p => p.Value);
        var thin = counts.Where(c => c.Value.Count < 2).Select(c => c.Key).ToList();
        Assert.True(thin.Count == 0, $"tables with rows of fewer than two tenants: {string.Join(", ", thin)}");

        await using var asApp = new NpgsqlConnection(app);
        await asApp.OpenAsync();
        foreach (var table in tables)
        {
            // Never set, and set to nothing: no rows.
            await ExecuteAsync(asApp, "RESET app.tenant_id");
            (await ScalarAsync(asApp, $"SELECT count(*) FROM {table}")).ShouldBe(0L);
            await ExecuteAsync(asApp, "SELECT set_config('app.tenant_id', '', false)");
            (await ScalarAsync(asApp, $"SELECT count(*) FROM {table}")).ShouldBe(0L);

            foreach (var (tenant, rows) in counts[table])
            {
                await ExecuteAsync(asApp, $"SELECT set_config('app.tenant_id', '{tenant}', false)");
                Assert.True(rows == await ScalarAsync(asApp, $"SELECT count(*) FROM {table}"), $"{table}: tenant {tenant} sees other than its {rows} rows");
                (await ScalarAsync(asApp, $"SELECT count(*) FROM {table} WHERE tenant_id <> '{tenant}'")).ShouldBe(0L);
                // Nor can it change another tenant's rows: they are not there to update.
                var other = counts[table].Keys.First(t => t != tenant);
                (await ExecuteAsync(asApp, $"UPDATE {table} SET tenant_id = tenant_id WHERE tenant_id = '{other}'")).ShouldBe(0);
            }
        }

        // Writing a row under another tenant than the one set is refused by the database itself.
        var (mine, theirs) = (counts["customers"].Keys.First(), counts["customers"].Keys.Last());
        await ExecuteAsync(asApp, $"SELECT set_config('app.tenant_id', '{mine}', false)");
        var refused = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(asApp,
            $"INSERT INTO customers (tenant_id, id, name, locale, time_zone, created_at, updated_at) VALUES ('{theirs}', 'cus_planted', 'Planted', 'en', 'UTC', now(), now())"));
        Assert.Contains("row-level security", refused.MessageText);
    }

    [Fact]
    public async Task The_functions_that_cross_tenants_are_the_application_roles_alone_and_it_owns_nothing()
    {
        await using var host = await PaydeskHost.StartAsync(Engine.Postgres, new HostOptions());
        var owner = host.Services.GetRequiredService<Paydesk.Storage.StorageInfo>().OwnerConnectionString!;
        await using var asOwner = new NpgsqlConnection(owner);
        await asOwner.OpenAsync();
        await ExecuteAsync(asOwner, "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'stranger') THEN CREATE ROLE stranger LOGIN; END IF; END $$");
        var db = new NpgsqlConnectionStringBuilder(owner).Database;
        await ExecuteAsync(asOwner, $"GRANT CONNECT ON DATABASE \"{db}\" TO stranger");

        await using var asStranger = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(owner) { Username = "stranger", Pooling = false }.ConnectionString);
        await asStranger.OpenAsync();
        var denied = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(asStranger, "SELECT count(*) FROM paydesk_api_key('x')"));
        denied.SqlState.ShouldBe("42501");

        // The application's role is bound by the policies: not the owner, not a superuser.
        var health = await (await host.Client().GetAsync("/health/ready")).Json();
        var isolation = health.GetProperty("checks").GetProperty("tenantIsolation");
        (isolation.Str("status"), isolation.Str("rowLevelSecurity")).ShouldBe(("healthy", "enforced"));
        Assert.Contains(PostgresCluster.AppRole, isolation.Str("description"));
    }

    [Fact]
    public async Task Connected_as_the_tables_owner_Paydesk_says_so_and_Production_refuses_to_serve()
    {
        var database = await (await PostgresCluster.Shared).CreateDatabaseAsync("owner");
        // The owner's connection alone, as the application's: the policies do not bind it.
        await using (var host = await PaydeskHost.StartAsync(Engine.Postgres, new HostOptions { ConnectionString = database, AsTableOwner = true }))
        {
            var isolation = (await (await host.Client().GetAsync("/health/ready")).Json()).GetProperty("checks").GetProperty("tenantIsolation");
            (isolation.Str("status"), isolation.Str("rowLevelSecurity")).ShouldBe(("degraded", "not enforced"));
            Assert.Contains("superuser", isolation.Str("description"));
        }

        using var keyRing = new SharedKeyRing();
        var refused = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => PaydeskHost.StartAsync(Engine.Postgres, new HostOptions
        {
            ConnectionString = database, AsTableOwner = true, Environment = "Production", KeyRingPath = keyRing.Path,
        }));
        Assert.Contains("Row-level security does not keep tenants apart", refused.Message);
        Assert.Contains("ConnectionStrings:PaydeskOwner", refused.Message);
    }

    private static async Task<List<T>> ColumnAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<T>();
        while (await reader.ReadAsync()) values.Add(reader.GetFieldValue<T>(0));
        return values;
    }

    private static async Task<List<KeyValuePair<string, long>>> PairsAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var pairs = new List<KeyValuePair<string, long>>();
        while (await reader.ReadAsync()) pairs.Add(new(reader.GetString(0), reader.GetInt64(1)));
        return pairs;
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteNonQueryAsync();
    }
}
