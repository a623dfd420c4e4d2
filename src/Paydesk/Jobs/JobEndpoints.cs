using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Jobs;

public sealed record JobView(
    string Id, string Kind, string Subject, string State, int Attempts, DateTimeOffset DueAt, string? LastError,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? FinishedAt)
{
    public static JobView From(Job j) => new(
        j.Id, j.Kind, j.Payload, j.State.ToString().ToLowerInvariant(), j.Attempts, j.DueAt, j.LastError, j.CreatedAt, j.UpdatedAt, j.FinishedAt);
}

internal static class JobEndpoints
{
    public static void MapJobs(this RouteGroupBuilder api)
    {
        var jobs = api.MapGroup("/jobs").WithTags("Jobs").RequireAuthorization(Policies.Staff);

        // The tenant's background work; ?state=dead lists what failed as often as it may and waits for a person.
        jobs.MapGet("/", async (PageRequest page, string? state, string? kind, PaydeskDb db, CancellationToken ct) =>
        {
            var query = db.Jobs.AsQueryable();
            if (state is not null)
            {
                // One of the names, exactly: Enum.TryParse would also take numbers and "running,done" (read as flags).
                var wanted = Enum.GetValues<JobState>().Where(s => string.Equals(s.ToString(), state, StringComparison.OrdinalIgnoreCase)).ToList();
                if (wanted.Count != 1)
                    return Problem.Invalid("state", "is not a job state (queued, running, done, dead).").ToHttp();
                var one = wanted[0];
                query = query.Where(j => j.State == one);
            }
            if (kind is not null) query = query.Where(j => j.Kind == kind);
            return (await page.Run(query, JobView.From, ct)).Ok();
        }).Lists<JobView>().WithName("listJobs").WithSummary("List the tenant's background jobs (?state=dead: what waits for a person)");

        jobs.MapGet("/{id}", async (string id, PaydeskDb db, CancellationToken ct) =>
            ApiResults.OkOrNotFound(await db.Jobs.Where(j => j.Id == id).Select(j => JobView.From(j)).FirstOrDefaultAsync(ct), "job", id))
            .Reads<JobView>().WithName("getJob").WithSummary("Read a background job");

        // A dead job runs again now, with its attempts counted afresh. It is idempotent, so running
        // it again never does twice what it did once.
        jobs.MapPost("/{id}/retry", async (string id, PaydeskDb db, TimeProvider time, CancellationToken ct) =>
        {
            var job = await db.Jobs.FirstOrDefaultAsync(j => j.Id == id, ct);
            if (job is null) return Problem.NotFound("job", id).ToHttp();
            if (job.State != JobState.Dead)
                return Problem.Conflict($"The job is {job.State.ToString().ToLowerInvariant()}; only a dead job can be retried.").ToHttp();
            var now = time.GetUtcNow();
            (job.State, job.DueAt, job.Attempts, job.FinishedAt, job.UpdatedAt) = (JobState.Queued, now, 0, null, now);
            await db.SaveChangesAsync(ct);
            return TypedResults.Ok(JobView.From(job));
        }).Revises<JobView>().WithName("retryJob").WithSummary("Run a dead job again");
    }
}
