using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Paydesk.Jobs;
using Paydesk.Storage;

namespace Paydesk.Payments;

/// <summary>
/// Reads what a provider that lists its events (<see cref="IListsEvents"/>, Stripe) sent to an
/// account while its webhooks did not reach Paydesk — Paydesk down, the endpoint misconfigured, a
/// delivery given up — and takes each event as if it had been delivered: into the inbox under its
/// event id (so an event both delivered and listed is applied once), then applied. One
/// <c>catch-up-events</c> job per account, queued when the account is added, runs every
/// <see cref="PaymentOptions.CatchUpEvery"/> and at once after downtime (it is overdue then).
/// </summary>
public sealed class CatchUpEvents(PaydeskDb db, ProviderRegistry providers, ReceiveNotification receive, TimeProvider time, ILogger<CatchUpEvents> log)
{
    public const string JobKind = "catch-up-events";

    /// <summary>How far back of the last read each read starts: an event is listed a little after its creation time.</summary>
    public static readonly TimeSpan Overlap = TimeSpan.FromMinutes(5);

    /// <summary>Reads and applies the account's events since the last read. Answers how many were new, or null if there is nothing to read.</summary>
    public async Task<int?> RunAsync(string accountId, CancellationToken ct)
    {
        var account = await db.ProviderAccounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == accountId, ct);
        if (account is null || providers.Find(account.Provider) is not { } provider || provider is not IListsEvents lister) return null;

        var started = time.GetUtcNow();
        var since = (account.EventsReadTo ?? account.CreatedAt) - Overlap;
        var listed = await lister.EventsSinceAsync(account, since, ct);
        var now = time.GetUtcNow();
        var events = listed.Select(raw => (Raw: raw, Check: lister.ReadEvent(raw, now))).Where(e => e.Check.Notification is not null).ToList();
        var ids = events.Select(e => e.Check.Notification!.EventId).ToList();
        var inbox = (await db.WebhookEvents.AsNoTracking()
            .Where(e => e.Provider == account.Provider && e.AccountId == account.Id && ids.Contains(e.ProviderEventId))
            .Select(e => e.ProviderEventId).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);

        var taken = 0;
        foreach (var (raw, check) in events.Where(e => !inbox.Contains(e.Check.Notification!.EventId)))
        {
            var outcome = await receive.ReceiveAsync(provider, account, check.Notification!, raw, [], ct);
            if (outcome == "duplicate") continue;
            taken++;
            log.LogInformation("Event {EventId} ({Type}) of {Provider} account {AccountId} was never delivered; read from the events list: {Outcome}",
                check.Notification!.EventId, check.Notification.Type, provider.Name, account.Id, outcome);
        }
        // Only after every event is in: a run that fails part way reads the same events again.
        await db.ProviderAccounts.Where(a => a.Id == account.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.EventsReadTo, started), ct);
        return taken;
    }
}

internal sealed class CatchUpEventsJob(IOptions<PaymentOptions> options, TimeProvider time, ILogger<CatchUpEventsJob> log) : IJobHandler
{
    public string Kind => CatchUpEvents.JobKind;

    public async Task<JobOutcome> RunAsync(JobRun run, IServiceProvider services, CancellationToken ct)
    {
        try
        {
            if (await services.GetRequiredService<CatchUpEvents>().RunAsync(run.Payload, ct) is null) return JobOutcome.Done;
        }
        catch (Exception e) when (ProviderErrors.Classify(e) is { } failure)
        {
            // The provider's trouble is not the job's: the next read starts where this one would have.
            log.LogWarning(e, "Reading the events of provider account {AccountId}: {Trouble}", run.Payload, ProviderErrors.Describe(failure, "the provider"));
        }
        return JobOutcome.Later(time.GetUtcNow() + options.Value.CatchUpEvery);
    }
}
