using Microsoft.EntityFrameworkCore;
using Paydesk.Storage;

namespace Paydesk.Jobs;

/// <summary>Forgets jobs that finished a week ago; dead jobs stay until a person retries them.</summary>
internal sealed class PruneFinishedJobs(TimeProvider time, ILogger<PruneFinishedJobs> log) : IJobHandler
{
    public const string JobKind = "prune-finished-jobs";
    public static readonly TimeSpan KeptFor = TimeSpan.FromDays(7);
    public static readonly TimeSpan Every = TimeSpan.FromHours(6);

    public string Kind => JobKind;

    public bool IsRecurring => true;

    public async Task<JobOutcome> RunAsync(JobRun run, IServiceProvider services, CancellationToken ct)
    {
        var cutoff = time.GetUtcNow() - KeptFor;
        var pruned = await Installation.PruneFinishedJobsAsync(services.GetRequiredService<PaydeskDb>(), cutoff, ct);
        if (pruned > 0) log.LogInformation("Pruned {Count} jobs finished before {Cutoff}", pruned, cutoff);
        return JobOutcome.Later(time.GetUtcNow() + Every);
    }
}
