using System.Text;
using Microsoft.EntityFrameworkCore;
using Paydesk.Storage;

namespace Paydesk.Api;

/// <summary>A page of a list: its items, and the cursor of the next page (null on the last).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>
/// Cursor pagination over time-ordered ids: <c>?limit=</c> (1–100, default 20) and the opaque
/// <c>?cursor=</c> from the previous page. Unlike offsets, a cursor neither skips nor repeats
/// rows when rows are added while someone pages.
/// </summary>
public sealed record PageRequest(int? Limit, string? Cursor)
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    public static ValueTask<PageRequest?> BindAsync(HttpContext http) =>
        ValueTask.FromResult<PageRequest?>(new PageRequest(
            int.TryParse(http.Request.Query["limit"], out var limit) ? limit : http.Request.Query.ContainsKey("limit") ? -1 : null,
            http.Request.Query["cursor"].FirstOrDefault()));

    public async Task<Result<Page<TView>>> Run<T, TView>(IQueryable<T> query, Func<T, TView> view, CancellationToken ct)
        where T : class, IIdentified
    {
        var limit = Limit ?? DefaultLimit;
        if (limit is < 1 or > MaxLimit)
            return Problem.Invalid("limit", $"must be a whole number between 1 and {MaxLimit}.");

        string? after = null;
        if (!string.IsNullOrEmpty(Cursor) && !TryDecode(Cursor, out after))
            return Problem.Invalid("cursor", "is not a cursor this API gave out.");

        if (after is not null)
            query = query.Where(e => string.Compare(e.Id, after) > 0);
        var rows = await query.OrderBy(e => e.Id).Take(limit + 1).ToListAsync(ct);
        var next = rows.Count > limit ? Encode(rows[limit - 1].Id) : null;
        return new Page<TView>(rows.Take(limit).Select(view).ToList(), next);
    }

    private static string Encode(string id) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes("after:" + id)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryDecode(string cursor, out string? after)
    {
        after = null;
        var base64 = cursor.Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');
        var bytes = new byte[base64.Length];
        if (!Convert.TryFromBase64String(base64, bytes, out var written)) return false;
        var text = Encoding.UTF8.GetString(bytes, 0, written);
        if (!text.StartsWith("after:", StringComparison.Ordinal) || text.Length > 100) return false;
        after = text["after:".Length..];
        return true;
    }
}
