using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Paydesk.Storage;

namespace Paydesk.Notifications.Outbox;

public enum OutboxStatus { Pending, Sent, Failed }

/// <summary>
/// A message owed to someone, written in the same transaction as the event it tells of, and
/// delivered afterwards by a job. (event, channel, recipient) is unique, so one event never
/// produces two messages to one recipient, and a delivered message is never sent again.
/// </summary>
public sealed class OutboxMessage : IHasId
{
    public required string TenantId { get; set; }
    public required string Id { get; init; }
    /// <summary>What happened, e.g. <c>order-fulfilled:ord_…</c>.</summary>
    public required string EventKey { get; init; }
    /// <summary><c>email</c> now; <c>telegram</c> and <c>webhook</c> later.</summary>
    public required string Channel { get; init; }
    public required string Recipient { get; init; }
    public string? RecipientName { get; init; }
    public required string Subject { get; init; }
    public required string TextBody { get; init; }
    public string? HtmlBody { get; init; }
    public OutboxStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset? NextAttemptAt { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? SentAt { get; set; }
}

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> b)
    {
        b.HasKey(m => new { m.TenantId, m.Id });
        b.HasIndex(m => new { m.TenantId, m.EventKey, m.Channel, m.Recipient }).IsUnique();
        b.HasIndex(m => new { m.Status, m.NextAttemptAt });
        b.Property(m => m.EventKey).HasMaxLength(120);
        b.Property(m => m.Channel).HasMaxLength(16);
        b.Property(m => m.Recipient).HasMaxLength(320);
        b.Property(m => m.RecipientName).HasMaxLength(200);
        b.Property(m => m.Subject).HasMaxLength(300);
        b.Property(m => m.LastError).HasMaxLength(500);
    }
}
