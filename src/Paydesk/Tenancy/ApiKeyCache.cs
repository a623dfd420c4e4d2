using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Paydesk.Storage;

namespace Paydesk.Tenancy;

/// <summary>
/// An entity whose change can end API keys: the key itself (revoked) and a customer (archiving
/// ends their sessions). Saving one empties the <see cref="ApiKeyCache"/> of this process.
/// </summary>
public interface IEndsApiKeys;

/// <summary>
/// The keys this process has authenticated in the last second, by hash: the lookup was a database
/// round trip on every request, more than most endpoints' own work. An entry lives at most
/// <see cref="Lifetime"/>, so a key revoked by another process stops working here within it; a
/// change saved in this process empties the cache at once, so here it stops at the next request.
/// Only keys that exist are kept: unknown secrets cannot fill it.
/// </summary>
public sealed class ApiKeyCache(TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(1);
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _forgetting = new();
    private long _generation;

    private sealed record Entry(KeyByHash Key, long FetchedAt);

    public async ValueTask<KeyByHash?> FindAsync(PaydeskDb db, string hash, CancellationToken ct)
    {
        if (_entries.TryGetValue(hash, out var cached) && time.GetElapsedTime(cached.FetchedAt) < Lifetime)
            return cached.Key;

        // Read before the load: a change saved while it runs makes what it read unfit to keep.
        var generation = Volatile.Read(ref _generation);
        var fetchedAt = time.GetTimestamp();
        var key = await Installation.ApiKeyAsync(db, hash, ct);
        if (key is null)
        {
            _entries.TryRemove(hash, out _);
            return null;
        }
        lock (_forgetting)
        {
            if (generation == _generation && (_entries.Count < MaxEntries || _entries.ContainsKey(hash)))
                _entries[hash] = new Entry(key, fetchedAt);
        }
        return key;
    }

    /// <summary>Empties the cache: a key or a customer changed in this process.</summary>
    public void Forget()
    {
        lock (_forgetting)
        {
            _generation++;
            _entries.Clear();
        }
    }
}

/// <summary>
/// Empties the <see cref="ApiKeyCache"/> when a change to an <see cref="IEndsApiKeys"/> entity is
/// committed: at once for a save outside a transaction, at the commit otherwise, and once more then,
/// so nothing read between the save and the commit outlives it.
/// </summary>
internal sealed class ForgetChangedKeys(ApiKeyCache cache) : ISaveChangesInterceptor, IDbTransactionInterceptor
{
    public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken ct = default)
    {
        Note(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Note(eventData.Context);
        return result;
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken ct = default)
    {
        Saved(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Saved(eventData.Context);
        return result;
    }

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken ct = default)
    {
        Committed(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Committed(eventData.Context);

    private static void Note(DbContext? context)
    {
        if (context is PaydeskDb db && db.ChangeTracker.Entries().Any(e =>
                e.Entity is IEndsApiKeys && e.State is EntityState.Modified or EntityState.Deleted))
            db.KeysChanged = true;
    }

    private void Saved(DbContext? context)
    {
        if (context is not PaydeskDb { KeysChanged: true } db) return;
        cache.Forget();
        if (db.Database.CurrentTransaction is null) db.KeysChanged = false;
    }

    private void Committed(DbContext? context)
    {
        if (context is not PaydeskDb { KeysChanged: true } db) return;
        db.KeysChanged = false;
        cache.Forget();
    }
}
