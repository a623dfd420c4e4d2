using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Paydesk.Jobs;
using Paydesk.Storage;

namespace Paydesk.Tests.Jobs;

/// <summary>A job kind of the tests' own: counts its runs per subject, and fails while told to.</summary>
internal sealed class CountingJob : IJobHandler
{
    public const string JobKind = "test-count";
    public static readonly TimeSpan[] RetryAfter = [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10)];

    public ConcurrentDictionary<string, int> Runs { get; } = new();
    public ConcurrentDictionary<string, int> FailuresLeft { get; } = new();

    public string Kind => JobKind;

    public IReadOnlyList<TimeSpan> Backoff => RetryAfter;

    public async Task<JobOutcome> RunAsync(JobRun run, IServiceProvider services, CancellationToken ct)
    {
        Runs.AddOrUpdate(run.Payload, 1, (_, n) => n + 1);
        // Long enough that racing workers would overlap if two could hold one job.
        await Task.Delay(5, ct);
        if (FailuresLeft.TryGetValue(run.Payload, out var left) && left > 0)
        {
            FailuresLeft[run.Payload] = left - 1;
            return JobOutcome.Failed($"told to fail ({left} left)");
        }
        return JobOutcome.Done;
    }
}

public sealed class JobTests
{
    private static readonly DateTimeOffset Start = new(2026, 7, 1, 8, 0, 0, TimeSpan.Zero);

    private static async Task<(PaydeskHost Host, CountingJob Jobs, FakeTimeProvider Clock)> HostWithCountingJobs(
        Engine engine, string? database = null, SharedKeyRing? ring = null)
    {
        var counting = new CountingJob();
        var clock = new FakeTimeProvider(Start);
        var host = await PaydeskHost.StartAsync(engine, new HostOptions
        {
            Clock = clock, ConnectionString = database, KeyRingPath = ring?.Path,
            ConfigureServices = s => s.AddSingleton<IJobHandler>(counting),
        });
        return (host, counting, clock);
    }

    private static Task Enqueue(PaydeskHost host, string tenantId, IEnumerable<string> subjects, DateTimeOffset? due = null) =>
        host.InTenantAsync(tenantId, async db =>
        {
            var queue = host.Services.GetRequiredService<JobQueue>();
            foreach (var subject in subjects) await queue.EnqueueAsync(db, CountingJob.JobKind, subject, due, default);
            return await db.SaveChangesAsync();
        });

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Work_committed_with_a_transaction_starts_at_once_without_waiting_for_a_poll_and_rolled_back_work_never_runs(Engine engine)
    {
        var (host, counting, _) = await HostWithCountingJobs(engine);
        await using var _ = host;
        var tenant = await host.NewTenantAsync();

        // The clock never moves, so no poll ever fires: only the commit's signal can wake a worker.
        await Enqueue(host, tenant.TenantId, ["committed"]);
        await Eventually.HoldsAsync(() => Task.FromResult(counting.Runs.ContainsKey("committed")), "the committed job to run");

        await host.InTenantAsync(tenant.TenantId, async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await host.Services.GetRequiredService<JobQueue>().EnqueueAsync(db, CountingJob.JobKind, "rolled-back", null, default);
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
            return 0;
        });
        await host.RunDueJobsAsync();

