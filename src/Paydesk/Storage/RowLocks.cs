using Microsoft.EntityFrameworkCore;

namespace Paydesk.Storage;

/// <summary>
/// The way a use case that reads a row, decides, and writes it back keeps others out meanwhile:
/// a transaction in which the row is locked first. On PostgreSQL the lock is
/// <c>SELECT … FOR UPDATE</c>: a second transaction locking the same row waits until the first
/// ends, then reads what it wrote. On SQLite every transaction is begun <c>IMMEDIATE</c> (the
/// Microsoft.Data.Sqlite default), so it holds the database's write lock from its start and
/// nothing else can write until it ends: the row lock is already there.
/// </summary>
public static class RowLocks
{
    /// <summary>
    /// Locks the current tenant's row <paramref name="id"/> of <typeparamref name="T"/> until the
    /// current transaction ends. Answers whether the row exists (for this tenant).
    /// </summary>
    public static async Task<bool> LockAsync<T>(this PaydeskDb db, string id, CancellationToken ct) where T : class, IHasId
    {
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException($"A {typeof(T).Name} row can only be locked inside a transaction.");
        var tenantId = db.Tenant.TenantId ?? throw new InvalidOperationException("A row is locked only within a tenant.");
        if (!db.Database.IsNpgsql())
            return await db.Set<T>().AnyAsync(e => e.Id == id, ct);

        // The table's name comes from the model, never from input; the values are parameters.
        var table = db.Model.FindEntityType(typeof(T))!.GetTableName();
#pragma warning disable EF1002
        var locked = await db.Database
            .SqlQueryRaw<int>($"SELECT 1 AS \"Value\" FROM {table} WHERE tenant_id = {{0}} AND id = {{1}} FOR UPDATE", tenantId, id)
            .ToListAsync(ct);
#pragma warning restore EF1002
        return locked.Count > 0;
    }

    /// <summary>
    /// Locks the row and reads it as it is now, or answers null when the tenant has no such row.
    /// A copy this context tracks already (read before the lock was taken) is read again, so the
    /// decision that follows is made on what the database holds, not on what it held earlier.
    /// </summary>
    /// <remarks>
    /// The lock is taken in SQL, past the query filters; the read after it is filtered like any
    /// other, so a row the caller may not see (another customer's, for a customer's own key) is
    /// answered as missing, as it is on SQLite.
    /// </remarks>
    public static async Task<T?> LockedAsync<T>(this PaydeskDb db, string id, CancellationToken ct) where T : class, IHasId
    {
        // Not tracked yet, on PostgreSQL: locked and read in one statement, the filters applied around the locking one.
        if (db.Database.IsNpgsql() && db.Database.CurrentTransaction is not null && db.Tenant.TenantId is { } tenantId
            && !db.ChangeTracker.Entries<T>().Any(e => e.Entity.Id == id))
        {
            var table = db.Model.FindEntityType(typeof(T))!.GetTableName();
#pragma warning disable EF1002 // the table's name comes from the model, never from input; the values are parameters
            return await db.Set<T>().FromSqlRaw($"SELECT * FROM {table} WHERE tenant_id = {{0}} AND id = {{1}} FOR UPDATE", tenantId, id)
                .FirstOrDefaultAsync(ct);
#pragma warning restore EF1002
        }
        return await db.LockAsync<T>(id, ct) ? await db.FreshOrMissingAsync<T>(id, ct) : null;
    }

    /// <summary>
    /// The row as the database holds it now, tracked; an unchanged copy tracked already is read
    /// again. A copy this unit of work has changed and not saved yet is its newest version, and is
    /// kept as it is.
    /// </summary>
    public static async Task<T> FreshAsync<T>(this PaydeskDb db, string id, CancellationToken ct) where T : class, IHasId =>
        await db.FreshOrMissingAsync<T>(id, ct) ?? throw new InvalidOperationException($"{typeof(T).Name} {id} is not there for this caller.");

    private static async Task<T?> FreshOrMissingAsync<T>(this PaydeskDb db, string id, CancellationToken ct) where T : class, IHasId
    {
        if (db.ChangeTracker.Entries<T>().FirstOrDefault(e => e.Entity.Id == id) is { } tracked)
        {
            if (tracked.State == EntityState.Unchanged) await tracked.ReloadAsync(ct);
            return tracked.Entity;
        }
        return await db.Set<T>().FirstOrDefaultAsync(e => e.Id == id, ct);
    }

    /// <summary>
    /// A read-only transaction whose reads all see one moment: repeatable read on PostgreSQL, and on
    /// SQLite a deferred transaction, which reads one snapshot without taking the write lock that
    /// the default (immediate) transaction would.
    /// </summary>
    public static async Task<Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction> BeginSnapshotAsync(this PaydeskDb db, CancellationToken ct)
    {
        if (db.Database.IsNpgsql()) return await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        await db.Database.OpenConnectionAsync(ct);
        var connection = (Microsoft.Data.Sqlite.SqliteConnection)db.Database.GetDbConnection();
        return await db.Database.UseTransactionAsync(connection.BeginTransaction(deferred: true), ct)
            ?? throw new InvalidOperationException("SQLite did not begin a transaction.");
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction and commits it, or joins the transaction that
    /// is already open (whose owner then commits). Work that throws leaves nothing behind.
    /// </summary>
    public static async Task<T> InTransactionAsync<T>(this PaydeskDb db, Func<Task<T>> work, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is not null) return await work();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var result = await work();
        await transaction.CommitAsync(ct);
        return result;
    }
}
