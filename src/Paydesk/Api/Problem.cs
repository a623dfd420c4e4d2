namespace Paydesk.Api;

/// <summary>
/// An expected failure — not found, invalid input, a conflict — as a value. Endpoints turn it into
/// an RFC 7807 problem detail in one place (<see cref="ApiResults"/>); exceptions are for bugs.
/// </summary>
public sealed record Problem(int Status, string Title, string? Detail = null, IReadOnlyDictionary<string, string[]>? Errors = null)
{
    public static Problem NotFound(string what, string id) =>
        new(StatusCodes.Status404NotFound, "Not found", $"No {what} with id '{id}'.");

    public static Problem Conflict(string detail) => new(StatusCodes.Status409Conflict, "Conflict", detail);

    /// <summary>The sentence a page shows for it: the first field's message, else the detail, else the title.</summary>
    public string Message => Errors?.Values.SelectMany(v => v).FirstOrDefault() ?? Detail ?? Title;

    /// <summary>Every field's message, each after its field's name (<c>price: is not an amount…</c>); else the detail, else the title.</summary>
    public string Explained => Errors is { Count: > 0 }
        ? string.Join(" ", Errors.SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}")))
        : Detail ?? Title;

    public static Problem Invalid(string field, string message) =>
        new(StatusCodes.Status400BadRequest, "Invalid request", $"{field}: {message}",
            new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>Either a value or the <see cref="Problem"/> that prevented it.</summary>
public readonly struct Result<T>
{
    private Result(T? value, Problem? problem) => (Value, Problem) = (value, problem);

    public T? Value { get; }
    public Problem? Problem { get; }

    public static implicit operator Result<T>(T value) => new(value, null);
    public static implicit operator Result<T>(Problem problem) => new(default, problem);

    public Result<TOut> Map<TOut>(Func<T, TOut> map) => Problem is { } problem ? problem : map(Value!);
}
