namespace Paydesk.Tests.Api;

/// <summary>Bad input gets a 4xx problem detail naming the field, and changes nothing.</summary>
public sealed class BadInputTests
{
    public static TheoryData<Engine, string, string, string> BadPlans()
    {
        var cases = new (string Json, string Field, string Why)[]
        {
            ("""{"name":"P","price":{"amount":-100,"currency":"RON"}}""", "price.amount", "negative minor units"),
            ("""{"name":"P","price":{"amount":12.5,"currency":"RON"}}""", "price.amount", "fractional minor units"),
            ("""{"name":"P","price":{"amount":"100","currency":"RON"}}""", "price.amount", "an amount as a string"),
            ("""{"name":"P","price":{"amount":100,"currency":"XYZ"}}""", "price.currency", "unknown currency"),
            ("""{"name":"P","price":{"amount":100,"currency":"ron"}}""", "price.currency", "lower-case currency"),
            ("""{"name":"P","price":{"amount":100,"currency":"RON"},"interval":{"unit":"month","count":0}}""", "interval.count", "zero-length interval"),
            ("""{"name":"P","price":{"amount":100,"currency":"RON"},"interval":{"unit":"fortnight","count":1}}""", "interval.unit", "unknown interval unit"),
            ("""{"name":"P","price":{"amount":100,"currency":"RON"},"interval":{"unit":"year","count":100000}}""", "interval.count", "an interval of 100,000 years"),
            ("""{"name":"P","price":{"amount":100,"currency":"RON"},"interval":{"unit":"month"}}""", "interval.count", "an interval without a count"),
            ("""{"price":{"amount":100,"currency":"RON"}}""", "name", "missing name"),
            ("""{"name":"P"}""", "price", "missing price"),
            ("""{"name":"P","price":{"currency":"RON"}}""", "price.amount", "missing amount"),
            ("""{"name":"P","price":{"amount":100,"currency":"RON"},"id":"plan_mine"}""", "id", "a server-owned id"),
            ("""{"name":"P","price":{"amount":100,"currency":"RON"},"tenantId":"ten_other"}""", "tenantId", "a server-owned tenant"),
            ("""{"name":"P","price":{"amount":100,"currency":"RON"},"status":"archived"}""", "status", "a server-owned status"),
            ("""{"name":"P","price":{"amount":100,"currency":"RON"},"version":7}""", "version", "a server-owned version"),
            ("""{"name":"P","terms":[{"months":5,"price":{"amount":100,"currency":"RON"}}]}""", "terms[0].months", "a term that is not offered"),
            ("""{"name":"P","terms":[{"months":1,"price":{"amount":100,"currency":"RON"}},{"months":3,"price":{"amount":100,"currency":"USD"}}]}""", "terms[1].price.currency", "mixed currencies"),
            ("""{"name":"P","price":{"amount":100,"currency":"RON"},"grants":[{"type":"sessions","count":1}]}""", "grants[0].serviceId", "a grant without its service"),
            ("""{"name":"P","price":{"amount":100,"currency":"RON"},"grants":[{"type":"tokens","tokens":0}]}""", "grants[0].tokens", "zero tokens"),
            ("""{"name":"P","price":{"amount":100,"currency":"RON"},"grants":[{"type":"tokens","tokens":4611686018427387904}]}""", "grants[0].tokens", "more tokens than an order can multiply"),
            ("""{"name":"P","price":{"amount":100,"currency":"RON"},"grants":[{"type":"tokens","tokens":10,"every":"period"}]}""", "grants[0].every", "per-period tokens on a one-time plan"),
            ("""{"name":"P","price":{"amount":100,"currency":"RON"},"grants":[{"type":"gift"}]}""", "grants[0].type", "unknown grant type"),
            ("""{"name":"P","price":{"amount":100,"currency":"RON"},"trialDays":7}""", "trialDays", "a trial on a one-time plan"),
            ("""{"name":"P","price":{"amount":9223372036854775808,"currency":"RON"}}""", "price.amount", "an amount beyond 64 bits"),
            ("""{"name":"P", "price": """, "body", "truncated JSON"),
        };
        var data = new TheoryData<Engine, string, string, string>();
        foreach (var engine in new[] { Engine.Sqlite, Engine.Postgres })
            foreach (var (json, field, why) in cases)
                data.Add(engine, why, json, field);
        return data;
    }

