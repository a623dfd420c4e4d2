namespace Paydesk.Jobs;

/// <summary>
/// The loop every periodic background job runs: wait for the next tick of the injected clock, do
/// the work, log a failure and carry on (one bad pass must not stop the job, let alone the host).
/// Each job's work is idempotent and claims what it changes, so passes in several processes, or
/// a pass that overlaps a request doing the same thing, change nothing twice.
/// </summary>
public static class Periodic
{
    public static async Task RunAsync(TimeProvider time, TimeSpan every, Func<CancellationToken, Task> work, ILogger log, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(every, time);
        while (await timer.WaitForNextTickAsync(ct))
        {
            // Leave the thread that fired the timer: the pass runs on the pool, and ticks that come
            // due meanwhile (a test clock jumping a day ahead) fold into one.
            await Task.Yield();
            try
            {
                await work(ct);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                log.LogError(e, "A pass of a background job failed; the next tick tries again");
            }
        }
    }
}
