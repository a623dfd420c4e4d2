using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Paydesk.Storage;

namespace Paydesk.Jobs;

/// <summary>
/// Wakes this process's idle workers when a transaction that queued work commits, so the work
/// starts at once instead of at the next poll.
/// </summary>
public sealed class JobSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next <see cref="Wake"/>. Take it before looking for work, so a wake-up in between is not missed.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public void Wake() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}

/// <summary>
/// Sends the <see cref="JobSignal"/> when work queued in a unit of work, and due now, is committed:
/// at once for a save outside a transaction, when the transaction commits otherwise, never if it
/// rolls back. Work due later (an order's expiry, a day ahead) wakes no one: the workers' poll
/// finds it when it is due, and a burst of orders does not send every worker to look for work
/// after every commit.
/// </summary>
internal sealed class JobWakeUp(JobSignal signal, TimeProvider time) : ISaveChangesInterceptor, IDbTransactionInterceptor
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

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken ct = default)
    {
        if (eventData.Context is PaydeskDb db) db.JobsQueued = false;
        return Task.CompletedTask;
    }

    private void Note(Microsoft.EntityFrameworkCore.DbContext? context)
    {
        if (context is not PaydeskDb db) return;
        var now = time.GetUtcNow();
        if (db.ChangeTracker.Entries<Job>().Any(e => e.Entity.State == JobState.Queued && e.Entity.DueAt <= now
                && e.State is Microsoft.EntityFrameworkCore.EntityState.Added or Microsoft.EntityFrameworkCore.EntityState.Modified))
            db.JobsQueued = true;
    }

    private void Saved(Microsoft.EntityFrameworkCore.DbContext? context)
    {
        if (context is PaydeskDb { JobsQueued: true } db && db.Database.CurrentTransaction is null) Committed(db);
    }

    private void Committed(Microsoft.EntityFrameworkCore.DbContext? context)
    {
        if (context is not PaydeskDb { JobsQueued: true } db) return;
        db.JobsQueued = false;
        signal.Wake();
    }
}
