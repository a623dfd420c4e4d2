using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Tests.Storage;

/// <summary>
/// On PostgreSQL the statements of the request path are prepared on each connection once they have
/// run there twice, so the server stops parsing and planning them anew; a connection string that
/// says otherwise is obeyed.
/// </summary>
public sealed class PreparedStatementTests
{
    [Fact]
    public void Automatic_preparation_and_no_reset_on_close_are_on_unless_the_connection_string_sets_them()
    {
        var tuned = new NpgsqlConnectionStringBuilder(StorageRegistrations.Tuned("Host=db;Username=paydesk"));
        (tuned.MaxAutoPrepare, tuned.NoResetOnClose).ShouldBe((100, true));
        new NpgsqlConnectionStringBuilder(StorageRegistrations.Tuned("Host=db;Max Auto Prepare=0")).MaxAutoPrepare.ShouldBe(0);
        new NpgsqlConnectionStringBuilder(StorageRegistrations.Tuned("Host=db;maxautoprepare=7")).MaxAutoPrepare.ShouldBe(7);
        new NpgsqlConnectionStringBuilder(StorageRegistrations.Tuned("Host=db;No Reset On Close=false")).NoResetOnClose.ShouldBe(false);
    }

    [Fact]
    public async Task A_query_run_twice_on_a_connection_is_prepared_there()
    {
        var host = await PaydeskHost.Shared(Engine.Postgres);
        var tenant = await host.NewTenantAsync();
        await tenant.PostOk("/api/v1/customers", new { name = "Maria" });
        await using var scope = host.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenant.TenantId, Role.TenantAdmin);
        var db = scope.ServiceProvider.GetRequiredService<PaydeskDb>();
        // Held open, so the session's prepared statements can be read from it.
        await db.Database.OpenConnectionAsync();
        for (var i = 0; i < 3; i++)
            (await db.Customers.Where(c => c.Name == "Maria").Select(c => c.Name).ToListAsync()).ShouldBe(["Maria"]);

        var prepared = await Sql.QueryAsync(db, "SELECT statement FROM pg_prepared_statements", [], r => r.GetString(0), CancellationToken.None);
        Assert.Contains(prepared, s => s.Contains("FROM customers", StringComparison.Ordinal) && s.Contains("c.name", StringComparison.Ordinal));
        await db.Database.CloseConnectionAsync();
    }
}
