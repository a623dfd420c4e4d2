namespace Paydesk.Tests.Api;

public sealed class DocsAndLogsTests
{
    [Fact]
    public async Task The_openapi_document_describes_the_api_and_the_docs_page_serves_it()
    {
        var client = (await PaydeskHost.Shared(Engine.Sqlite)).Client();

        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        foreach (var path in new[] { "/api/v1/plans", "/api/v1/plans/{id}", "/api/v1/services", "/api/v1/products", "/api/v1/customers", "/api/v1/features", "/api/v1/specialists", "/api/v1/api-keys" })
            Assert.Contains(path, paths);
        Assert.True(document.GetProperty("paths").GetProperty("/api/v1/plans").TryGetProperty("post", out _));
        // Answers are described too, problems included, so the docs page shows what comes back.
        var read = document.GetProperty("paths").GetProperty("/api/v1/plans/{id}").GetProperty("get").GetProperty("responses");
        Assert.True(read.GetProperty("200").GetProperty("content").TryGetProperty("application/json", out _));
        Assert.True(read.GetProperty("404").GetProperty("content").TryGetProperty("application/problem+json", out _));
        var schemas = document.GetProperty("components").GetProperty("schemas").EnumerateObject().Select(s => s.Name).ToList();
        Assert.Contains("PlanView", schemas);
        Assert.Contains("MoneyView", schemas);

        var docs = await client.GetAsync("/docs/");
        docs.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await docs.Content.ReadAsStringAsync();
        Assert.Contains("openapi/v1.json", html);
        // The docs page's script is served by Paydesk itself: it works without internet access.
        (await client.GetAsync("/docs/scalar.js")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task No_secret_reaches_a_log_line(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var tenant = await host.NewTenantAsync();
        var created = await tenant.PostOk("/api/v1/api-keys", new { name = "Logged?", role = "admin" }, "log-check");
        var secret = created.Str("secret");
        var customer = await tenant.CreateCustomerAsync();
        var session = (await tenant.PostOk($"/api/v1/customers/{customer}/sessions", new { })).Str("token");

        (await host.Client(secret).GetAsync("/api/v1/plans")).EnsureSuccessStatusCode();
        (await host.Client(session).GetAsync($"/api/v1/customers/{customer}")).EnsureSuccessStatusCode();
        await host.Client(secret + "x").GetAsync("/api/v1/plans"); // a failed attempt is logged too

        Assert.NotEmpty(host.Logs.Lines);
        foreach (var s in new[] { secret, session, tenant.AdminKey })
            Assert.DoesNotContain(host.Logs.Lines, line => line.Contains(s[8..]));
    }
}