    [Theory, MemberData(nameof(BadPlans))]
    public async Task A_bad_plan_is_refused_naming_the_field(Engine engine, string why, string json, string field)
    {
        var tenant = await (await PaydeskHost.Shared(engine)).NewTenantAsync();

        var response = await tenant.PostRaw("/api/v1/plans", json);

        var problem = await response.ShouldBeProblem(400, field);
        Assert.True(problem.Str("detail").Contains(field), $"{why}: {problem}");
        Assert.Empty(await tenant.ListAll("/api/v1/plans?includeArchived=true"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Every_bad_field_is_named_in_one_answer(Engine engine)
    {
        var tenant = await (await PaydeskHost.Shared(engine)).NewTenantAsync();

        var response = await tenant.PostRaw("/api/v1/services", """{"durationMinutes":0,"price":{"amount":-5,"currency":"EURO"}}""");

        var problem = await response.ShouldBeProblem(400);
        var fields = problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order().ToArray();
        Assert.Equal(["durationMinutes", "name", "price.amount", "price.currency"], fields);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_oversized_body_is_refused_and_changes_nothing(Engine engine)
    {
        var tenant = await (await PaydeskHost.Shared(engine)).NewTenantAsync();
        var huge = new string('x', (int)PaydeskApp.MaxApiBodyBytes + 1);

        var withLength = await tenant.PostRaw("/api/v1/customers", $$"""{"name":"{{huge}}"}""");
        await withLength.ShouldBeProblem(413);

        // Without a Content-Length the limit still holds while the body streams in.
        var chunked = new HttpRequestMessage(HttpMethod.Post, "/api/v1/customers")
        {
            Content = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes($$"""{"name":"{{huge}}"}"""))),
        };
        chunked.Content.Headers.ContentType = new("application/json");
        chunked.Headers.TransferEncodingChunked = true;
        await (await tenant.Http.SendAsync(chunked)).ShouldBeProblem(413);

        Assert.Empty(await tenant.ListAll("/api/v1/customers"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Bad_customer_fields_are_named(Engine engine)
    {
        var tenant = await (await PaydeskHost.Shared(engine)).NewTenantAsync();

        await (await tenant.Post("/api/v1/customers", new { name = "x", timeZone = "Mars/Olympus" })).ShouldBeProblem(400, "timeZone");
        await (await tenant.Post("/api/v1/customers", new { name = "x", email = "not-an-email" })).ShouldBeProblem(400, "email");
        await (await tenant.Post("/api/v1/customers", new { name = "x", telegramId = -5 })).ShouldBeProblem(400, "telegramId");
        await (await tenant.PostRaw("/api/v1/customers", """{"name":"x","createdAt":"2020-01-01T00:00:00Z"}""")).ShouldBeProblem(400, "createdAt");

        Assert.Empty(await tenant.ListAll("/api/v1/customers"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Text_with_a_nul_character_or_a_lone_surrogate_is_refused_naming_the_field_not_failed_in_the_database(Engine engine)
    {
        var tenant = await (await PaydeskHost.Shared(engine)).NewTenantAsync();

        // PostgreSQL cannot store U+0000 (SQLite would, silently): refused where it enters, in a body…
        await (await tenant.PostRaw("/api/v1/customers", """{"name":"Ana\u0000"}""")).ShouldBeProblem(400, "name");
        await (await tenant.PostRaw("/api/v1/customers", """{"name":"Ana","email":"a\u0000@example.com"}""")).ShouldBeProblem(400, "email");
        await (await tenant.PostRaw("/api/v1/specialists", """{"name":"Dr\u0000"}""")).ShouldBeProblem(400, "name");
        await (await tenant.PostRaw("/api/v1/api-keys", """{"name":"k\u0000","role":"staff"}""")).ShouldBeProblem(400, "name");
        // …in a query string (in a path the web server itself refuses it)…
        await (await tenant.Http.GetAsync("/api/v1/orders?customerId=%00")).ShouldBeProblem(400, "customerId");
        await (await tenant.Http.GetAsync("/api/v1/jobs?kind=fulfil%00")).ShouldBeProblem(400, "kind");
        (await tenant.Http.GetAsync("/api/v1/orders/ord_%00")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        // …and a lone UTF-16 surrogate, which is no text, by the JSON reader.
        await (await tenant.PostRaw("/api/v1/customers", """{"name":"A\ud800"}""")).ShouldBeProblem(400, "name");
        // A number where text belongs is named as such.
        var wrongType = await (await tenant.PostRaw("/api/v1/customers", """{"name":5}""")).ShouldBeProblem(400, "name");
        Assert.Contains("must be a string", wrongType.Str("detail"));

        Assert.Empty(await tenant.ListAll("/api/v1/customers"));
        Assert.Empty(await tenant.ListAll("/api/v1/specialists"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_json_body_in_a_charset_nobody_decodes_is_refused_as_unsupported_and_utf8_is_read_however_it_is_written(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var tenant = await host.NewTenantAsync();
        HttpContent Body(string json, string charset)
        {
            var content = new StringContent(json);
            content.Headers.Remove("Content-Type");
            content.Headers.TryAddWithoutValidation("Content-Type", $"application/json; charset={charset}");
            return content;
        }

        await (await tenant.Http.PostAsync("/api/v1/customers", Body("""{"name":"Ana"}""", "bogus"))).ShouldBeProblem(415);
        await (await tenant.Http.PatchAsync("/api/v1/customers/cus_nobody", Body("""{"name":"Ana"}""", "nope"))).ShouldBeProblem(415);
        await (await tenant.Http.PostAsync("/api/v1/plans", Body("{}", "x-bad"))).ShouldBeProblem(415);
        using var anonymous = host.Client();
        await (await anonymous.PostAsync("/webhooks/mock/acc_nobody", Body("{}", "bogus"))).ShouldBeProblem(415);
        // UTF-7 is a known name .NET will not decode.
        await (await tenant.Http.PostAsync("/api/v1/customers", Body("""{"name":"Ana"}""", "utf-7"))).ShouldBeProblem(415);
        // A charset that is known but is not what was sent is unreadable JSON, named as such.
        await (await tenant.Http.PostAsync("/api/v1/customers", Body("""{"name":"Ana"}""", "utf-32"))).ShouldBeProblem(400, "body");
        // UTF-8 is read however it is said: plainly, quoted, in any case, or by an empty charset.
        foreach (var charset in new[] { "utf-8", "\"utf-8\"", "\"UTF-8\"", "", "\"\"" })
            (await tenant.Http.PostAsync("/api/v1/customers", Body("""{"name":"Ana"}""", charset))).StatusCode.ShouldBe(HttpStatusCode.Created);
        Assert.Equal(5, (await tenant.ListAll("/api/v1/customers")).Count);
    }

    [Fact]
    public async Task A_missing_body_or_an_unreadable_parameter_is_named()
    {
        var tenant = await (await PaydeskHost.Shared(Engine.Sqlite)).NewTenantAsync();
        var noBody = await tenant.Http.PostAsync("/api/v1/plans", null);
        var problem = await noBody.ShouldBeProblem(400, "body");
        Assert.DoesNotContain("Service", problem.Str("detail")); // no framework hints for developers
        await (await tenant.PostRaw("/api/v1/plans", "null")).ShouldBeProblem(400, "body");
        await (await tenant.Http.GetAsync("/api/v1/plans?includeArchived=maybe")).ShouldBeProblem(400, "includeArchived");
        await (await tenant.Http.PostAsync("/api/v1/plans", new StringContent("name=x"))).ShouldBeProblem(415);
        Assert.Empty(await tenant.ListAll("/api/v1/plans"));
    }

    [Fact]
    public async Task An_unknown_route_and_a_wrong_method_answer_problem_details()
    {
        var tenant = await (await PaydeskHost.Shared(Engine.Sqlite)).NewTenantAsync();
        await (await tenant.Http.GetAsync("/api/v1/nothing-here")).ShouldBeProblem(404);
        await (await tenant.Http.DeleteAsync("/api/v1/plans")).ShouldBeProblem(405);
    }
}
