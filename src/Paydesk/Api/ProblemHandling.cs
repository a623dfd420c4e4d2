using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Paydesk.Api;

/// <summary>
/// Turns what goes wrong before or outside an endpoint into problem details: unreadable JSON
/// (naming the field), bodies over the limit, and — without internals — unexpected errors.
/// </summary>
internal sealed partial class ProblemHandling(IProblemDetailsService problems, ILogger<ProblemHandling> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        ProblemDetails details;
        switch (exception)
        {
            case BadHttpRequestException { InnerException: JsonException json }:
                details = InvalidJson(json);
                break;
            case JsonException json:
                details = InvalidJson(json);
                break;
            case BadHttpRequestException bad when bad.StatusCode == StatusCodes.Status413PayloadTooLarge:
                details = new ProblemDetails
                {
                    Status = bad.StatusCode,
                    Title = "Request body too large",
                    Detail = "The request body is larger than this endpoint accepts.",
                };
                break;
            case BadHttpRequestException bad:
                details = new ProblemDetails { Status = bad.StatusCode, Title = "Bad request", Detail = bad.Message };
                break;
            default:
                log.LogError(exception, "Unhandled error on {Method} {Path}", http.Request.Method, http.Request.Path);
                details = new ProblemDetails
                {
                    Status = StatusCodes.Status500InternalServerError,
                    Title = "Internal error",
                    Detail = "Something went wrong on our side; nothing was charged. The trace id identifies it in the logs.",
                };
                break;
        }

        http.Response.StatusCode = details.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = details, Exception = exception });
    }

    private static ValidationProblemDetails InvalidJson(JsonException json)
    {
        // A reader error (the body is not JSON at all) wraps another JsonException; a value of
        // the wrong type does not.
        var field = json.InnerException is JsonException ? "" : FieldOf(json);
        var message = UnmappedMember().IsMatch(json.Message)
            ? "is not a field of this request (server-owned fields such as id, tenant and status cannot be set)."
            : "has a value of the wrong type or format (amounts are whole numbers of minor units).";
        if (field.Length == 0)
        {
            field = "body";
            message = "is not valid JSON for this request.";
        }
        return new ValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "Invalid request",
            Detail = $"{field}: {message}",
        };
    }

    /// <summary>"$.grants[1].count" → "grants[1].count"; an unknown property names itself.</summary>
    private static string FieldOf(JsonException json)
    {
        var path = (json.Path ?? "$").TrimStart('$').TrimStart('.');
        var unmapped = UnmappedMember().Match(json.Message);
        if (unmapped.Success)
        {
            var name = unmapped.Groups[1].Value;
            return path.Length == 0 || path.EndsWith(name, StringComparison.Ordinal) ? (path.Length == 0 ? name : path) : $"{path}.{name}";
        }
        return path;
    }

    [GeneratedRegex("The JSON property '([^']+)' could not be mapped")]
    private static partial Regex UnmappedMember();
}
