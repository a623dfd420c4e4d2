using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Paydesk.Storage;

namespace Paydesk.Web.Admin;

/// <summary>
/// One thing a person did in a tenant's back office: who, when, what, to which record, and the
/// record before and after (as JSON, secrets never in it). Written by <see cref="Audit"/>; never
/// changed or deleted by Paydesk.
/// </summary>
public sealed class AuditEntry : IHasId
{
    public required string TenantId { get; set; }
    public required string Id { get; init; }
    public DateTimeOffset At { get; init; }
    public required string ActorUserId { get; init; }
    public required string ActorEmail { get; init; }
    /// <summary>What was done, as a short key (<c>refund</c>, <c>use-session</c>, <c>activate</c>).</summary>
    public required string Action { get; init; }
    public required string SubjectKind { get; init; }
    public required string SubjectId { get; init; }
    public string? Before { get; init; }
    public string? After { get; init; }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.ToTable("audit_entries");
        b.HasKey(a => new { a.TenantId, a.Id });
        b.HasIndex(a => new { a.TenantId, a.At });
        b.Property(a => a.ActorEmail).HasMaxLength(320);
        b.Property(a => a.Action).HasMaxLength(64);
        b.Property(a => a.SubjectKind).HasMaxLength(64);
    }
}

/// <summary>Writes the audit log of the admin pages.</summary>
public sealed class Audit(IdGenerator ids, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Adds an entry to <paramref name="db"/> and saves it. Called once the action has taken
    /// effect, with the record as it was before and as it is now (views, not entities).
    /// </summary>
    public async Task RecordAsync(PaydeskDb db, Tenancy.User actor, string action, string subjectKind, string subjectId,
        object? before, object? after, CancellationToken ct)
    {
        db.AuditEntries.Add(new AuditEntry
        {
            TenantId = db.Tenant.TenantId!, Id = ids.New("aud"), At = time.GetUtcNow(), ActorUserId = actor.Id, ActorEmail = actor.Email,
            Action = action, SubjectKind = subjectKind, SubjectId = subjectId,
            Before = before is null ? null : JsonSerializer.Serialize(before, Json), After = after is null ? null : JsonSerializer.Serialize(after, Json),
        });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>What changed between the record before and after: "sessionsUsed: 0 → 1", one line per field.</summary>
    public static IReadOnlyList<string> Changes(string? before, string? after)
    {
        static Dictionary<string, string> Fields(string? json)
        {
            if (string.IsNullOrEmpty(json)) return [];
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                ? doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ToString())
                : [];
        }
        var (was, now) = (Fields(before), Fields(after));
        return now.Keys.Union(was.Keys)
            .Where(k => was.GetValueOrDefault(k) != now.GetValueOrDefault(k))
            .Select(k => $"{k}: {Shown(was.GetValueOrDefault(k))} → {Shown(now.GetValueOrDefault(k))}").ToList();

        static string Shown(string? value) => string.IsNullOrEmpty(value) ? "—" : value;
    }
}