        Assert.False(counting.Runs.ContainsKey("rolled-back"));
        counting.Runs["committed"].ShouldBe(1);
        var job = Assert.Single(await host.JobsOfAsync(tenant.TenantId));
        (job.State, job.Attempts, job.Key).ShouldBe((JobState.Done, 1, "test-count:committed"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_failing_job_is_retried_after_its_backoff_then_dead_listed_for_staff_and_retried_by_hand(Engine engine)
    {
        var (host, counting, clock) = await HostWithCountingJobs(engine);
        await using var _ = host;
        var tenant = await host.NewTenantAsync();
        counting.FailuresLeft["flaky"] = 3;

        await Enqueue(host, tenant.TenantId, ["flaky"]);
        var job = await Eventually.ReadsAsync(async () => Assert.Single(await host.JobsOfAsync(tenant.TenantId)), j => j.Attempts == 1 && j.State == JobState.Queued, "the first failure");
        job.DueAt.ShouldBe(Start + CountingJob.RetryAfter[0]);
        Assert.Contains("told to fail", job.LastError);

        clock.Advance(CountingJob.RetryAfter[0] - TimeSpan.FromSeconds(1));
        await host.RunDueJobsAsync();
        counting.Runs["flaky"].ShouldBe(1);
        clock.Advance(TimeSpan.FromSeconds(1));
        await host.RunDueJobsAsync();
        counting.Runs["flaky"].ShouldBe(2);
        clock.Advance(CountingJob.RetryAfter[1]);
        await host.RunDueJobsAsync();
        counting.Runs["flaky"].ShouldBe(3);

        // Three failures with two waits: dead, and nothing runs it any more.
        clock.Advance(TimeSpan.FromDays(1));
        await host.RunDueJobsAsync();
        counting.Runs["flaky"].ShouldBe(3);
        var staff = host.Client((await tenant.PostOk("/api/v1/api-keys", new { name = "Desk", role = "staff" })).Str("secret"));
        var dead = Assert.Single((await (await staff.GetAsync("/api/v1/jobs?state=dead")).Json()).Items());
        (dead.Str("kind"), dead.Str("subject"), dead.GetProperty("attempts").GetInt32()).ShouldBe((CountingJob.JobKind, "flaky", 3));
        Assert.Contains("told to fail (1 left)", dead.Str("lastError"));
        await (await staff.GetAsync("/api/v1/jobs?state=sleeping")).ShouldBeProblem(400, "state");
        await (await staff.GetAsync("/api/v1/jobs?state=running,done")).ShouldBeProblem(400, "state");
        await (await staff.GetAsync("/api/v1/jobs?state=3")).ShouldBeProblem(400, "state");

        // Another tenant neither sees nor retries it; a person of this one does, and it runs at once.
        var other = await host.NewTenantAsync();
        Assert.Empty((await other.GetOk("/api/v1/jobs")).Items());
        await (await other.Post($"/api/v1/jobs/{dead.Id()}/retry", new { })).ShouldBeProblem(404);
        var retried = await (await staff.PostAsJsonAsync($"/api/v1/jobs/{dead.Id()}/retry", new { })).Json();
        (retried.Str("state"), retried.GetProperty("attempts").GetInt32()).ShouldBe(("queued", 0));
        await Eventually.HoldsAsync(() => Task.FromResult(counting.Runs["flaky"] == 4), "the retried job to run");
        await host.RunDueJobsAsync();
        (await tenant.GetOk($"/api/v1/jobs/{dead.Id()}")).Str("state").ShouldBe("done");
        await (await staff.PostAsJsonAsync($"/api/v1/jobs/{dead.Id()}/retry", new { })).ShouldBeProblem(409);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Workers_and_runs_racing_over_two_hundred_due_jobs_run_each_exactly_once(Engine engine)
    {
        var (host, counting, clock) = await HostWithCountingJobs(engine);
        await using var _ = host;
        var tenant = await host.NewTenantAsync();
        var subjects = Enumerable.Range(0, 200).Select(i => $"job-{i}").ToList();
        await Enqueue(host, tenant.TenantId, subjects, Start.AddMinutes(1));

        // The host's own workers wake when the clock moves; four more runs race them.
        clock.Advance(TimeSpan.FromMinutes(1));
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(host.RunDueJobsAsync)));
        await host.RunDueJobsAsync();

        Assert.Equal(subjects.Order(), counting.Runs.Keys.Order());
        Assert.All(counting.Runs, r => r.Value.ShouldBe(1));
        Assert.All(await host.JobsOfAsync(tenant.TenantId), j => (j.State, j.Attempts).ShouldBe((JobState.Done, 1)));
    }

    [Fact]
    public async Task Two_processes_on_one_PostgreSQL_run_each_job_once()
    {
        var database = await (await PostgresCluster.Shared).CreateDatabaseAsync("jobs");
        using var ring = new SharedKeyRing();
        var (a, countedByA, clockA) = await HostWithCountingJobs(Engine.Postgres, database, ring);
        await using var _a = a;
        var (b, countedByB, clockB) = await HostWithCountingJobs(Engine.Postgres, database, ring);
        await using var _b = b;
        var tenant = await a.NewTenantAsync();
        var subjects = Enumerable.Range(0, 300).Select(i => $"shared-{i}").ToList();
        await Enqueue(a, tenant.TenantId, subjects, Start.AddMinutes(1));

        clockA.Advance(TimeSpan.FromMinutes(1));
        clockB.Advance(TimeSpan.FromMinutes(1));
        await Task.WhenAll(a.RunDueJobsAsync(), b.RunDueJobsAsync(), a.RunDueJobsAsync(), b.RunDueJobsAsync());
        await Task.WhenAll(a.RunDueJobsAsync(), b.RunDueJobsAsync());

        var runs = countedByA.Runs.Concat(countedByB.Runs).GroupBy(r => r.Key).ToDictionary(g => g.Key, g => g.Sum(r => r.Value));
        Assert.Equal(subjects.Order(), runs.Keys.Order());
        Assert.All(runs, r => r.Value.ShouldBe(1));
        Assert.NotEmpty(countedByA.Runs);
        Assert.NotEmpty(countedByB.Runs);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_job_held_by_a_worker_that_died_is_taken_over_when_its_lease_runs_out(Engine engine)
    {
        var (host, counting, clock) = await HostWithCountingJobs(engine);
        await using var _ = host;
        var tenant = await host.NewTenantAsync();
        await Enqueue(host, tenant.TenantId, ["orphan"], Start.AddMinutes(1));
        // A worker of a process that is gone claimed it a moment ago and will never finish it.
        var lease = host.Services.GetRequiredService<JobRunner>().Lease;
        await host.InTenantAsync(tenant.TenantId, async db =>
        {
            var job = await db.Jobs.SingleAsync();
            (job.State, job.LeaseOwner, job.LeaseUntil, job.Attempts) = (JobState.Running, "gone/1", Start + lease, 1);
            return await db.SaveChangesAsync();
        });

        clock.Advance(lease - TimeSpan.FromSeconds(1));
        await host.RunDueJobsAsync();
        Assert.False(counting.Runs.ContainsKey("orphan"));

        clock.Advance(TimeSpan.FromSeconds(1));
        await host.RunDueJobsAsync();
        counting.Runs["orphan"].ShouldBe(1);
        var done = Assert.Single(await host.JobsOfAsync(tenant.TenantId));
        (done.State, done.Attempts, done.LeaseOwner).ShouldBe((JobState.Done, 2, (string?)null));
    }
}
