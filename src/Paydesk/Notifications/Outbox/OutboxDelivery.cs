using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Paydesk.Notifications.Email;
using Paydesk.Storage;

namespace Paydesk.Notifications.Outbox;

/// <summary>
/// Sends what the outbox holds, for every tenant: each due pending message is claimed with a
/// lease, sent, and marked sent. A transient failure is retried with backoff, a permanent one
/// fails the message at once. A sent message is never sent again.
/// </summary>
/// <remarks>
/// The claim is a conditional update — the message's due time moves a lease ahead only if it is
/// still what this run read — so two processes on one database never both send a message. If a
/// process dies between sending and marking, the lease runs out and the message goes again with
/// the same Message-ID (at least once; a receiver may drop the copy). Logs name a recipient by
/// domain only and never hold a body.
/// </remarks>
internal sealed class OutboxDelivery(IServiceScopeFactory scopes, TimeProvider time, ILogger<OutboxDelivery> log) : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(5);

    /// <summary>How long a claim holds; longer than one SMTP delivery may take (see <see cref="LeaseFor"/>).</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    /// <summary>The wait after the first, second… transient failure; one more failure after the last fails the message.</summary>
    public static readonly TimeSpan[] Backoff =
        [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(12)];

    public const int BatchSize = 50;

    /// <summary>
    /// Sends the messages due at <paramref name="now"/> (at most <see cref="BatchSize"/>), oldest
    /// due first. The clock moves on from <paramref name="now"/> by the injected
    /// <see cref="TimeProvider"/> while the batch runs, so each claim's lease starts when it is taken.
    /// </summary>
    /// <returns>How many this run sent.</returns>
    public static async Task<int> RunDueAsync(IServiceScopeFactory scopes, DateTimeOffset now, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<PaydeskDb>();
        var run = new Run(db, services.GetRequiredService<IEmailSender>(), services.GetRequiredService<IOptions<EmailOptions>>().Value,
            services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILogger<OutboxDelivery>>(), now);

        var due = await db.OutboxMessages.IgnoreQueryFilters().AsNoTracking()
            .Where(m => m.Status == OutboxStatus.Pending && m.Channel == Outbox.EmailChannel && m.NextAttemptAt <= now)
            .OrderBy(m => m.NextAttemptAt).ThenBy(m => m.Id).Take(BatchSize)
            .ToListAsync(ct);
        var sent = 0;
        foreach (var message in due)
            if (await run.DeliverAsync(message, ct)) sent++;
        return sent;
    }

    /// <summary>The lease outlasts the SMTP timeout, so a slow delivery is not claimed again while it runs.</summary>
    internal static TimeSpan LeaseFor(EmailOptions options) =>
        options.Mode == EmailMode.Smtp && TimeSpan.FromSeconds(options.Smtp.TimeoutSeconds + 30) is var slow && slow > Lease ? slow : Lease;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Jobs.Periodic.RunAsync(time, Every, async ct =>
        {
            var sent = await RunDueAsync(scopes, time.GetUtcNow(), ct);
            if (sent > 0) log.LogInformation("Outbox delivery sent {Count} messages", sent);
        }, log, stoppingToken);

    private sealed class Run(PaydeskDb db, IEmailSender sender, EmailOptions options, TimeProvider time, ILogger log, DateTimeOffset startedAt)
    {
        private readonly long _started = time.GetTimestamp();
        private readonly TimeSpan _lease = LeaseFor(options);
        private readonly Dictionary<string, string?> _tenantNames = [];

        private DateTimeOffset Now => startedAt + time.GetElapsedTime(_started);

        public async Task<bool> DeliverAsync(OutboxMessage message, CancellationToken ct)
        {
            var claimedAt = Now;
            var claimedUntil = PaydeskDb.Stored(claimedAt + _lease);
            var seen = message.NextAttemptAt;
            var claimed = await Messages(message)
                .Where(m => m.Status == OutboxStatus.Pending && m.NextAttemptAt == seen)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.NextAttemptAt, claimedUntil), ct);
            if (claimed == 0) return false; // another run has it, or has sent it

            var to = new EmailAddress(message.Recipient, message.RecipientName);
            var attempt = message.Attempts + 1;
            try
            {
                await sender.SendAsync(await EmailFor(message, to, ct), ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw; // stopping: the lease runs out and a later run sends it
            }
            catch (EmailDeliveryException e)
            {
                // Its message names the recipient by domain only; the inner exception may not.
                await FailedAsync(message, to, attempt, e.IsTransient, e.Message, claimedUntil);
                return false;
            }
            catch (ArgumentException e)
            {
                // An id or header the sender cannot use: a bug, and the same next time.
                log.LogError("Outbox message {OutboxId} ({EventKey}) cannot be sent: {ExceptionType}", message.Id, message.EventKey, e.GetType().Name);
                await FailedAsync(message, to, attempt, transient: false, e.Message, claimedUntil);
                return false;
            }
            catch (Exception e)
            {
                log.LogError("Outbox message {OutboxId} ({EventKey}) to {RecipientDomain}: unexpected {ExceptionType}: {Reason}",
                    message.Id, message.EventKey, to.Domain, e.GetType().Name, MimeMessages.Redact(e.Message, to));
                await FailedAsync(message, to, attempt, transient: true, e.Message, claimedUntil);
                return false;
            }

            // Marked sent whatever became of the lease: it was sent, so it must never go again.
            var sentAt = PaydeskDb.Stored(Now);
            await Messages(message).Where(m => m.Status == OutboxStatus.Pending).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Status, OutboxStatus.Sent)
                .SetProperty(m => m.SentAt, sentAt)
                .SetProperty(m => m.Attempts, attempt)
                .SetProperty(m => m.NextAttemptAt, (DateTimeOffset?)null)
                .SetProperty(m => m.LastError, (string?)null), CancellationToken.None);
            log.LogInformation("Outbox message {OutboxId} ({EventKey}) to {RecipientDomain} {Outcome} on attempt {Attempt}",
                message.Id, message.EventKey, to.Domain, "sent", attempt);
            return true;
        }

        private async Task FailedAsync(OutboxMessage message, EmailAddress to, int attempt, bool transient, string reason, DateTimeOffset claimedUntil)
        {
            var final = !transient || attempt > Backoff.Length;
            DateTimeOffset? next = final ? null : PaydeskDb.Stored(Now + Backoff[attempt - 1]);
            var error = Outbox.Cut(MimeMessages.Redact(reason, to), Outbox.MaxErrorLength);
            // Only while the claim is still ours: if it ran out and another run took the message, that run records the outcome.
            await Messages(message)
                .Where(m => m.Status == OutboxStatus.Pending && m.NextAttemptAt == claimedUntil)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(m => m.Status, final ? OutboxStatus.Failed : OutboxStatus.Pending)
                    .SetProperty(m => m.Attempts, attempt)
                    .SetProperty(m => m.NextAttemptAt, next)
                    .SetProperty(m => m.LastError, error), CancellationToken.None);
            log.LogWarning("Outbox message {OutboxId} ({EventKey}) to {RecipientDomain} {Outcome} on attempt {Attempt}; next attempt {NextAttemptAt}",
                message.Id, message.EventKey, to.Domain, final ? "failed" : "retrying", attempt, next);
        }

        private IQueryable<OutboxMessage> Messages(OutboxMessage message) =>
            db.OutboxMessages.IgnoreQueryFilters().Where(m => m.TenantId == message.TenantId && m.Id == message.Id);

        private async Task<EmailMessage> EmailFor(OutboxMessage message, EmailAddress to, CancellationToken ct)
        {
            if (!_tenantNames.TryGetValue(message.TenantId, out var tenantName))
                _tenantNames[message.TenantId] = tenantName =
                    await db.Tenants.Where(t => t.Id == message.TenantId).Select(t => t.Name).FirstOrDefaultAsync(ct);
            return new EmailMessage
            {
                // The merchant's name, at Paydesk's sending address: the customer knows whom they paid.
                From = new EmailAddress(options.From.Address, string.IsNullOrWhiteSpace(tenantName) ? options.From.Name : tenantName),
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
}
