namespace Paydesk.Catalog;

/// <summary>
/// Catalog items are archived, never deleted: orders and entitlements keep pointing at them, and
/// an archived item can no longer be sold or added to a plan.
/// </summary>
public interface IArchivable : Storage.IHasId
{
    DateTimeOffset? ArchivedAt { get; set; }
}

public static class Archiving
{
    /// <summary>Archives the item with <paramref name="id"/> (once: a second time changes nothing); null when there is none.</summary>
    public static async Task<T?> ArchiveAsync<T>(Storage.PaydeskDb db, IQueryable<T> source, string id, TimeProvider time, CancellationToken ct)
        where T : class, IArchivable
    {
        var item = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.FirstOrDefaultAsync(source, x => x.Id == id, ct);
        if (item is null) return null;
        item.ArchivedAt ??= time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return item;
    }
}
