using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Storage;

namespace Paydesk.Jobs;

/// <summary>Puts work on the queue, in the caller's unit of work: it is queued when, and only if, the caller's change commits.</summary>
public sealed class JobQueue(IdGenerator ids, TimeProvider time)
{
    public static string KeyOf(string kind, string subject) => $"{kind}:{subject}";

    /// <summary>
    /// Queues work on something this unit of work has just created (a refund, a message): no such
    /// job can exist yet, so there is nothing to look up.
    /// </summary>
    public Job Add(PaydeskDb db, string kind, string subject, DateTimeOffset? dueAt = null)
    {
        var now = time.GetUtcNow();
        var job = new Job
        {
            TenantId = db.Tenant.TenantId ?? throw new InvalidOperationException($"Job {KeyOf(kind, subject)} was queued outside any tenant."),
            Id = ids.New("job"), Kind = kind, Key = KeyOf(kind, subject), Payload = subject, State = JobState.Queued, DueAt = dueAt ?? now,
            CreatedAt = now, UpdatedAt = now,
        };
        db.Jobs.Add(job);
        return job;
    }

    /// <summary>
    /// Makes sure the work <c>{kind}:{subject}</c> of the current tenant is queued and due no later
    /// than <paramref name="dueAt"/> (now when null). Work done or dead is queued again; work that
    /// is running is left to finish.
    /// </summary>
    public async Task<Job> EnqueueAsync(PaydeskDb db, string kind, string subject, DateTimeOffset? dueAt, CancellationToken ct)
    {
        var key = KeyOf(kind, subject);
        var now = time.GetUtcNow();
        var due = dueAt ?? now;
        var job = db.ChangeTracker.Entries<Job>().FirstOrDefault(e => e.Entity.Key == key)?.Entity
                  ?? await db.Jobs.FirstOrDefaultAsync(j => j.Key == key, ct);
        if (job is null) return Add(db, kind, subject, due);
        switch (job.State)
        {
            case JobState.Queued when due < job.DueAt:
                job.DueAt = due;
                job.UpdatedAt = now;
                break;
            case JobState.Done or JobState.Dead:
                (job.State, job.DueAt, job.Attempts, job.FinishedAt, job.UpdatedAt) = (JobState.Queued, due, 0, null, now);
                break;
        }
        return job;
    }

    /// <summary>
    /// Runs the current tenant's dead job <paramref name="id"/> again now, with its attempts counted
    /// afresh, and saves. Jobs are idempotent, so running one again never does twice what it did once.
    /// </summary>
    public async Task<Result<Job>> RetryAsync(PaydeskDb db, string id, CancellationToken ct)
    {
        var job = await db.Jobs.FirstOrDefaultAsync(j => j.Id == id, ct);
        if (job is null) return Problem.NotFound("job", id);
        if (job.State != JobState.Dead)
            return Problem.Conflict($"The job is {job.State.ToString().ToLowerInvariant()}; only a dead job can be retried.");
        var now = time.GetUtcNow();
        (job.State, job.DueAt, job.Attempts, job.FinishedAt, job.UpdatedAt) = (JobState.Queued, now, 0, null, now);
        await db.SaveChangesAsync(ct);
        return job;
    }
}
