namespace Paydesk.Tests.Catalog;

public sealed class ServiceAndProductTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_service_has_specialists_forms_documents_and_several_calendars(Engine engine)
    {
        var tenant = await (await PaydeskHost.Shared(engine)).NewTenantAsync();
        var ana = (await tenant.PostOk("/api/v1/specialists", new { name = "Dr. Ana", title = "Physiotherapist" })).Id();
        var mihai = (await tenant.PostOk("/api/v1/specialists", new { name = "Mihai" })).Id();

        var service = await tenant.PostOk("/api/v1/services", new
        {
            name = "Evaluation", description = "Full assessment", durationMinutes = 60,
            price = new { amount = 250_00, currency = "RON" },
            specialistIds = new[] { ana, mihai },
            requiredForms = new[] { "Intake", "Consent" },
            documents = new[] { new { title = "Prepare", url = "https://clinic.example/prepare" } },
            calendars = new object[] { new { name = "Standard" }, new { name = "Spring promo", price = new { amount = 199_00, currency = "RON" } } },
        });

        var read = await tenant.GetOk($"/api/v1/services/{service.Id()}");
        Assert.Equal(new[] { ana, mihai }.Order(StringComparer.Ordinal), read.GetProperty("specialistIds").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(["Intake", "Consent"], read.GetProperty("requiredForms").EnumerateArray().Select(s => s.GetString()));
        read.GetProperty("documents")[0].Str("url").ShouldBe("https://clinic.example/prepare");
        var calendars = read.GetProperty("calendars").EnumerateArray().ToList();
        Assert.Equal(2, calendars.Count);
        Assert.Equal([250_00L, 199_00L], calendars.Select(c => c.GetProperty("price").GetProperty("amount").GetInt64()).Order().Reverse());

        var revised = await (await tenant.Http.PatchAsJsonAsync($"/api/v1/services/{service.Id()}", new { specialistIds = new[] { mihai }, durationMinutes = 50 })).Json();
        Assert.Equal([mihai], revised.GetProperty("specialistIds").EnumerateArray().Select(s => s.GetString()));
        revised.GetProperty("durationMinutes").GetInt32().ShouldBe(50);
        Assert.Equal(2, revised.GetProperty("calendars").GetArrayLength());

        await (await tenant.Post("/api/v1/services", new { name = "x", durationMinutes = 30, price = new { amount = 1, currency = "RON" }, specialistIds = new[] { "spec_nobody" } }))
            .ShouldBeProblem(400, "specialistIds[0]");
        await (await tenant.Http.PatchAsJsonAsync($"/api/v1/services/{service.Id()}",
                new { documents = new[] { new { title = "Prepare", url = "https://clinic.example/prepare\r\nX-Injected: 1" } } }))
            .ShouldBeProblem(400, "documents[0].url");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_product_sku_is_unique_within_a_tenant(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var tenant = await host.NewTenantAsync();
        var other = await host.NewTenantAsync();
        var band = new { sku = "BAND-01", name = "Band", price = new { amount = 45_00, currency = "RON" }, stock = 3 };

        await tenant.PostOk("/api/v1/products", band);
        await (await tenant.Post("/api/v1/products", band)).ShouldBeProblem(409);
        await other.PostOk("/api/v1/products", band); // another tenant's catalog is its own
        Assert.Single(await tenant.ListAll("/api/v1/products"));
    }
}
