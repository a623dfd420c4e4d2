using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Tests.Tenancy;

/// <summary>
/// On PostgreSQL the tenant a context works for is set in the connection's session, where
/// row-level security reads it, by a <c>SET</c> that goes in front of the context's next query.
/// What the session holds is what the context believes it holds: after a query, after a query
/// that failed (and took its <c>SET</c> with it), after a rollback, and on a pooled connection.
/// </summary>
public sealed class TenantSessionTests
{
    private static async Task<string> SessionTenantAsync(PaydeskDb db) =>
        (await db.Database.SqlQueryRaw<string>("SELECT coalesce(current_setting('app.tenant_id', true), '') AS \"Value\"").ToListAsync()).Single();

    [Fact]
    public async Task The_session_holds_the_contexts_tenant_after_a_failed_query_and_after_a_rollback()
    {
        var host = await PaydeskHost.Shared(Engine.Postgres);
        var tenant = await host.NewTenantAsync();
        await tenant.PostOk("/api/v1/customers", new { name = "Maria" });
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PaydeskDb>();
        // Held open, so the session lasts from one command to the next.
        await db.Database.OpenConnectionAsync();

        (await SessionTenantAsync(db)).ShouldBe("");
        Assert.Empty(await db.Customers.ToListAsync());

        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenant.TenantId, Role.TenantAdmin);
        // The first query since the tenant was set carries it, and fails: the SET is undone with it.
        await Assert.ThrowsAsync<PostgresException>(() => db.Database.SqlQueryRaw<int>("SELECT 1 / 0 AS \"Value\"").ToListAsync());
        (await SessionTenantAsync(db)).ShouldBe(tenant.TenantId);
        Assert.NotEmpty(await db.Customers.ToListAsync());

        // A raw statement that fails takes its SET with it too.
        await db.Database.CloseConnectionAsync();
        await db.Database.OpenConnectionAsync();
        await Assert.ThrowsAsync<PostgresException>(() => Sql.QueryAsync(db, "SELECT 1 / 0", [], r => r.GetInt32(0), CancellationToken.None));
        (await Sql.QueryAsync(db, "SELECT coalesce(current_setting('app.tenant_id', true), '')", [], r => r.GetString(0), CancellationToken.None))
            .Single().ShouldBe(tenant.TenantId);

        // Set inside a transaction that rolls back, and set again after it.
        await db.Database.CloseConnectionAsync();
        await db.Database.OpenConnectionAsync();
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            (await SessionTenantAsync(db)).ShouldBe(tenant.TenantId);
            await transaction.RollbackAsync();
        }
        (await SessionTenantAsync(db)).ShouldBe(tenant.TenantId);
        Assert.NotEmpty(await db.Customers.ToListAsync());
        await db.Database.CloseConnectionAsync();
    }

    [Fact]
    public async Task A_transaction_disposed_on_an_exception_takes_the_setting_made_in_it_and_the_next_query_sets_it_again()
    {
        var host = await PaydeskHost.Shared(Engine.Postgres);
        var tenant = await host.NewTenantAsync();
        var customer = (await tenant.PostOk("/api/v1/customers", new { name = "Maria" })).Id();
        await using var scope = host.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenant.TenantId, Role.TenantAdmin);
        var db = scope.ServiceProvider.GetRequiredService<PaydeskDb>();
        // One connection for the scope, as a job's run holds it: nothing closes it between the transactions.
        await db.Database.OpenConnectionAsync();

        // The tenant is first set inside a transaction, which ends in an exception: disposed, not committed — and
        // not rolled back by name, so no interceptor hears of it.
        await Assert.ThrowsAsync<InvalidOperationException>(() => db.InTransactionAsync<int>(async () =>
        {
            Assert.NotNull(await db.LockedAsync<Paydesk.Customers.Customer>(customer, CancellationToken.None));
            throw new InvalidOperationException("the work failed");
        }, CancellationToken.None));
        db.ChangeTracker.Clear();

        // The next transaction finds the row again: the setting is made anew, not taken for still there.
        var again = await db.InTransactionAsync(() => db.LockedAsync<Paydesk.Customers.Customer>(customer, CancellationToken.None), CancellationToken.None);
        Assert.NotNull(again);
        (await SessionTenantAsync(db)).ShouldBe(tenant.TenantId);

        // Committed, the setting stays with the session, and outlives the transaction.
        (await db.InTransactionAsync(() => db.Customers.CountAsync(), CancellationToken.None)).ShouldBe(1);
        (await SessionTenantAsync(db)).ShouldBe(tenant.TenantId);
        Assert.Single(await db.Customers.ToListAsync());
        await db.Database.CloseConnectionAsync();
    }

    [Fact]
    public async Task A_context_with_no_tenant_finds_none_in_a_connection_another_tenant_used()
    {
        var host = await PaydeskHost.Shared(Engine.Postgres);
        var tenant = await host.NewTenantAsync();
        await tenant.PostOk("/api/v1/customers", new { name = "Maria" });
        // A pool of one connection: the second scope gets the very connection the first used — as the service
        // connects, with no reset of the session when a connection goes back to the pool.
        var builder = new NpgsqlConnectionStringBuilder(StorageRegistrations.Tuned(host.ConnectionString)) { MaxPoolSize = 1, ApplicationName = "one-connection" };
        builder.NoResetOnClose.ShouldBe(true);
        var options = new DbContextOptionsBuilder<PostgresPaydeskDb>().UseNpgsql(builder.ConnectionString).UseSnakeCaseNamingConvention()
            .AddInterceptors(host.Services.GetRequiredService<TenantSession>()).Options;
        for (var round = 0; round < 3; round++)
        {
            var withTenant = new TenantContext();
            withTenant.Set(tenant.TenantId, Role.TenantAdmin);
            await using (var db = new PostgresPaydeskDb(options).ServeFor(withTenant))
            {
                (await SessionTenantAsync(db)).ShouldBe(tenant.TenantId);
                Assert.NotEmpty(await db.Customers.ToListAsync());
            }
            await using (var db = new PostgresPaydeskDb(options).ServeFor(new TenantContext()))
            {
                (await SessionTenantAsync(db)).ShouldBe("");
                // Row-level security alone: the raw count has no filter of its own.
                (await Sql.ScalarAsync(db, "SELECT count(*) FROM customers", [], CancellationToken.None)).ShouldBe(0L);
            }
        }
    }
}
