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
        await DownBeforeAndUpAgainAsync(host, "EntitlementPlanVersion");

        var sessions = Assert.Single(await t.ListAll($"/api/v1/entitlements?orderId={orderId}"));
        sessions.Str("planId").ShouldBe(shop.Hybrid);
        sessions.GetProperty("planVersion").GetInt32().ShouldBe(1);
        (await t.GetOk($"/api/v1/plans/{shop.Hybrid}/versions/1")).GetProperty("price").GetProperty("price").GetProperty("amount").GetInt64().ShouldBe(1_200_00);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Upgrading_names_the_order_as_the_source_of_what_it_granted_and_copies_its_lines_onto_its_invoice(Engine engine)
    {
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions { AsTableOwner = true });
        var shop = await Shop.OpenAsync(host);
        var t = shop.Tenant;
        var (orderId, paymentId) = await t.BuyAsync(shop.Customer, new { planId = shop.Hybrid }, new { productId = shop.Band, quantity = 2 });
        await t.PostOk($"/api/v1/payments/{paymentId}/refunds", new { amount = new { amount = 100_00, currency = "RON" } });
        var before = Assert.Single(await t.ListAll($"/api/v1/invoices?orderId={orderId}"));

        // Back to the schema before sources, and forward again, as an upgrade would.
        await DownBeforeAndUpAgainAsync(host, "Sources");

        var order = await t.GetOk($"/api/v1/orders/{orderId}");
        var entitlements = await t.ListAll($"/api/v1/entitlements?orderId={orderId}");
        Assert.NotEmpty(entitlements);
        Assert.All(entitlements, e => (e.GetProperty("source").Str("kind"), e.GetProperty("source").Id(), e.Str("orderId")).ShouldBe(("order", orderId, orderId)));
        var shipments = await t.ListAll($"/api/v1/shipments?sourceKind=order&sourceId={orderId}");
        Assert.Equal(order.GetProperty("lines").EnumerateArray().Count(l => l.Str("type") is "product" or "bundled_product"), shipments.Count);
        var invoice = Assert.Single(await t.ListAll($"/api/v1/invoices?orderId={orderId}"));
        invoice.GetProperty("source").Id().ShouldBe(orderId);
        Assert.Equal(
            order.GetProperty("lines").EnumerateArray().Select(l => (l.Str("description"), l.GetProperty("quantity").GetInt32(), l.GetProperty("amount").GetProperty("amount").GetInt64())),
            invoice.GetProperty("lines").EnumerateArray().Select(l => (l.Str("description"), l.GetProperty("quantity").GetInt32(), l.GetProperty("amount").GetProperty("amount").GetInt64())));
        Assert.Contains(invoice.GetProperty("lines").EnumerateArray(), l => l.GetProperty("included").GetBoolean());
        invoice.GetProperty("refunded").GetProperty("amount").GetInt64().ShouldBe(before.GetProperty("refunded").GetProperty("amount").GetInt64());
        var note = Assert.Single(await t.ListAll($"/api/v1/credit-notes?invoiceId={invoice.Id()}"));
        note.GetProperty("source").Id().ShouldBe(orderId);
        using var browser = new HttpClient();
        Assert.Contains(order.GetProperty("lines")[0].Str("description"), await browser.GetStringAsync(invoice.Str("htmlUrl")));
    }

    /// <summary>Back to the schema before the migration named <paramref name="name"/>, and forward again, as an upgrade would.</summary>
    private static Task<int> DownBeforeAndUpAgainAsync(PaydeskHost host, string name) =>
        host.RunAsync<PaydeskDb, int>(async db =>
        {
            var migrator = db.GetService<IMigrator>();
            var all = db.Database.GetMigrations().ToList();
            var added = all.Single(m => m.EndsWith($"_{name}", StringComparison.Ordinal));
            await migrator.MigrateAsync(all[all.IndexOf(added) - 1]);
            await migrator.MigrateAsync();
            return 0;
        });
}
