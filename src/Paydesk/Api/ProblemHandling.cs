using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Paydesk.Api;

/// <summary>
/// Turns what goes wrong before or outside an endpoint into problem details: unreadable JSON
/// (naming the field), parameters that cannot be bound, bodies over the limit, and — without
/// internals — unexpected errors.
/// </summary>
internal sealed partial class ProblemHandling(IProblemDetailsService problems, ILogger<ProblemHandling> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        var details = exception switch
        {
            BadHttpRequestException { InnerException: JsonException json } => InvalidJson(json),
            JsonException json => InvalidJson(json),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => new ProblemDetails
            {
                Status = StatusCodes.Status413PayloadTooLarge,
                Title = "Request body too large",
                Detail = "The request body is larger than this endpoint accepts.",
            },
            BadHttpRequestException { StatusCode: StatusCodes.Status400BadRequest } bad when BoundParameter().Match(bad.Message) is { Success: true } match =>
                Invalid(match.Groups[1].Value, bad.Message.Contains("no body was provided", StringComparison.Ordinal)
                    ? "is required: send a JSON object."
                    : "has a value that cannot be read."),
            BadHttpRequestException bad => new ProblemDetails { Status = bad.StatusCode, Title = "Bad request" },
            _ => null,
        };
        if (details is null)
        {
            log.LogError(exception, "Unhandled error on {Method} {Path}", http.Request.Method, http.Request.Path);
            details = new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Title = "Internal error",
                Detail = "Something went wrong on our side; nothing was charged. The trace id identifies it in the logs.",
            };
        }

        http.Response.StatusCode = details.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = details, Exception = exception });
    }

    private static ValidationProblemDetails InvalidJson(JsonException json)
    {
        // A reader error (the body is not JSON at all) wraps another JsonException; a value of
        // the wrong type does not.
        var field = json.InnerException is JsonException ? "" : FieldOf(json);
        if (field.Length == 0)
            return Invalid("body", "is not valid JSON for this request.");
        return Invalid(field, UnmappedMember().IsMatch(json.Message)
            ? "is not a field of this request (server-owned fields such as id, tenant and status cannot be set)."
            : json.Message.StartsWith(RequestText.NulMessage, StringComparison.Ordinal) ? RequestText.NulMessage
            : json.Message.StartsWith(RequestText.NotTextMessage, StringComparison.Ordinal) ? RequestText.NotTextMessage
            : "has a value of the wrong type or format (amounts are whole numbers of minor units).");
    }

    private static ValidationProblemDetails Invalid(string field, string message) =>
        new(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "Invalid request",
            Detail = $"{field}: {message}",
        };

    /// <summary>"$.grants[1].count" → "grants[1].count"; an unknown property names itself.</summary>
    private static string FieldOf(JsonException json)
    {
        var path = (json.Path ?? "$").TrimStart('$').TrimStart('.');
        var unmapped = UnmappedMember().Match(json.Message);
        if (!unmapped.Success) return path;
        var name = unmapped.Groups[1].Value;
        if (path.Length == 0) return name;
        return path.EndsWith(name, StringComparison.Ordinal) ? path : $"{path}.{name}";
    }

    [GeneratedRegex("The JSON property '([^']+)' could not be mapped")]
    private static partial Regex UnmappedMember();

    // Minimal APIs name the parameter they could not bind: parameter "body", parameter "bool? archived".
    [GeneratedRegex("parameter \"(?:[^\"]* )?(\\w+)\"")]
    private static partial Regex BoundParameter();
}
