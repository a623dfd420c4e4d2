namespace Paydesk.Tests.Invoices;

public sealed class InvoiceSettingsTests
{
    private static async Task<string> PayPackage(Shop shop)
    {
        var (orderId, _) = await shop.Tenant.BuyAsync(shop.Customer, new { planId = shop.Package });
        return Assert.Single(await shop.Tenant.ListAll($"/api/v1/invoices?orderId={orderId}")).Str("number");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_tenant_sets_its_own_prefix_and_the_sequence_carries_on(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await Shop.OpenAsync(host);
        var other = await Shop.OpenAsync(host);

        var settings = await shop.Tenant.GetOk("/api/v1/invoice-settings");
        settings.Str("prefix").ShouldBe("INV-");
        settings.GetProperty("nextNumber").GetInt64().ShouldBe(1);
        (await PayPackage(shop)).ShouldBe("INV-000001");

        var changed = await (await shop.Tenant.Http.PutAsJsonAsync("/api/v1/invoice-settings", new { prefix = "PHYSIO/2026-" })).Json();
        changed.Str("prefix").ShouldBe("PHYSIO/2026-");
        changed.GetProperty("nextNumber").GetInt64().ShouldBe(2);
        (await PayPackage(shop)).ShouldBe("PHYSIO/2026-000002");

        // Another tenant's numbering is its own.
        (await PayPackage(other)).ShouldBe("INV-000001");
        await (await shop.Tenant.Http.PutAsJsonAsync("/api/v1/invoice-settings", new { prefix = "bad prefix" })).ShouldBeProblem(400, "prefix");
        await (await shop.Tenant.Http.PutAsJsonAsync("/api/v1/invoice-settings", new { prefix = "" })).ShouldBeProblem(400, "prefix");
    }
}
