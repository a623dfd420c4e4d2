namespace Paydesk.Api;

/// <summary>Text kept in a column of a given length.</summary>
public static class Text
{
    /// <summary>
    /// <paramref name="text"/> cut to at most <paramref name="max"/> UTF-16 units, ending in "…" when
    /// it was cut, and never through a surrogate pair: half an emoji is refused by PostgreSQL and
    /// stored as U+FFFD by SQLite.
    /// </summary>
    public static string? Cut(string? text, int max)
    {
        if (text is not { Length: var n } || n <= max) return text;
        var end = char.IsHighSurrogate(text[max - 2]) ? max - 2 : max - 1;
        return text[..end] + "…";
    }
}
