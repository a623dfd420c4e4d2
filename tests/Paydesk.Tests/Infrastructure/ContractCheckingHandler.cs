namespace Paydesk.Tests.Infrastructure;

/// <summary>
/// Sits in every HttpClient a test host hands out: each answer to an operation of the server's own
/// OpenAPI document is checked against it (<see cref="ApiContract"/>), and one that breaks it fails
/// the test that received it — so every answer any test sees is also a check of the contract.
/// Requests are not checked: tests send garbage on purpose. Answers outside the document (pages,
/// health, the Mock provider's page) pass as they are.
/// </summary>
public sealed class ContractCheckingHandler(Func<Task<ApiContract>> contract) : DelegatingHandler(new HttpClientHandler())
{
    /// <summary>A client of the server at <paramref name="baseAddress"/>, with the key if one is given, whose answers are checked.</summary>
    public static HttpClient Client(Uri baseAddress, Func<Task<ApiContract>> contract, string? apiKey)
    {
        var client = new HttpClient(new ContractCheckingHandler(contract)) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (apiKey is not null) client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var response = await base.SendAsync(request, ct);
        // After redirects, the request that was answered.
        var answered = response.RequestMessage ?? request;
        var operation = (await contract()).Find(answered.Method.Method, answered.RequestUri!.AbsolutePath);
        if (operation is null) return response;

        await response.Content.LoadIntoBufferAsync(ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        var status = (int)response.StatusCode;
        var violations = operation.Check(status, response.Content.Headers.ContentType?.MediaType, body);
        if (violations.Count == 0) return response;
        response.Dispose();
        throw new ContractViolation(
            $"{answered.Method} {answered.RequestUri.PathAndQuery} answered {status}, which breaks the OpenAPI document's {operation}:\n  " +
            string.Join("\n  ", violations) + $"\nBody: {ApiContract.Shorten(body)}");
    }
}

/// <summary>An answer the server's OpenAPI document does not allow.</summary>
public sealed class ContractViolation(string message) : Xunit.Sdk.XunitException(message);
