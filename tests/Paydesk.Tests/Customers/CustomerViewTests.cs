using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Tests.Customers;

/// <summary>
/// A customer's own key sees only that customer: in every table that holds customers' rows, by the
/// one query filter on <see cref="ICustomerOwned"/>, not by a filter each endpoint writes.
/// </summary>
public sealed class CustomerViewTests
{
    /// <summary>Tables with a customer column that are not a customer's to see, and why.</summary>
    private static readonly Dictionary<string, string> NotCustomerOwned = new()
    {
        ["Paydesk.Tenancy.ApiKey"] = "keys are staff's; a customer key reads no keys, its own sessions are listed by staff",
        ["Paydesk.Tenancy.Membership"] = "a user's roles; read to sign in, never listed to a customer",
    };

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Every_table_with_a_customer_of_its_own_is_seen_by_a_customer_key_only_for_that_customer(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var model = await host.RunAsync<PaydeskDb, List<(string Name, bool Owned)>>(db => Task.FromResult(
            db.Model.GetEntityTypes().Where(e => e.FindProperty("CustomerId") is not null)
                .Select(e => (e.ClrType.FullName!, typeof(ICustomerOwned).IsAssignableFrom(e.ClrType))).ToList()));

        Assert.Contains(model, m => m.Name == "Paydesk.Orders.Order");
        foreach (var (name, owned) in model)
            Assert.True(owned || NotCustomerOwned.ContainsKey(name), $"{name} has a customer but is not {nameof(ICustomerOwned)}, so a customer's key would see everyone's rows");
        foreach (var name in NotCustomerOwned.Keys)
            Assert.Contains(model, m => m.Name == name && !m.Owned);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_customer_key_lists_and_reads_only_its_own_orders_payments_grants_shipments_invoices_and_credit_notes(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await Shop.OpenAsync(host);
        var t = shop.Tenant;
        var ana = shop.Customer;
        var ion = await t.CreateCustomerAsync("Ion Rusu", "ion@example.com");
        var bought = new Dictionary<string, (string Order, string Payment)>();
        foreach (var customer in new[] { ana, ion })
        {
            var (order, payment) = await t.BuyAsync(customer, new { planId = shop.Hybrid });
            await t.PostOk($"/api/v1/payments/{payment}/refunds", new { amount = new { amount = 100_00, currency = "RON" } });
            var sessions = Assert.Single(await t.ListAll($"/api/v1/entitlements?orderId={order}"));
            await t.PostOk($"/api/v1/entitlements/{sessions.Id()}/uses", new { note = "week 1" });
            bought[customer] = (order, payment);
        }
        var asAna = host.Client((await t.PostOk($"/api/v1/customers/{ana}/sessions", new { })).Str("token"));

        var paths = new[] { "/api/v1/customers", "/api/v1/orders", "/api/v1/payments", "/api/v1/entitlements", "/api/v1/shipments", "/api/v1/invoices", "/api/v1/credit-notes" };
        foreach (var path in paths)
        {
            var all = await t.ListAll(path);
            var own = (await asAna.GetFromJsonAsync<JsonElement>(path)).Items().ToList();
            string Whose(JsonElement row) => path == "/api/v1/customers" ? row.Id() : row.Str("customerId");
            Assert.True(all.Select(Whose).Distinct().Count() > 1, $"{path}: the tenant sees more than one customer's rows");
            Assert.NotEmpty(own);
            Assert.All(own, row => Whose(row).ShouldBe(ana));
            Assert.Equal(all.Where(r => Whose(r) == ana).Select(r => r.Id()).Order(), own.Select(r => r.Id()).Order());

            // Ion's rows are not there for Ana's key, even by id.
            foreach (var theirs in all.Where(r => Whose(r) == ion))
                await (await asAna.GetAsync($"{path}/{theirs.Id()}")).ShouldBeProblem(404);
        }
        var ionsSessions = Assert.Single(await t.ListAll($"/api/v1/entitlements?orderId={bought[ion].Order}"));
        await (await asAna.GetAsync($"/api/v1/entitlements/{ionsSessions.Id()}/uses")).ShouldBeProblem(404);
        var anasSessions = Assert.Single(await t.ListAll($"/api/v1/entitlements?orderId={bought[ana].Order}"));
        Assert.Single((await asAna.GetFromJsonAsync<JsonElement>($"/api/v1/entitlements/{anasSessions.Id()}/uses")).Items());

        // Staff see both, as before.
        Assert.Equal(2, (await t.ListAll("/api/v1/credit-notes")).Count);
        Assert.Equal(2, (await host.InTenantAsync(t.TenantId, db => db.SessionUses.AsNoTracking().CountAsync())));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Locking_another_customers_row_with_a_customer_key_finds_nothing_on_either_engine(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await Shop.OpenAsync(host);
        var ion = await shop.Tenant.CreateCustomerAsync("Ion Rusu", "ion@example.com");
        var theirs = (await shop.Tenant.PostOk("/api/v1/orders", new { customerId = ion, lines = new[] { new { planId = shop.Package } } })).Id();
        var mine = (await shop.Tenant.PostOk("/api/v1/orders", new { customerId = shop.Customer, lines = new[] { new { planId = shop.Package } } })).Id();

        await using var scope = host.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(shop.Tenant.TenantId, Role.Customer, shop.Customer);
        var db = scope.ServiceProvider.GetRequiredService<PaydeskDb>();
        var (other, own) = await db.InTransactionAsync(async () =>
            (await db.LockedAsync<Paydesk.Orders.Order>(theirs, CancellationToken.None), await db.LockedAsync<Paydesk.Orders.Order>(mine, CancellationToken.None)),
            CancellationToken.None);
        Assert.Null(other);
        own!.CustomerId.ShouldBe(shop.Customer);
    }
}
