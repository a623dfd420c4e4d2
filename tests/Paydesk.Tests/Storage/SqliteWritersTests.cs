using Microsoft.EntityFrameworkCore;

namespace Paydesk.Tests.Storage;

/// <summary>
/// SQLite, the default engine, takes one writer at a time: the file is in WAL mode, so reads go on
/// beside a write, and the writers of one process take turns instead of being refused as busy.
/// </summary>
public sealed class SqliteWritersTests
{
    [Fact]
    public async Task Thirty_two_callers_writing_at_once_all_succeed_while_others_read()
    {
        await using var host = await PaydeskHost.StartAsync(Engine.Sqlite, new HostOptions());
        var shop = await Shop.OpenAsync(host);
        var mode = await host.InTenantAsync(shop.Tenant.TenantId, db => db.Database.SqlQueryRaw<string>("PRAGMA journal_mode").ToListAsync());
        mode.Single().ShouldBe("wal");

        var writes = Enumerable.Range(0, 32).Select(i => shop.Tenant.Post("/api/v1/orders",
            new { customerId = shop.Customer, lines = new[] { new { planId = shop.Package } } }, idempotencyKey: $"burst-{i}"));
        var reads = Enumerable.Range(0, 32).Select(_ => shop.Tenant.Http.GetAsync($"/api/v1/customers/{shop.Customer}"));
        var answers = await Task.WhenAll(writes.Concat(reads));

        Assert.All(answers.Take(32), a => a.StatusCode.ShouldBe(HttpStatusCode.Created));
        Assert.All(answers.Skip(32), a => a.StatusCode.ShouldBe(HttpStatusCode.OK));
        (await shop.Tenant.ListAll($"/api/v1/orders?customerId={shop.Customer}")).Count.ShouldBe(32);
        Assert.DoesNotContain(host.Logs.Lines, l => l.Contains("database is locked", StringComparison.OrdinalIgnoreCase));
    }
}
