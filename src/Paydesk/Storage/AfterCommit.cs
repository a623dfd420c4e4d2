using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Paydesk.Storage;

/// <summary>
/// Does something once a unit of work that carried a change has committed: at once for a save
/// outside a transaction, when the transaction commits otherwise, never if it rolls back.
/// </summary>
public abstract class AfterCommit : ISaveChangesInterceptor, IDbTransactionInterceptor
{
    /// <summary>Whether the save about to run carries the change this is about.</summary>
    protected abstract bool Carries(PaydeskDb db);

    /// <summary>What to do once the change is committed.</summary>
    protected abstract void Committed();

    /// <summary>
    /// Also act right after a save inside a transaction, and again at its commit: for a cache, which
    /// must keep nothing read before the change, whether or not the transaction commits.
    /// </summary>
    protected virtual bool AlsoWhenSaved => false;

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
        Done(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Done(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken ct = default)
    {
        if (eventData.Context is PaydeskDb db) db.AfterCommit.Remove(this);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (eventData.Context is PaydeskDb db) db.AfterCommit.Remove(this);
    }

    private void Note(DbContext? context)
    {
        if (context is PaydeskDb db && Carries(db)) db.AfterCommit.Add(this);
    }

    private void Saved(DbContext? context)
    {
        if (context is not PaydeskDb db || !db.AfterCommit.Contains(this)) return;
        if (db.Database.CurrentTransaction is null) Done(db);
        else if (AlsoWhenSaved) Committed();
    }

    private void Done(DbContext? context)
    {
        if (context is PaydeskDb db && db.AfterCommit.Remove(this)) Committed();
    }
}
