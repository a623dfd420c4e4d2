using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Paydesk.Notifications.Email;
using Paydesk.Jobs;
using Paydesk.Storage;

namespace Paydesk.Notifications.Outbox;

/// <summary>
/// The <c>send-email</c> job, queued with each message in the transaction that owes it: sends the
/// message, and marks it sent. A transient failure is retried with backoff, a permanent one fails
/// the message at once (and the job is dead, for a person to retry once the address is fixed). A
/// sent message is never sent again.
/// </summary>
/// <remarks>
/// One worker holds a job at a time. If a process dies between sending and marking, the lease
/// runs out and the message goes again with the same Message-ID (at least once; a receiver may
/// drop the copy). Logs name a recipient by domain only and never hold a body.
/// </remarks>
internal sealed class OutboxDelivery(IOptions<EmailOptions> email, TimeProvider time, ILogger<OutboxDelivery> log) : IJobHandler
{
    public const string JobKind = "send-email";

    /// <summary>The wait after the first, second… transient failure; one more failure after the last fails the message.</summary>
    public static readonly TimeSpan[] RetryAfter =
        [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(12)];

    public string Kind => JobKind;

    public IReadOnlyList<TimeSpan> Backoff => RetryAfter;

    /// <summary>
    /// The lease outlasts one delivery's SMTP timeout, so a slow delivery is not taken over while it
    /// runs: by <see cref="LeaseMargin"/>, which covers the run being stopped up to 5 s before its
    /// lease ends, and reading and marking the message. Longer would only delay the takeover of a
    /// delivery whose process died.
    /// </summary>
    public TimeSpan MinimumLease => email.Value.Mode == EmailMode.Smtp ? TimeSpan.FromSeconds(email.Value.Smtp.TimeoutSeconds) + LeaseMargin : TimeSpan.Zero;

    public static readonly TimeSpan LeaseMargin = TimeSpan.FromSeconds(10);

    public async Task<JobOutcome> RunAsync(JobRun run, IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<PaydeskDb>();
        var message = await db.OutboxMessages.AsNoTracking().FirstOrDefaultAsync(m => m.Id == run.Payload, ct);
        if (message is null || message.Status == OutboxStatus.Sent) return JobOutcome.Done;

        var to = new EmailAddress(message.Recipient, message.RecipientName);
        var attempt = message.Attempts + 1;
        try
        {
            await services.GetRequiredService<IEmailSender>().SendAsync(await EmailFor(db, message, to, ct), ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw; // stopping, or out of lease: the job runs again
        }
        catch (EmailDeliveryException e)
        {
            // Its message names the recipient by domain only; the inner exception may not.
            return await FailedAsync(db, message, to, attempt, e.IsTransient, e.Message, run);
        }
        catch (ArgumentException e)
        {
            // An id or header the sender cannot use: a bug, and the same next time.
            log.LogError("Outbox message {OutboxId} ({EventKey}) cannot be sent: {ExceptionType}", message.Id, message.EventKey, e.GetType().Name);
            return await FailedAsync(db, message, to, attempt, transient: false, e.Message, run);
        }
        catch (Exception e)
        {
            log.LogError("Outbox message {OutboxId} ({EventKey}) to {RecipientDomain}: unexpected {ExceptionType}: {Reason}",
                message.Id, message.EventKey, to.Domain, e.GetType().Name, MimeMessages.Redact(e.Message, to));
            return await FailedAsync(db, message, to, attempt, transient: true, e.Message, run);
        }

        // Marked sent whatever else happened meanwhile: it was sent, so it must never go again.
        var sentAt = PaydeskDb.Stored(time.GetUtcNow());
        await Messages(db, message).Where(m => m.Status != OutboxStatus.Sent).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.Status, OutboxStatus.Sent)
            .SetProperty(m => m.SentAt, sentAt)
            .SetProperty(m => m.Attempts, attempt)
            .SetProperty(m => m.NextAttemptAt, (DateTimeOffset?)null)
            .SetProperty(m => m.LastError, (string?)null), CancellationToken.None);
        log.LogInformation("Outbox message {OutboxId} ({EventKey}) to {RecipientDomain} {Outcome} on attempt {Attempt}",
            message.Id, message.EventKey, to.Domain, "sent", attempt);
        return JobOutcome.Done;
    }

    private async Task<JobOutcome> FailedAsync(PaydeskDb db, OutboxMessage message, EmailAddress to, int attempt, bool transient, string reason, JobRun run)
    {
        var final = !transient || run.IsLastAttempt;
        DateTimeOffset? next = final ? null : PaydeskDb.Stored(run.RetryAt!.Value);
        var error = Outbox.Cut(MimeMessages.Redact(reason, to), Outbox.MaxErrorLength);
        await Messages(db, message).Where(m => m.Status != OutboxStatus.Sent)
            .ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Status, final ? OutboxStatus.Failed : OutboxStatus.Pending)
                .SetProperty(m => m.Attempts, attempt)
                .SetProperty(m => m.NextAttemptAt, next)
                .SetProperty(m => m.LastError, error), CancellationToken.None);
        log.LogWarning("Outbox message {OutboxId} ({EventKey}) to {RecipientDomain} {Outcome} on attempt {Attempt}; next attempt {NextAttemptAt}",
            message.Id, message.EventKey, to.Domain, final ? "failed" : "retrying", attempt, next);
        return transient ? JobOutcome.Failed(error ?? "not delivered") : JobOutcome.GiveUp(error ?? "refused");
    }

    private static IQueryable<OutboxMessage> Messages(PaydeskDb db, OutboxMessage message) => db.OutboxMessages.Where(m => m.Id == message.Id);

    private async Task<EmailMessage> EmailFor(PaydeskDb db, OutboxMessage message, EmailAddress to, CancellationToken ct)
    {
        var tenantName = await db.Tenants.Where(t => t.Id == message.TenantId).Select(t => t.Name).FirstOrDefaultAsync(ct);
        var from = email.Value.From;
        return new EmailMessage
        {
            // The merchant's name, at Paydesk's sending address: the customer knows whom they paid.
            From = new EmailAddress(from.Address, string.IsNullOrWhiteSpace(tenantName) ? from.Name : tenantName),
            To = to,
            Subject = message.Subject,
            TextBody = message.TextBody,
            HtmlBody = message.HtmlBody,
            // The outbox id (msg_ and base32) is a valid Message-ID left part, and stable across retries.
            MessageId = message.Id,
            Headers = new Dictionary<string, string> { ["X-Paydesk-Event"] = message.EventKey },
        };
    }
}
