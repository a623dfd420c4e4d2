using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Paydesk.Tenancy;

namespace Paydesk.Api;

/// <summary>
/// What makes <c>/openapi/v1.json</c> a contract rather than a sketch: the answers every call may
/// get besides its own (401, 403, 429, 413, 415, 500 and the idempotency refusals), the API key as
/// a bearer security scheme required by every operation that needs one (and explicitly by none of
/// the public ones), and schemas that say what the JSON really holds — which properties are always
/// written, which may be null, which a request may leave out. The test suite checks every answer it
/// receives against the document, so what is said here is held to.
/// </summary>
public static class OpenApiContract
{
    /// <summary>The security scheme's name in the document, and the one <c>/docs</c> sends the key with.</summary>
    public const string SecurityScheme = "ApiKey";

    public static IServiceCollection AddPaydeskOpenApi(this IServiceCollection services) =>
        services.AddOpenApi("v1", o =>
        {
            o.AddSchemaTransformer(DescribeSchema);
            o.AddOperationTransformer(DescribeOperation);
            o.AddDocumentTransformer(DescribeDocument);
        });

    /// <summary>
    /// The answers a call may get that its endpoint does not produce itself: authentication (401),
    /// a role that may not (403), the limit on calls without a valid key (429), the idempotency key
    /// refused or reused (400, 409), a body that cannot be read (400, 413, 415), and our own failure (500).
    /// Applied last, so it sees the endpoint's own authorization and answers.
    /// </summary>
    public static TBuilder AnswersCommonProblems<TBuilder>(this TBuilder endpoints) where TBuilder : IEndpointConventionBuilder
    {
        endpoints.Finally(endpoint =>
        {
            var metadata = endpoint.Metadata;
            var declared = metadata.OfType<IProducesResponseTypeMetadata>().Select(m => m.StatusCode).ToHashSet();
            void Answers(int status, Type type)
            {
                if (declared.Add(status)) metadata.Add(new ProducesResponseTypeMetadata(status, type, ["application/problem+json"]));
            }

            if (NeedsKey(metadata))
            {
                Answers(StatusCodes.Status401Unauthorized, typeof(ProblemDetails));
                Answers(StatusCodes.Status429TooManyRequests, typeof(ProblemDetails));
            }
            if (metadata.OfType<IAuthorizeData>().Any(a => a.Policy is not null && a.Policy != Policies.Any))
                Answers(StatusCodes.Status403Forbidden, typeof(ProblemDetails));
            var post = metadata.OfType<IHttpMethodMetadata>().Any(m => m.HttpMethods.Contains(HttpMethods.Post));
            var isApi = (endpoint as RouteEndpointBuilder)?.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true;
            if (post && isApi)
            {
                Answers(StatusCodes.Status400BadRequest, typeof(HttpValidationProblemDetails));
                Answers(StatusCodes.Status409Conflict, typeof(ProblemDetails));
            }
            if (metadata.OfType<IAcceptsMetadata>().Any())
            {
                Answers(StatusCodes.Status400BadRequest, typeof(HttpValidationProblemDetails));
                Answers(StatusCodes.Status413PayloadTooLarge, typeof(ProblemDetails));
                Answers(StatusCodes.Status415UnsupportedMediaType, typeof(ProblemDetails));
            }
            Answers(StatusCodes.Status500InternalServerError, typeof(ProblemDetails));
        });
        return endpoints;
    }

    /// <summary>Lists take <c>?limit=</c> and <c>?cursor=</c> (<see cref="PageRequest"/> binds them itself, so the framework cannot see them).</summary>
    internal static void AddPaging(OpenApiOperation operation)
    {
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = "limit", In = ParameterLocation.Query,
            Description = $"How many items a page holds: 1 to {PageRequest.MaxLimit}, {PageRequest.DefaultLimit} when left out.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = PageRequest.MaxLimit.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        });
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = "cursor", In = ParameterLocation.Query,
            Description = "The nextCursor of the previous page; the first page when left out.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
        });
    }

    private static bool NeedsKey(IEnumerable<object> metadata) =>
        metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any();

    private static Task DescribeSchema(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        var info = context.JsonTypeInfo;
        // Strings go through RequestText.Converter, which hides their type from the schema exporter.
        if (info.Type == typeof(string) && schema.Type is null)
            schema.Type = JsonSchemaType.String | (context.JsonPropertyInfo is { IsGetNullable: true } ? JsonSchemaType.Null : 0);

        if (info.Kind == JsonTypeInfoKind.Object && schema.Properties is { Count: > 0 })
        {
            // A request may leave out whatever the deserializer does not demand (the endpoint says
            // which fields it needs, by name, in a 400); an answer always holds every property it
            // writes — null or not — except those left out when null.
            var request = context.ParameterDescription is not null;
            schema.Required = info.Properties
                .Where(p => !p.IsExtensionData && schema.Properties.ContainsKey(p.Name))
                .Where(p => request ? p.IsRequired : p.Get is not null && p.ShouldSerialize is null)
                .Select(p => p.Name).ToHashSet();
        }
        return Task.CompletedTask;
    }

    private static Task DescribeOperation(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        // Every operation says how it is called: with the API key, or (an empty list) without one.
        operation.Security = NeedsKey(metadata)
            ? [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SecurityScheme, context.Document)] = [] }]
            : [];

        var api = context.Description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
        if (api && string.Equals(context.Description.HttpMethod, HttpMethods.Post, StringComparison.OrdinalIgnoreCase))
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = IdempotencyMiddleware.Header, In = ParameterLocation.Header,
                Description = "Makes a retry safe: the same key and body answer what the first request answered; the same key with another body is a 409.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = IdempotencyMiddleware.MaxKeyLength },
            });
        }

        foreach (var (status, response) in operation.Responses ?? [])
            if (response is OpenApiResponse answer && CommonAnswers.TryGetValue(status, out var description))
                answer.Description = description;
        return Task.CompletedTask;
    }

    private static readonly Dictionary<string, string> CommonAnswers = new()
    {
        ["401"] = "No API key was sent, or it is unknown, revoked or expired.",
        ["403"] = "The key's role may not do this.",
        ["413"] = "The request body is larger than this endpoint accepts.",
        ["415"] = "The body's charset is not one this service reads; send JSON as UTF-8.",
        ["429"] = "Too many requests; the Retry-After header says when to try again.",
        ["500"] = "Something went wrong on our side; nothing was charged. The traceId identifies it in the logs.",
    };

    private static Task DescribeDocument(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        document.Info.Title = "Paydesk API";
        document.Info.Description = "Amounts are integers in minor units. Errors are RFC 7807 problem details carrying a traceId. " +
            "Every POST takes an Idempotency-Key. Lists page by cursor.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SecurityScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http, Scheme = "bearer", BearerFormat = "sk_… or ck_…",
            Description = "A tenant's API key (sk_…) or a customer session's (ck_…): Authorization: Bearer sk_…",
        };

        // Problem details carry the request's traceId (PaydeskApp's CustomizeProblemDetails) and,
        // when a field is to blame, the errors by field.
        foreach (var name in new[] { nameof(ProblemDetails), nameof(HttpValidationProblemDetails) })
        {
            if (document.Components.Schemas is null || !document.Components.Schemas.TryGetValue(name, out var found) || found is not OpenApiSchema problem) continue;
            problem.Properties ??= new Dictionary<string, IOpenApiSchema>();
            problem.Properties["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Identifies the request in the logs." };
            problem.Properties["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object, Description = "What is wrong, by field.",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            };
            problem.Required = new HashSet<string> { "title", "status", "traceId" };
        }
        return Task.CompletedTask;
    }
}
