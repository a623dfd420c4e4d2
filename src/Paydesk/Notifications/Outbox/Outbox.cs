using Microsoft.EntityFrameworkCore;
using Paydesk.Storage;

namespace Paydesk.Notifications.Outbox;

/// <summary>
/// Writes a message owed to someone into the caller's <see cref="PaydeskDb"/>: the caller's
/// <c>SaveChanges</c> commits it, and the job that sends it, in the same transaction as the event
/// it tells of, so an event that did not commit sends nothing and one that did is never forgotten.
/// <see cref="OutboxDelivery"/> sends it afterwards.
/// </summary>
public sealed class Outbox(IdGenerator ids, Jobs.JobQueue jobs, TimeProvider time)
{
    public const string EmailChannel = "email";

    /// <summary>
    /// Adds an email for <paramref name="eventKey"/> to <paramref name="recipient"/>, due now, unless
    /// this (event, channel, recipient) is already there — added to this context and not yet saved,
    /// or in the database. The unique index on the three is the last word on a race between two
    /// transactions: the later one fails to commit.
    /// </summary>
    /// <returns>Whether a message was added.</returns>
    public async Task<bool> EnqueueAsync(
        PaydeskDb db, string eventKey, string recipient, string? recipientName, string subject, string textBody, string? htmlBody,
        CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventKey);
        ArgumentException.ThrowIfNullOrWhiteSpace(recipient);
        ArgumentNullException.ThrowIfNull(textBody);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(eventKey.Length, MaxEventKeyLength, nameof(eventKey));
        recipient = recipient.Trim();
        ArgumentOutOfRangeException.ThrowIfGreaterThan(recipient.Length, MaxRecipientLength, nameof(recipient));

        var pending = db.ChangeTracker.Entries<OutboxMessage>().Any(e =>
            e.State != EntityState.Deleted && e.Entity.EventKey == eventKey && e.Entity.Channel == EmailChannel && e.Entity.Recipient == recipient);
        if (pending || await db.OutboxMessages.AnyAsync(m => m.EventKey == eventKey && m.Channel == EmailChannel && m.Recipient == recipient, ct))
            return false;

        var now = time.GetUtcNow();
        var id = ids.New("msg");
        db.OutboxMessages.Add(new OutboxMessage
        {
            TenantId = "", Id = id, EventKey = eventKey, Channel = EmailChannel, Recipient = recipient,
            RecipientName = Cut(OneLine(recipientName), MaxRecipientNameLength),
            Subject = Cut(OneLine(subject), MaxSubjectLength) ?? "",
            TextBody = textBody, HtmlBody = htmlBody,
            Status = OutboxStatus.Pending, NextAttemptAt = now, CreatedAt = now,
        });
        jobs.Add(db, OutboxDelivery.JobKind, id);
        return true;
    }

    // The column sizes of OutboxMessageConfiguration.
    internal const int MaxEventKeyLength = 120;
    internal const int MaxRecipientLength = 320;
    internal const int MaxRecipientNameLength = 200;
    internal const int MaxSubjectLength = 300;
    internal const int MaxErrorLength = 500;

    /// <summary>A header value holds no line break; a name or subject that had one reads as one line.</summary>
    private static string? OneLine(string? text) =>
        text is null ? null : string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>At most <paramref name="max"/> UTF-16 units, cut between characters: half of a surrogate pair cannot be stored (PostgreSQL) or read.</summary>
    internal static string? Cut(string? text, int max) => Api.Text.Cut(text, max);
}

public static class OutboxRegistrations
{
    /// <summary>The outbox and its delivery job. What messages say is composed by the modules that send them.</summary>
    public static IServiceCollection AddOutbox(this IServiceCollection services)
    {
        services.AddSingleton<Outbox>();
        services.AddSingleton<Jobs.IJobHandler, OutboxDelivery>();
        return services;
    }
}
