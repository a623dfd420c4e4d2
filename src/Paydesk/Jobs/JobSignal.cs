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
/// Sends the <see cref="JobSignal"/> when work queued in a unit of work, and due now, is committed
/// (never if it rolls back). Work due later (an order's expiry, a day ahead) wakes no one: the
/// workers' poll finds it when it is due, and a burst of orders does not send every worker to look
/// for work after every commit.
/// </summary>
internal sealed class JobWakeUp(JobSignal signal, TimeProvider time) : AfterCommit
{
    protected override bool Carries(PaydeskDb db)
    {
        var now = time.GetUtcNow();
        return db.ChangeTracker.Entries<Job>().Any(e => e.Entity.State == JobState.Queued && e.Entity.DueAt <= now
            && e.State is Microsoft.EntityFrameworkCore.EntityState.Added or Microsoft.EntityFrameworkCore.EntityState.Modified);
    }

    protected override void Committed() => signal.Wake();
}
