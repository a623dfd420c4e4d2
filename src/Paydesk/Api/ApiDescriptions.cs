namespace Paydesk.Api;

/// <summary>
/// What an endpoint answers, for the OpenAPI document (endpoints return IResult, which says nothing).
/// The answers every call shares (401, 403, 429, 500…) and the schemas' rules are <see cref="OpenApiContract"/>'s.
/// </summary>
public static class ApiDescriptions
{
    public static RouteHandlerBuilder Creates<T>(this RouteHandlerBuilder endpoint) => endpoint
        .Produces<T>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);

    public static RouteHandlerBuilder Revises<T>(this RouteHandlerBuilder endpoint) => endpoint
        .Produces<T>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

    public static RouteHandlerBuilder Reads<T>(this RouteHandlerBuilder endpoint) => endpoint
        .Produces<T>().ProducesProblem(StatusCodes.Status404NotFound);

    public static RouteHandlerBuilder Lists<T>(this RouteHandlerBuilder endpoint) => endpoint
        .Produces<Page<T>>().ProducesValidationProblem()
        .AddOpenApiOperationTransformer((operation, _, _) =>
        {
            OpenApiContract.AddPaging(operation);
            return Task.CompletedTask;
        });
}
