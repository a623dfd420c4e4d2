namespace Paydesk.Tests.Api;

/// <summary>
/// The OpenAPI document as a contract: it passes a lint (every operation named, summarised and
/// secured; every answer described), <c>/docs</c> sends the key with its scheme, and the check that
/// every test's answers go through (<see cref="ContractCheckingHandler"/>) does refuse what breaks it.
/// </summary>
public sealed class OpenApiContractTests
{
    private static readonly string[] HttpMethods = ["get", "put", "post", "delete", "patch"];

    private static async Task<JsonElement> DocumentAsync() =>
        await (await PaydeskHost.Shared(Engine.Sqlite)).Client().GetFromJsonAsync<JsonElement>("/openapi/v1.json");

    private static IEnumerable<(string Name, JsonElement Operation)> Operations(JsonElement document) =>
        from path in document.GetProperty("paths").EnumerateObject()
        from method in path.Value.EnumerateObject()
        where HttpMethods.Contains(method.Name)
        select ($"{method.Name.ToUpperInvariant()} {path.Name}", method.Value);

    [Fact]
    public async Task Every_operation_has_a_unique_id_a_summary_and_says_how_it_is_called()
    {
        var document = await DocumentAsync();
        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        var scheme = schemes.GetProperty("ApiKey");
        scheme.Str("type").ShouldBe("http");
        scheme.Str("scheme").ShouldBe("bearer");

        var problems = new List<string>();
        var ids = new HashSet<string>();
        var publicOperations = new List<string>();
        foreach (var (name, operation) in Operations(document))
        {
            if (!operation.TryGetProperty("operationId", out var id) || string.IsNullOrWhiteSpace(id.GetString()))
                problems.Add($"{name}: no operationId");
            else if (!ids.Add(id.GetString()!))
                problems.Add($"{name}: operationId '{id}' is used twice");
            if (!operation.TryGetProperty("summary", out var summary) || string.IsNullOrWhiteSpace(summary.GetString()))
                problems.Add($"{name}: no summary");
            if (!operation.TryGetProperty("security", out var security))
            {
                problems.Add($"{name}: says nothing of security (an empty list says it is public)");
                continue;
            }
            var required = security.EnumerateArray().SelectMany(r => r.EnumerateObject().Select(s => s.Name)).ToList();
            if (required.Count == 0) publicOperations.Add(name);
            problems.AddRange(required.Where(s => !schemes.TryGetProperty(s, out _)).Select(s => $"{name}: requires the undeclared scheme '{s}'"));

            var responses = operation.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToList();
            // A call that needs a key can be refused for the key, and for too many calls without one.
            if (required.Count > 0 && !(responses.Contains("401") && responses.Contains("429")))
                problems.Add($"{name}: needs a key but documents no 401 or 429 ({string.Join(", ", responses)})");
            if (!responses.Contains("500")) problems.Add($"{name}: documents no 500");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.True(ids.Count > 60, $"only {ids.Count} operations");
        // The provider's notifications come without a key; everything under /api needs one.
        Assert.Equal(new[] { "POST /webhooks/{provider}/{accountId}" }, publicOperations);
    }

    [Fact]
    public async Task Every_answer_is_described_and_no_schema_is_left_open()
    {
        var document = await DocumentAsync();
        var problems = new List<string>();
        foreach (var (name, operation) in Operations(document))
            foreach (var response in operation.GetProperty("responses").EnumerateObject())
            {
                if (string.IsNullOrWhiteSpace(response.Value.TryGetProperty("description", out var d) ? d.GetString() : null))
                    problems.Add($"{name} {response.Name}: no description");
                if (!response.Value.TryGetProperty("content", out var content)) continue;
                foreach (var media in content.EnumerateObject())
                    if (!media.Value.TryGetProperty("schema", out _))
                        problems.Add($"{name} {response.Name} {media.Name}: a body without a schema");
            }

        // A property's schema that says nothing allows anything: each names a type or another schema.
        foreach (var schema in document.GetProperty("components").GetProperty("schemas").EnumerateObject())
            foreach (var property in schema.Value.TryGetProperty("properties", out var properties) ? properties.EnumerateObject() : [])
                if (!new[] { "type", "$ref", "oneOf", "anyOf", "allOf" }.Any(k => property.Value.TryGetProperty(k, out _)))
                    problems.Add($"{schema.Name}.{property.Name}: the schema allows anything ({property.Value.GetRawText()})");
        Assert.True(problems.Count == 0, string.Join("\n", problems));

        // Every problem carries the traceId, and may name fields.
        var problem = document.GetProperty("components").GetProperty("schemas").GetProperty("ProblemDetails");
        Assert.True(problem.GetProperty("properties").TryGetProperty("traceId", out _));
        Assert.True(problem.GetProperty("properties").TryGetProperty("errors", out _));
        Assert.Contains("traceId", problem.GetProperty("required").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task What_a_request_may_leave_out_is_optional_and_what_an_answer_leaves_out_is_not_required()
    {
        var schemas = (await DocumentAsync()).GetProperty("components").GetProperty("schemas");
        string[] Required(string schema) =>
            schemas.GetProperty(schema).TryGetProperty("required", out var r) ? [.. r.EnumerateArray().Select(x => x.GetString()!)] : [];

        // Inputs: the endpoint names in a 400 what it needs; the reader demands nothing.
        Assert.Empty(Required("OrderLineInput"));
        Assert.Empty(Required("CheckoutInput"));
        // A grant writes only the fields of its type.
        Assert.Equal(new[] { "type" }, Required("GrantView"));
        // An answer's nullable fields are written, as null.
        Assert.Contains("paidAt", Required("OrderView"));
        Assert.Equal(new[] { "null", "string" }, schemas.GetProperty("OrderView").GetProperty("properties").GetProperty("paidByPaymentId")
            .GetProperty("type").EnumerateArray().Select(t => t.GetString()).Order());
    }

    [Fact]
    public async Task The_docs_page_sends_the_api_key_with_the_documents_bearer_scheme()
    {
        var client = (await PaydeskHost.Shared(Engine.Sqlite)).Client();
        var html = await client.GetStringAsync("/docs/");
        Assert.Contains("\"preferredSecurityScheme\":[\"ApiKey\"]", html);
        Assert.Contains("\"securitySchemes\":{\"ApiKey\":", html);
        // Outside Development no key is filled in for the visitor.
        Assert.DoesNotContain("sk_test_demo", html);
    }

    [Fact]
    public async Task The_check_refuses_an_answer_that_breaks_the_document()
    {
        var contract = await (await PaydeskHost.Shared(Engine.Sqlite)).Contract;
        var read = contract.Find("GET", "/api/v1/plans/plan_01abc");
        Assert.NotNull(read);
        read.Id.ShouldBe("getPlan");
        const string plan = """
            {"id":"plan_1","name":"10 sessions","description":null,"status":"active","version":1,"currency":"RON","type":"one_time",
             "interval":null,"price":{"id":"price_1","termMonths":null,"price":{"amount":150000,"currency":"RON","display":"1,500.00 RON"}},
             "terms":[],"trialDays":0,"grants":[{"type":"sessions","serviceId":"svc_1","count":10}],
             "createdAt":"2026-01-01T10:00:00+00:00","updatedAt":"2026-01-01T10:00:00+00:00"}
            """;
        Assert.Empty(read.Check(200, "application/json", plan));

        Assert.Contains("$: required property 'name' is missing", read.Check(200, "application/json", plan.Replace("\"name\":\"10 sessions\",", "")));
        Assert.Contains("status 418 is not documented", Assert.Single(read.Check(418, "application/json", plan)));
        Assert.Contains("$.version: is a string (\"1\"), the document allows integer", read.Check(200, "application/json", plan.Replace("\"version\":1", "\"version\":\"1\"")));
        Assert.Contains("$.name: is null, the document allows string", read.Check(200, "application/json", plan.Replace("\"10 sessions\"", "null")));
        Assert.Contains("$: property 'tenantId' is not in the document (additionalProperties: false)",
            read.Check(200, "application/json", plan.Replace("{\"id\":\"plan_1\",", "{\"id\":\"plan_1\",\"tenantId\":\"ten_1\",")));
        Assert.Contains("$.grants[0].count: is a number (10.5), the document allows null or integer",
            read.Check(200, "application/json", plan.Replace("\"count\":10", "\"count\":10.5")));
        Assert.Contains("$.createdAt: 'yesterday' is not a date-time",
            read.Check(200, "application/json", plan.Replace("\"createdAt\":\"2026-01-01T10:00:00+00:00\"", "\"createdAt\":\"yesterday\"")));
        Assert.Contains(read.Check(200, "application/json", plan.Replace("\"interval\":null", "\"interval\":{\"unit\":\"month\"}")),
            e => e.StartsWith("$.interval: matches none of oneOf", StringComparison.Ordinal) && e.Contains("required property 'count' is missing"));
        Assert.Contains("came as text/html", Assert.Single(read.Check(200, "text/html", "<p>plan</p>")));
        // A problem must carry its traceId.
        Assert.Contains("$: required property 'traceId' is missing",
            read.Check(404, "application/problem+json", """{"title":"Not found","status":404,"detail":"No plan with id 'x'."}"""));

        // Only documented operations are checked: pages and health are not in the document.
        Assert.Null(contract.Find("GET", "/health/ready"));
        Assert.Null(contract.Find("DELETE", "/api/v1/plans/plan_1"));
        // Nor is a path the web server refuses before any routing.
        Assert.Null(contract.Find("GET", "/api/v1/plans/plan_%00"));
    }

    [Fact]
    public async Task A_client_of_a_test_host_fails_on_an_answer_that_breaks_the_document()
    {
        var contract = await (await PaydeskHost.Shared(Engine.Sqlite)).Contract;
        using var client = new HttpClient(new ContractCheckingHandler(() => Task.FromResult(contract))
        {
            InnerHandler = new Answering(HttpStatusCode.OK, """{"id":"plan_1"}"""),
        }) { BaseAddress = new Uri("http://paydesk.invalid") };

        var violation = await Assert.ThrowsAsync<ContractViolation>(() => client.GetAsync("/api/v1/plans/plan_1"));
        Assert.Contains("GET /api/v1/plans/plan_1 answered 200, which breaks the OpenAPI document's GET /api/v1/plans/{id} (getPlan)", violation.Message);
        Assert.Contains("$: required property 'name' is missing", violation.Message);

        // What the document does not describe passes as it came.
        (await client.GetAsync("/mock-pay/pay_1")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    /// <summary>A server that answers every request with the same JSON.</summary>
    private sealed class Answering(HttpStatusCode status, string json) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct) =>
            Task.FromResult(new HttpResponseMessage(status) { RequestMessage = request, Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") });
    }
}
