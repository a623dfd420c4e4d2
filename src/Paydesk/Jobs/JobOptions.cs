namespace Paydesk.Jobs;

/// <summary><c>Jobs:*</c>: how this process takes part in the background work.</summary>
public sealed class JobOptions
{
    /// <summary>The waits after a failed run, for kinds that do not say otherwise.</summary>
    public static readonly IReadOnlyList<TimeSpan> DefaultBackoff =
        [TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(12)];

    /// <summary>Run background jobs in this process (a process that only serves requests can leave them to others).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How many jobs this process runs at once.</summary>
    public int Workers { get; set; } = 4;

    /// <summary>
    /// How long a claim holds. A worker that dies mid-job leaves it to be taken over when this runs
    /// out; a run is cancelled before it does. Never shorter than what a kind needs (an SMTP timeout).
    /// </summary>
    public int LeaseSeconds { get; set; } = 120;

    /// <summary>
    /// How often an idle worker looks for due work that no signal announced: work another process
    /// queued, a retry whose backoff ran out, a lease that ran out.
    /// </summary>
    public double PollSeconds { get; set; } = 1;

    public IEnumerable<string> Problems()
    {
        if (Workers is < 1 or > 64) yield return "Jobs:Workers must be between 1 and 64.";
        if (LeaseSeconds is < 2 or > 24 * 3600) yield return "Jobs:LeaseSeconds must be between 2 and 86400.";
        if (PollSeconds is < 0.05 or > 3600) yield return "Jobs:PollSeconds must be between 0.05 and 3600.";
    }
}
