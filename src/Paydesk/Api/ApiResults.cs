using Microsoft.AspNetCore.Http.HttpResults;

namespace Paydesk.Api;

/// <summary>The one place where results and problems become HTTP answers.</summary>
public static class ApiResults
{
    public static IResult ToHttp(this Problem problem) =>
        problem.Errors is { Count: > 0 } errors
            ? TypedResults.ValidationProblem(errors, problem.Detail, title: problem.Title,
                extensions: null)
            : TypedResults.Problem(problem.Detail, statusCode: problem.Status, title: problem.Title);

    public static IResult Ok<T>(this Result<T> result) =>
        result.Problem is { } problem ? problem.ToHttp() : TypedResults.Ok(result.Value);

    public static IResult Created<T>(this Result<T> result, Func<T, string> location) =>
        result.Problem is { } problem ? problem.ToHttp() : TypedResults.Created(location(result.Value!), result.Value);

    public static IResult OkOrNotFound<T>(T? value, string what, string id) where T : class =>
        value is null ? Problem.NotFound(what, id).ToHttp() : TypedResults.Ok(value);
}
