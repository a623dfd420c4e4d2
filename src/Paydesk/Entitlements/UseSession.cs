using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Paydesk.Api;
using Paydesk.Core;
using Paydesk.Storage;

namespace Paydesk.Entitlements;

/// <summary>One session of a package, used on a day with a specialist; undone, it is given back.</summary>
public sealed class SessionUse : IHasId, ICustomerOwned
{
    public required string TenantId { get; set; }
    public required string Id { get; init; }
    public required string EntitlementId { get; init; }
    public required string CustomerId { get; init; }
    /// <summary>When the session took place (by default, when it was recorded).</summary>
    public DateTimeOffset UsedAt { get; init; }
    public string? SpecialistId { get; init; }
    public string? Note { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? UndoneAt { get; set; }
}

internal sealed class SessionUseConfiguration : IEntityTypeConfiguration<SessionUse>
{
    public void Configure(EntityTypeBuilder<SessionUse> b)
    {
        b.HasKey(u => new { u.TenantId, u.Id });
        b.HasIndex(u => new { u.TenantId, u.EntitlementId });
        b.Property(u => u.Note).HasMaxLength(1000);
        b.HasOne<Entitlement>().WithMany().HasForeignKey(u => new { u.TenantId, u.EntitlementId });
        b.HasOne<Catalog.Specialist>().WithMany().HasForeignKey(u => new { u.TenantId, u.SpecialistId });
    }
}

public sealed record UseInput(DateTimeOffset? Date, string? SpecialistId, string? Note);

public sealed record SessionUseView(
    string Id, string EntitlementId, string CustomerId, DateTimeOffset UsedAt, string? SpecialistId, string? Note,
    DateTimeOffset CreatedAt, DateTimeOffset? UndoneAt, EntitlementView Entitlement)
{
    public static SessionUseView From(SessionUse u, Entitlement e, DateTimeOffset now) =>
        new(u.Id, u.EntitlementId, u.CustomerId, u.UsedAt, u.SpecialistId, u.Note, u.CreatedAt, u.UndoneAt, EntitlementView.From(e, now));
}

/// <summary>
/// Uses one session of a sessions entitlement, and gives one back. The entitlement's row is locked
/// for each, so twenty uses at once of a ten-session package use ten and refuse ten: the count
/// never goes below zero. The last session used makes it <c>consumed</c>; an undo makes it active
/// again. Staff record uses at the front desk; booking will use the same command.
/// </summary>
public sealed class UseSession(PaydeskDb db, IdGenerator ids, TimeProvider time, Payments.Fiscal.ClosingReceipts closing)
{
    public async Task<Result<SessionUseView>> UseAsync(string entitlementId, UseInput input, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var errors = new FieldErrors();
        var note = errors.OptionalText("note", input.Note, 1000);
        if (input.Date is { } date && date > now) errors.Add("date", "is in the future; record a session once it has taken place.");
        if (input.SpecialistId is { } specialist && !await db.Specialists.AnyAsync(s => s.Id == specialist && s.ArchivedAt == null, ct))
            errors.Add("specialistId", $"no active specialist '{specialist}'.");
        if (errors.Any) return errors.ToProblem();

        return await db.InTransactionAsync<Result<SessionUseView>>(async () =>
        {
            var entitlement = await db.LockedAsync<Entitlement>(entitlementId, ct);
            if (entitlement is null) return Problem.NotFound("entitlement", entitlementId);
            if (Refusal(entitlement, now) is { } refused) return Problem.Conflict(refused);

            entitlement.SessionsUsed++;
            if (entitlement.SessionsUsed == entitlement.SessionsTotal) entitlement.Status = EntitlementStatus.Consumed;
            var use = new SessionUse
            {
                TenantId = "", Id = ids.New("use"), EntitlementId = entitlement.Id, CustomerId = entitlement.CustomerId,
                UsedAt = input.Date ?? now, SpecialistId = input.SpecialistId, Note = note, CreatedAt = now,
            };
            db.SessionUses.Add(use);
            // The session is delivered: its share of the package's prepaid receipt is closed (54-FZ).
            await closing.DeliveredAsync($"{entitlement.SourceKind}:{entitlement.SourceId}", entitlement.Id, entitlement.SourceLineId,
                entitlement.SessionsUsed, entitlement.SessionsTotal!.Value,
                () => PackageEnd.RestDeliveredAsync(db, entitlement, now, ct), ct);
            await db.SaveChangesAsync(ct);
            return SessionUseView.From(use, entitlement, now);
        }, ct);
    }

    /// <summary>Gives the session back; undoing it again answers it as it is.</summary>
    public async Task<Result<SessionUseView>> UndoAsync(string entitlementId, string useId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        return await db.InTransactionAsync<Result<SessionUseView>>(async () =>
        {
            var entitlement = await db.LockedAsync<Entitlement>(entitlementId, ct);
            var use = entitlement is null ? null : await db.SessionUses.FirstOrDefaultAsync(u => u.Id == useId && u.EntitlementId == entitlementId, ct);
            if (entitlement is null || use is null) return Problem.NotFound("session use", useId);
            if (use.UndoneAt is not null) return SessionUseView.From(use, entitlement, now);
            if (entitlement.Status == EntitlementStatus.Revoked)
                return Problem.Conflict($"The entitlement was revoked on {entitlement.RevokedAt:yyyy-MM-dd} (its purchase was refunded); there is nothing to give back to.");

            use.UndoneAt = now;
            entitlement.SessionsUsed--;
            if (entitlement.Status == EntitlementStatus.Consumed) entitlement.Status = EntitlementStatus.Active;
            await db.SaveChangesAsync(ct);
            return SessionUseView.From(use, entitlement, now);
        }, ct);
    }

    /// <summary>Why a session of this entitlement cannot be used now, or null.</summary>
    private static string? Refusal(Entitlement e, DateTimeOffset now)
    {
        if (e.Kind != EntitlementKind.Sessions) return $"This is {(e.Kind == EntitlementKind.Access ? "an" : "a")} {e.Kind.ToString().ToLowerInvariant()} entitlement; only session packages have sessions to use.";
        if (e.Status == EntitlementStatus.Revoked) return $"The entitlement was revoked on {e.RevokedAt:yyyy-MM-dd} (its purchase was refunded).";
        if (e.Status == EntitlementStatus.Consumed || e.SessionsUsed >= e.SessionsTotal) return $"All {e.SessionsTotal} sessions are used.";
        if (e.EndsAt is { } end && end <= now) return $"The entitlement expired on {end:yyyy-MM-dd HH:mm} UTC; its {e.SessionsTotal - e.SessionsUsed} unused sessions can no longer be used.";
        if (e.StartsAt > now) return $"The entitlement starts on {e.StartsAt:yyyy-MM-dd HH:mm} UTC.";
        return null;
    }
}
