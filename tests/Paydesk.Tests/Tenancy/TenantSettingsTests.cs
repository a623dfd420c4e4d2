namespace Paydesk.Tests.Tenancy;

/// <summary>The tenant's own settings through the API: its name, time zone and fiscal receipts.</summary>
public sealed class TenantSettingsTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_admin_turns_fiscal_receipts_on_with_a_tax_regime_changes_the_rate_and_turns_them_off(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var tenant = await host.NewTenantAsync(currency: "RUB", timeZone: "Europe/Moscow");
        var before = await tenant.GetOk("/api/v1/tenant");
        (before.Str("defaultCurrency"), before.Str("timeZone"), before.GetProperty("fiscalReceipts").GetBoolean()).ShouldBe(("RUB", "Europe/Moscow", false));

        var on = await (await tenant.Http.PatchAsJsonAsync("/api/v1/tenant", new { fiscalReceipts = true, taxation = "usn_income" })).Json();
        (on.GetProperty("fiscalReceipts").GetBoolean(), on.Str("taxation"), on.Str("vat")).ShouldBe((true, "usn_income", "none"));
        var rate = await (await tenant.Http.PatchAsJsonAsync("/api/v1/tenant", new { vat = "vat20", name = "Клиника на Арбате" })).Json();
        (rate.Str("taxation"), rate.Str("vat"), rate.Str("name")).ShouldBe(("usn_income", "vat20", "Клиника на Арбате"));
        (await tenant.GetOk("/api/v1/tenant")).Str("vat").ShouldBe("vat20");

        var off = await (await tenant.Http.PatchAsJsonAsync("/api/v1/tenant", new { fiscalReceipts = false })).Json();
        (off.GetProperty("fiscalReceipts").GetBoolean(), off.TryGetProperty("taxation", out var t) ? t.ValueKind : JsonValueKind.Undefined)
            .ShouldBe((false, JsonValueKind.Null));
    }

    [Fact]
    public async Task What_is_wrong_is_named_by_its_field_and_only_admins_change_anything()
    {
        var host = await PaydeskHost.Shared(Engine.Sqlite);
        var tenant = await host.NewTenantAsync();
        await (await tenant.Http.PatchAsJsonAsync("/api/v1/tenant", new { fiscalReceipts = true })).ShouldBeProblem(400, "taxation");
        await (await tenant.Http.PatchAsJsonAsync("/api/v1/tenant", new { taxation = "simplified" })).ShouldBeProblem(400, "taxation");
        await (await tenant.Http.PatchAsJsonAsync("/api/v1/tenant", new { taxation = "osn", vat = "vat18" })).ShouldBeProblem(400, "vat");
        await (await tenant.Http.PatchAsJsonAsync("/api/v1/tenant", new { fiscalReceipts = false, taxation = "osn" })).ShouldBeProblem(400, "fiscalReceipts");
        await (await tenant.Http.PatchAsJsonAsync("/api/v1/tenant", new { timeZone = "Mars/Olympus" })).ShouldBeProblem(400, "timeZone");
        await (await tenant.Http.PatchAsJsonAsync("/api/v1/tenant", new { name = "" })).ShouldBeProblem(400, "name");
        (await tenant.GetOk("/api/v1/tenant")).GetProperty("fiscalReceipts").GetBoolean().ShouldBe(false);

        var staff = host.Client((await tenant.PostOk("/api/v1/api-keys", new { name = "Desk", role = "staff" })).Str("secret"));
        (await staff.GetAsync("/api/v1/tenant")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await staff.PatchAsJsonAsync("/api/v1/tenant", new { name = "Mine now" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        Assert.NotEqual("Mine now", (await tenant.GetOk("/api/v1/tenant")).Str("name"));
    }
}
