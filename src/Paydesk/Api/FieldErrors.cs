using Paydesk.Core;

namespace Paydesk.Api;

/// <summary>
/// Collects what is wrong with a request, field by field, so one answer names every bad field
/// (<c>price.amount</c>, <c>grants[1].count</c>) instead of the first one found.
/// </summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
            _errors[field] = list = [];
        list.Add(message);
    }

    public Problem ToProblem()
    {
        var first = _errors.First();
        return new Problem(StatusCodes.Status400BadRequest, "Invalid request",
            $"{first.Key}: {first.Value[0]}" + (_errors.Count > 1 ? $" (and {_errors.Count - 1} more)" : ""),
            _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
    }

    public string Text(string field, string? value, int maxLength = 200, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required) Add(field, "is required.");
            return "";
        }
        var trimmed = value.Trim();
        if (trimmed.Length > maxLength) Add(field, $"must be at most {maxLength} characters.");
        return trimmed;
    }

    public string? OptionalText(string field, string? value, int maxLength = 2000) =>
        string.IsNullOrWhiteSpace(value) ? null : Text(field, value, maxLength);

    public Currency? Currency(string field, string? code)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            Add(field, "is required.");
            return null;
        }
        if (!Core.Currency.TryParse(code, out var currency))
            Add(field, $"'{code}' is not a supported ISO 4217 currency code.");
        return currency;
    }

    /// <summary>An amount in minor units: an integer, never negative.</summary>
    public long MinorUnits(string field, long? amount)
    {
        if (amount is null) { Add(field, "is required."); return 0; }
        if (amount < 0) { Add(field, "must not be negative."); return 0; }
        return amount.Value;
    }

    public int Count(string field, int? value, int min = 1, int max = 1_000_000, bool required = true)
    {
        if (value is null)
        {
            if (required) Add(field, "is required.");
            return 0;
        }
        if (value < min || value > max) Add(field, $"must be between {min} and {max}.");
        return value.Value;
    }

    /// <summary>Intervals longer than this many units are refused: nothing is sold for a thousand years.</summary>
    public const int MaxIntervalCount = 1000;

    public BillingInterval? Interval(string field, IntervalInput? input, bool required = true)
    {
        if (input is null)
        {
            if (required) Add(field, "is required.");
            return null;
        }
        var unitKnown = BillingInterval.TryCreate(input.Unit, 1, out var unit, out var unitError);
        if (!unitKnown) Add($"{field}.unit", unitError!);
        var count = Count($"{field}.count", input.Count, min: 1, max: MaxIntervalCount);
        return unitKnown && count >= 1 && count <= MaxIntervalCount ? new BillingInterval(unit.Unit, count) : null;
    }

    public string TimeZone(string field, string? id, string fallback)
    {
        if (string.IsNullOrWhiteSpace(id)) return fallback;
        if (!Zones.TryGet(id, out _)) Add(field, $"'{id}' is not an IANA time zone id (like Europe/Bucharest).");
        return id;
    }

    public string? Email(string field, string? value)
    {
        var email = OptionalText(field, value, 320);
        if (email is not null && (!email.Contains('@') || email.StartsWith('@') || email.EndsWith('@')))
            Add(field, "is not an email address.");
        return email;
    }

    /// <summary>
    /// An absolute http(s) address a browser is sent to. Spaces and control characters (a CR or
    /// a line separator would split the Location header) are refused here rather than failing on
    /// the redirect, and so is a host with no ASCII form; letters outside ASCII are fine and leave
    /// as <see cref="WebAddress.AsciiHttpUrl"/> writes them.
    /// </summary>
    public string HttpUrl(string field, string? value, string rule = "must be an absolute http(s) URL.", bool required = false)
    {
        var url = Text(field, value, 2000, required);
        if (url.Length == 0) return url;
        if (url.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
            Add(field, "must not contain spaces or control characters; percent-encode them (%20).");
        else if (WebAddress.AsciiHttpUrl(url) is null)
            Add(field, Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"
                ? "has a host name that is not a valid internationalized domain name."
                : rule);
        return url;
    }
}

/// <summary>An interval as the API spells it: <c>{ "unit": "month", "count": 1 }</c>.</summary>
public sealed record IntervalInput(string? Unit, int? Count);

public sealed record IntervalView(string Unit, int Count)
{
    public static IntervalView From(BillingInterval interval) => new(interval.Unit.ToString().ToLowerInvariant(), interval.Count);
    public static IntervalView? From(IntervalUnit? unit, int? count) =>
        unit is { } u ? new(u.ToString().ToLowerInvariant(), count ?? 1) : null;
}
