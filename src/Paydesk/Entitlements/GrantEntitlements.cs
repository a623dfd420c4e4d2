using Microsoft.EntityFrameworkCore;
using NodaTime;
using Paydesk.Catalog;
using Paydesk.Core;
using Paydesk.Storage;

namespace Paydesk.Entitlements;

/// <summary>
/// One line of something paid for whose plan grants entitlements: the plan at the version it was
/// sold at, how many, and the term bought (for access and badges without a term of their own).
/// </summary>
public sealed record GrantLine(Source Source, string LineId, string CustomerId, string PlanId, int PlanVersion, int Quantity, BillingInterval? BoughtTerm)
{
    /// <summary>A subscription period's bounds: access and badges run exactly over it, not for a term from now.</summary>
    public (DateTimeOffset Starts, DateTimeOffset Ends)? Period { get; init; }
    /// <summary>Only the plan's access and badges: what a period not yet paid keeps while it is retried, when its plan says so.</summary>
    public bool AccessOnly { get; init; }
}

/// <summary>
/// Gives what a paid line's plan grants — entitlements, and shipments of products — and takes them
/// back on a full refund. Whatever sells (orders today; subscriptions, top-ups and bookings next)
/// calls it with its own <see cref="Source"/>, inside its own transaction with its own row locked,
/// and saves. What exists already is not made again (one entitlement per source line and grant,
/// one shipment per source line: unique keys).
/// </summary>
public sealed class GrantEntitlements(IdGenerator ids, Jobs.JobQueue jobs)
{
    /// <summary>Adds the entitlements of the line's grants that it does not have yet; answers them.</summary>
    public async Task<List<Entitlement>> IssueAsync(PaydeskDb db, GrantLine line, DateTimeZone zone, DateTimeOffset now, CancellationToken ct)
    {
        var existing = await db.Entitlements.Where(e => e.SourceKind == line.Source.Kind && e.SourceLineId == line.LineId)
            .Select(e => e.GrantId).ToListAsync(ct);
        var grants = await db.PlanGrants.Where(g => g.PlanId == line.PlanId && g.PlanVersion == line.PlanVersion)
            .OrderBy(g => g.Position).ToListAsync(ct);
        var issued = new List<Entitlement>();
        foreach (var grant in grants.Where(g => g.Kind != GrantKind.Product && !existing.Contains(g.Id)
                                                   && (!line.AccessOnly || g.Kind is GrantKind.Access or GrantKind.Badge)))
        {
            var entitlement = await EntitlementFor(db, line, grant, zone, now, ct);
            db.Entitlements.Add(entitlement);
            // A package that runs out of time closes what it prepaid then (54-FZ), used or not.
            if (entitlement.SessionsTotal is not null && entitlement.EndsAt is { } end) jobs.Add(db, PackageEnd.JobKind, entitlement.Id, end);
            issued.Add(entitlement);
        }
        return issued;
    }

    /// <summary>Adds the shipment of a product line unless it has one.</summary>
    public async Task<Shipment?> PlaceShipmentAsync(
        PaydeskDb db, Source source, string lineId, string customerId, string productId, int quantity, Customers.PostalAddress? address,
        DateTimeOffset now, CancellationToken ct)
    {
        if (await db.Shipments.AnyAsync(s => s.SourceKind == source.Kind && s.SourceLineId == lineId, ct)) return null;
        var shipment = new Shipment
        {
            TenantId = "", Id = ids.New("shp"), CustomerId = customerId, SourceKind = source.Kind, SourceId = source.Id, SourceLineId = lineId,
            ProductId = productId, Quantity = quantity, Status = ShipmentStatus.Placed, Address = address, CreatedAt = now, UpdatedAt = now,
        };
        db.Shipments.Add(shipment);
        return shipment;
    }

    /// <summary>Revokes every entitlement the source (or only its line <paramref name="lineId"/>) gave that is still in force; answers them.</summary>
    public async Task<List<Entitlement>> RevokeAsync(PaydeskDb db, Source source, DateTimeOffset now, CancellationToken ct, string? lineId = null)
    {
        var granted = await db.Entitlements.Where(e => e.SourceKind == source.Kind && e.SourceId == source.Id && (lineId == null || e.SourceLineId == lineId)).ToListAsync(ct);
        var revoked = granted.Where(e => EntitlementStates.Decide(e.Status, EntitlementStatus.Revoked).IsApply).ToList();
        foreach (var entitlement in revoked)
        {
            entitlement.Status = EntitlementStatus.Revoked;
            entitlement.RevokedAt = now;
        }
        return revoked;
    }

    private async Task<Entitlement> EntitlementFor(PaydeskDb db, GrantLine line, PlanGrant grant, DateTimeZone zone, DateTimeOffset now, CancellationToken ct)
    {
        var kind = grant.Kind switch
        {
            GrantKind.Sessions => EntitlementKind.Sessions,
            GrantKind.Access => EntitlementKind.Access,
            GrantKind.Badge => EntitlementKind.Badge,
            GrantKind.Tokens => EntitlementKind.Tokens,
            _ => throw new InvalidOperationException($"A {grant.Kind} grant is not an entitlement."),
        };
        var start = now;
        DateTimeOffset? end = null;
        switch (kind)
        {
            case EntitlementKind.Sessions when grant.ValidForUnit is { } unit:
                end = new BillingInterval(unit, grant.ValidForCount ?? 1).Boundary(now, zone, 1);
                break;
            case EntitlementKind.Access or EntitlementKind.Badge when line.Period is { } period:
                (start, end) = period;
                break;
            case EntitlementKind.Access or EntitlementKind.Badge:
                // Bought again while still active: the new term starts where the current one ends.
                var current = await db.Entitlements
                    .Where(e => e.CustomerId == line.CustomerId && e.Kind == kind && e.FeatureKey == grant.FeatureKey
                                && e.Status == EntitlementStatus.Active && e.EndsAt > now)
                    .MaxAsync(e => e.EndsAt, ct);
                start = current ?? now;
                end = TermOf(grant, line).Boundary(start, zone, line.Quantity);
                break;
        }
        return new Entitlement
        {
            TenantId = "", Id = ids.New("ent"), CustomerId = line.CustomerId,
            SourceKind = line.Source.Kind, SourceId = line.Source.Id, SourceLineId = line.LineId, GrantId = grant.Id,
            PlanId = line.PlanId, PlanVersion = line.PlanVersion,
            Kind = kind, Status = EntitlementStatus.Active, FeatureKey = grant.FeatureKey, ServiceId = grant.ServiceId,
            SessionsTotal = grant.SessionCount * line.Quantity, Tokens = grant.TokenAmount * line.Quantity,
            StartsAt = start, EndsAt = end, CreatedAt = now,
        };
    }

    /// <summary>The grant's own term, else the term bought.</summary>
    private static BillingInterval TermOf(PlanGrant grant, GrantLine line) =>
        grant.TermUnit is { } unit ? new BillingInterval(unit, grant.TermCount ?? 1)
        : line.BoughtTerm ?? throw new InvalidOperationException($"Grant {grant.Id} has no term and line {line.LineId} bought none.");
}
