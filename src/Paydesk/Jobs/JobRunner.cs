using Microsoft.Extensions.Options;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Jobs;

/// <summary>
/// This process's workers. Each claims due jobs with a lease, runs each under its tenant with the
/// handler of its kind, and records the outcome: done; due again later; or failed, to be retried
/// after its kind's backoff and dead after the last. Idle workers wait for the <see cref="JobSignal"/>
/// (work committed in this process) or the poll interval (work queued elsewhere, backoffs run out,
/// leases run out), whichever comes first. Several processes on one PostgreSQL share the queue;
/// a job is claimed by one of them at a time.
/// </summary>
public sealed class JobRunner(
    IServiceScopeFactory scopes, JobSignal signal, IEnumerable<IJobHandler> handlers, IOptions<JobOptions> options,
    IdGenerator ids, FaultPoints faults, TimeProvider time, ILogger<JobRunner> log) : BackgroundService
{
    private readonly Dictionary<string, IJobHandler> _handlers = handlers.ToDictionary(h => h.Kind);
    private readonly string _process = $"{Environment.MachineName}/{Environment.ProcessId}/{ids.New("run")[4..]}";
    private long _claims;
    private int _inFlight;

    /// <summary>How many jobs this process is claiming or running right now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>How long a claim holds: the configured lease, or longer when a kind needs it.</summary>
    public TimeSpan Lease { get; } = new[] { TimeSpan.FromSeconds(options.Value.LeaseSeconds) }
        .Concat(handlers.Select(h => h.MinimumLease)).Max();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled) return;
        // Off the start-up path: the host starts, and answers "not ready", even when the database does not.
        await Task.Yield();
        var recurringQueued = false;
        var workers = options.Value.Workers;
        var free = new SemaphoreSlim(workers, workers);
        var running = new List<Task>();
        var poll = TimeSpan.FromSeconds(options.Value.PollSeconds);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await free.WaitAsync(stoppingToken);
                var slots = 1;
                while (free.Wait(0)) slots++;
                // Taken before looking, so work committed while we look still wakes us.
                var woken = signal.Next;
                List<ClaimedJob> claimed;
                try
                {
                    if (!recurringQueued) recurringQueued = await EnsureRecurringAsync(stoppingToken);
                    claimed = await ClaimDueAsync(slots, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogError(e, "Looking for due jobs failed; trying again after the poll interval");
                    claimed = [];
                }
                if (slots > claimed.Count) free.Release(slots - claimed.Count);
                running.RemoveAll(t => t.IsCompleted);
                foreach (var job in claimed)
                    running.Add(Task.Run(async () =>
                    {
                        try { await RunAsync(job, stoppingToken); }
                        finally
                        {
                            free.Release();
                            signal.Wake();
                        }
                    }, CancellationToken.None));
                if (claimed.Count == 0)
                    await Task.WhenAny(woken, Task.Delay(poll, time, stoppingToken));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        // Runs in flight were cancelled with the host and gave their jobs back; let them finish saying so.
        await Task.WhenAll(running);
    }

    /// <summary>
    /// Runs what is due now, in batches, until nothing is: the same claims as the workers make, so
    /// it never runs a job a worker holds. Answers how many runs it made.
    /// </summary>
    public async Task<int> RunDueAsync(CancellationToken ct)
    {
        var runs = 0;
        while (await ClaimDueAsync(options.Value.Workers, ct) is { Count: > 0 } claimed)
        {
            await Task.WhenAll(claimed.Select(job => RunAsync(job, ct)));
            runs += claimed.Count;
        }
        return runs;
    }

    /// <summary>
    /// Runs one queued job of the current tenant now, due or not, if no worker holds it (a refund the
    /// request that asked for it carries out itself). Answers whether it ran it.
    /// </summary>
    public async Task<bool> RunNowAsync(PaydeskDb db, string key, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        Interlocked.Increment(ref _inFlight);
        var job = await JobStore.ClaimAsync(db, key, NextOwner(), now, now + Lease, ct);
        if (job is null)
        {
            Interlocked.Decrement(ref _inFlight);
            return false;
        }
        await RunAsync(job, ct);
        return true;
    }

    /// <summary>Claims up to <paramref name="limit"/> due jobs; each is counted in flight until its run ends.</summary>
    private async Task<List<ClaimedJob>> ClaimDueAsync(int limit, CancellationToken ct)
    {
        // Counted from before the claim, so no one sees a claimed job that is not yet in flight.
        Interlocked.Add(ref _inFlight, limit);
        var claimed = new List<ClaimedJob>();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var now = time.GetUtcNow();
            claimed = await JobStore.ClaimDueAsync(scope.ServiceProvider.GetRequiredService<PaydeskDb>(), NextOwner(), now, now + Lease, limit, ct);
            return claimed;
        }
        finally
        {
            Interlocked.Add(ref _inFlight, claimed.Count - limit);
        }
    }

    private string NextOwner() => $"{_process}/{Interlocked.Increment(ref _claims)}";

    /// <summary>Runs a claimed job, which is counted in flight already, and ends its count.</summary>
    private async Task RunAsync(ClaimedJob job, CancellationToken stopping)
    {
        try
        {
            await RunClaimedAsync(job, stopping);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task RunClaimedAsync(ClaimedJob job, CancellationToken stopping)
    {
        var started = time.GetUtcNow();
        var handler = _handlers.GetValueOrDefault(job.Kind);
        var backoff = handler?.Backoff ?? JobOptions.DefaultBackoff;
        var retryAt = job.Attempts <= backoff.Count ? started + backoff[job.Attempts - 1] : (DateTimeOffset?)null;

        JobOutcome outcome;
        // The run ends before its claim does, so no other worker can take it over while it runs.
        using var leaseEnds = new CancellationTokenSource(Lease - TimeSpan.FromSeconds(Math.Min(5, Lease.TotalSeconds / 4)), time);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stopping, leaseEnds.Token);
        await using var scope = scopes.CreateAsyncScope();
        // A run that ended as it meant to records its end on its own context; one that threw, on a fresh one.
        PaydeskDb? finishOn = null;
        try
        {
            if (handler is null) throw new InvalidOperationException($"No handler for jobs of kind '{job.Kind}' in this process.");
            // Where a test stops a process that holds the claim, to kill it mid-job.
            await faults.HitAsync(FaultPoints.JobClaimed(job.Kind));
            if (job.TenantId is not null) scope.ServiceProvider.GetRequiredService<TenantContext>().Set(job.TenantId, Role.TenantAdmin);
            var db = scope.ServiceProvider.GetRequiredService<PaydeskDb>();
            outcome = await handler.RunAsync(new JobRun(job.Id, job.TenantId, job.Kind, job.Payload, job.Attempts, retryAt), scope.ServiceProvider, cancel.Token);
            if (db.Database.CurrentTransaction is null) finishOn = db;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The host is stopping: give the job back for another process to take at once.
            await FinishAsync(null, job, JobState.Queued, started, job.Attempts - 1, "interrupted by a shutdown");
            return;
        }
        catch (Exception e)
        {
            log.LogError(e, "Job {JobId} ({Kind}) failed on attempt {Attempt}", job.Id, job.Kind, job.Attempts);
            outcome = JobOutcome.Failed(leaseEnds.IsCancellationRequested ? $"did not finish within its lease of {Lease.TotalSeconds:0} s" : $"{e.GetType().Name}: {e.Message}");
        }

        var now = time.GetUtcNow();
        switch (outcome.Kind)
        {
            case JobOutcomeKind.Done:
                await FinishAsync(finishOn, job, JobState.Done, now, job.Attempts, null);
                break;
            case JobOutcomeKind.Later:
                await FinishAsync(finishOn, job, JobState.Queued, outcome.At!.Value, 0, null);
                break;
            case JobOutcomeKind.Failed when retryAt is { } at:
                await FinishAsync(finishOn, job, JobState.Queued, at, job.Attempts, outcome.Error);
                break;
            default:
                await FinishAsync(finishOn, job, JobState.Dead, now, job.Attempts, outcome.Error);
                log.LogError("Job {JobId} ({Kind}) is dead after {Attempts} attempts: {Error}", job.Id, job.Kind, job.Attempts, outcome.Error);
                break;
        }
    }

    /// <summary>Records a run's end on <paramref name="db"/>, or on a context of a scope of its own when null.</summary>
    private async Task FinishAsync(PaydeskDb? db, ClaimedJob job, JobState state, DateTimeOffset due, int attempts, string? error)
    {
        await using var scope = db is null ? scopes.CreateAsyncScope() : default(AsyncServiceScope?);
        var finished = await JobStore.FinishAsync(db ?? scope!.Value.ServiceProvider.GetRequiredService<PaydeskDb>(), job, state, due,
            Math.Max(0, attempts), Api.Text.Cut(error, 500), time.GetUtcNow(), CancellationToken.None);
        if (finished == 0)
            log.LogWarning("Job {JobId} ({Kind}) was taken over or queued again while it ran; its outcome {State} is not recorded", job.Id, job.Kind, state);
    }

    private async Task<bool> EnsureRecurringAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PaydeskDb>();
        foreach (var handler in _handlers.Values.Where(h => h.IsRecurring))
            await JobStore.EnsureRecurringAsync(db, ids.New("job"), handler.Kind, time.GetUtcNow(), ct);
        return true;
    }
}
