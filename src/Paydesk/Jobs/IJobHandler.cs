namespace Paydesk.Jobs;

/// <summary>
/// Runs one kind of job. A handler is idempotent: run twice — after a crash, or because its lease
/// ran out — it changes nothing the second time. It runs in a scope of its own, under the job's
/// tenant, and is cancelled when its lease is about to end, so no run outlives its claim.
/// </summary>
public interface IJobHandler
{
    string Kind { get; }

    /// <summary>The waits after the first, second… failure; one failure more than there are waits makes the job dead.</summary>
    IReadOnlyList<TimeSpan> Backoff => JobOptions.DefaultBackoff;

    /// <summary>The least time one run may need (an SMTP delivery's timeout); the lease is never shorter.</summary>
    TimeSpan MinimumLease => TimeSpan.Zero;

    /// <summary>Work of the installation, not of a tenant: queued once when a process starts, and rescheduled by each run.</summary>
    bool IsRecurring => false;

    Task<JobOutcome> RunAsync(JobRun run, IServiceProvider services, CancellationToken ct);
}

/// <summary>A claimed job as its handler sees it.</summary>
public sealed record JobRun(string Id, string? TenantId, string Kind, string Payload, int Attempt, DateTimeOffset? RetryAt)
{
    /// <summary>This run is the last one its kind allows if it fails.</summary>
    public bool IsLastAttempt => RetryAt is null;
}

/// <summary>What became of a run.</summary>
public sealed record JobOutcome
{
    public static readonly JobOutcome Done = new(JobOutcomeKind.Done, null, null);

    /// <summary>Not a failure: the work goes on at <paramref name="at"/> (the next check of a payment).</summary>
    public static JobOutcome Later(DateTimeOffset at) => new(JobOutcomeKind.Later, at, null);

    /// <summary>A failure: tried again after the kind's backoff, dead after the last.</summary>
    public static JobOutcome Failed(string error) => new(JobOutcomeKind.Failed, null, error);

    /// <summary>A failure that trying again will not mend (a mailbox the server refuses): dead now, for a person.</summary>
    public static JobOutcome GiveUp(string error) => new(JobOutcomeKind.GiveUp, null, error);

    private JobOutcome(JobOutcomeKind kind, DateTimeOffset? at, string? error) => (Kind, At, Error) = (kind, at, error);

    public JobOutcomeKind Kind { get; }
    public DateTimeOffset? At { get; }
    public string? Error { get; }
}

public enum JobOutcomeKind { Done, Later, Failed, GiveUp }
