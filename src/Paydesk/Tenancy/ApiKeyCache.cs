using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
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
            if (generation == _generation)
            {
                // Entries a second old are of no use: a full cache starts again rather than stop keeping.
                if (_entries.Count >= MaxEntries) _entries.Clear();
                _entries[hash] = new Entry(key, fetchedAt);
            }
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
/// saved, and again when it commits, so nothing read between the save and the commit outlives it.
/// </summary>
internal sealed class ForgetChangedKeys(ApiKeyCache cache) : AfterCommit
{
    protected override bool Carries(PaydeskDb db) =>
        db.ChangeTracker.Entries().Any(e => e.Entity is IEndsApiKeys && e.State is EntityState.Modified or EntityState.Deleted);

    protected override bool AlsoWhenSaved => true;

    protected override void Committed() => cache.Forget();
}
