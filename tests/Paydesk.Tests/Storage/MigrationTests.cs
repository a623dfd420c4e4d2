using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Paydesk.Storage;

namespace Paydesk.Tests.Storage;

public sealed class MigrationTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Each_engines_migrations_match_the_model(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var pending = await host.RunAsync<Paydesk.Storage.PaydeskDb, bool>(db => Task.FromResult(db.Database.HasPendingModelChanges()));
        Assert.False(pending, $"The model has changed since the last {engine} migration: run dotnet ef migrations add for both engines.");
        var notApplied = await host.RunAsync<Paydesk.Storage.PaydeskDb, IEnumerable<string>>(db => db.Database.GetPendingMigrationsAsync());
        Assert.Empty(notApplied);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Upgrading_names_the_plan_and_version_of_every_entitlement_granted_before(Engine engine)
    {
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions { AsTableOwner = true });
        var shop = await Shop.OpenAsync(host);
        var t = shop.Tenant;
        var (orderId, _) = await t.BuyAsync(shop.Customer, new { planId = shop.Hybrid });
        // The plan is revised after the sale: the entitlements stay at the version they were sold at.
        await t.Http.PatchAsJsonAsync($"/api/v1/plans/{shop.Hybrid}", new { price = new { amount = 1_300_00, currency = "RON" } });

        // Back to the schema before entitlements named their plan, and forward again, as an upgrade would.
        await host.RunAsync<PaydeskDb, int>(async db =>
        {
            var migrator = db.GetService<IMigrator>();
            var all = db.Database.GetMigrations().ToList();
            var added = all.Single(m => m.EndsWith("_EntitlementPlanVersion", StringComparison.Ordinal));
            await migrator.MigrateAsync(all[all.IndexOf(added) - 1]);
            await migrator.MigrateAsync();
            return 0;
        });

        var sessions = Assert.Single(await t.ListAll($"/api/v1/entitlements?orderId={orderId}"));
        sessions.Str("planId").ShouldBe(shop.Hybrid);
        sessions.GetProperty("planVersion").GetInt32().ShouldBe(1);
        (await t.GetOk($"/api/v1/plans/{shop.Hybrid}/versions/1")).GetProperty("price").GetProperty("price").GetProperty("amount").GetInt64().ShouldBe(1_200_00);
    }
}
