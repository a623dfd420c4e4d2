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

        // A dead job runs again now, with its attempts counted afresh (JobQueue.RetryAsync).
        jobs.MapPost("/{id}/retry", async (string id, PaydeskDb db, JobQueue queue, CancellationToken ct) =>
        {
            var retried = await queue.RetryAsync(db, id, ct);
            return retried.Problem is { } problem ? problem.ToHttp() : TypedResults.Ok(JobView.From(retried.Value!));
        }).Revises<JobView>().WithName("retryJob").WithSummary("Run a dead job again");
    }
}
