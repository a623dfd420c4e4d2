using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Paydesk.Core;
using Paydesk.Storage;

namespace Paydesk.Entitlements;

public enum EntitlementKind { Sessions, Access, Badge, Tokens }

/// <summary>
/// What one grant gave the customer, for one line of what created it (its <see cref="Source"/>: a
/// paid order's line today; a subscription period, a top-up or a booking next): sessions to use,
/// access or a badge for a term, tokens to credit. Exactly one per (source, line, grant) — a unique
/// key — so fulfilling twice cannot grant twice.
/// </summary>
/// <remarks>
/// Buying the same access again adds a new entitlement that starts where the current one ends,
/// rather than editing the old one: a refund then revokes exactly what that purchase added.
/// </remarks>
public sealed class Entitlement : IHasId, ICustomerOwned
{
    public required string TenantId { get; set; }
    public required string Id { get; init; }
    public required string CustomerId { get; init; }
    /// <summary>The kind of what created it (<c>order</c>); <see cref="SourceId"/> is its id, <see cref="SourceLineId"/> the line within it.</summary>
    public required string SourceKind { get; init; }
    public required string SourceId { get; init; }
    public required string SourceLineId { get; init; }
    public required string GrantId { get; init; }
    /// <summary>The plan, and its version, whose grant this is: what it was sold as.</summary>
    public string? PlanId { get; init; }
    public int? PlanVersion { get; init; }
    public EntitlementKind Kind { get; init; }
    public EntitlementStatus Status { get; set; }
    public string? FeatureKey { get; init; }
    public string? ServiceId { get; init; }
    public int? SessionsTotal { get; init; }
    public int SessionsUsed { get; set; }
    public long? Tokens { get; init; }
    public DateTimeOffset StartsAt { get; init; }
    public DateTimeOffset? EndsAt { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; set; }

    public Source Source => new(SourceKind, SourceId);
}

/// <remarks><see cref="Canceled"/> last: a step forward is the next value.</remarks>
public enum ShipmentStatus { Placed, Shipped, Delivered, Canceled }

/// <summary>
/// A physical product on its way to the customer: placed → shipped → delivered; or, placed and
/// its order refunded in full before it left, canceled (and its product back in stock). One per
/// line of its source (a unique key).
/// </summary>
public sealed class Shipment : IHasId, ICustomerOwned
{
    public required string TenantId { get; set; }
    public required string Id { get; init; }
    public required string CustomerId { get; init; }
    public required string SourceKind { get; init; }
    public required string SourceId { get; init; }
    public required string SourceLineId { get; init; }
    public required string ProductId { get; init; }
    public int Quantity { get; init; }
    public ShipmentStatus Status { get; set; }
    /// <summary>The order's shipping address, else the customer's when the shipment was made; <c>ship</c> may give one.</summary>
    public Customers.PostalAddress? Address { get; set; }
    public string? Carrier { get; set; }
    public string? TrackingNumber { get; set; }
    public string? TrackingUrl { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? ShippedAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }

    public Source Source => new(SourceKind, SourceId);
}

internal sealed class EntitlementConfiguration : IEntityTypeConfiguration<Entitlement>, IEntityTypeConfiguration<Shipment>
{
    public void Configure(EntityTypeBuilder<Entitlement> b)
    {
        b.HasKey(e => new { e.TenantId, e.Id });
        b.HasIndex(e => new { e.TenantId, e.SourceKind, e.SourceLineId, e.GrantId }).IsUnique();
        b.HasIndex(e => new { e.TenantId, e.SourceKind, e.SourceId });
        b.Property(e => e.SourceKind).HasMaxLength(20);
        b.HasIndex(e => new { e.TenantId, e.CustomerId, e.Kind, e.FeatureKey });
        b.Property(e => e.FeatureKey).HasMaxLength(64);
        b.HasOne<Customers.Customer>().WithMany().HasForeignKey(e => new { e.TenantId, e.CustomerId });
    }

    public void Configure(EntityTypeBuilder<Shipment> b)
    {
        b.HasKey(s => new { s.TenantId, s.Id });
        b.HasIndex(s => new { s.TenantId, s.SourceKind, s.SourceLineId }).IsUnique();
        b.HasIndex(s => new { s.TenantId, s.SourceKind, s.SourceId });
        b.Property(s => s.SourceKind).HasMaxLength(20);
        b.Property(s => s.Address).HasJsonRecordConversion();
        b.Property(s => s.Carrier).HasMaxLength(100);
        b.Property(s => s.TrackingNumber).HasMaxLength(100);
        b.Property(s => s.TrackingUrl).HasMaxLength(2000);
        b.HasOne<Catalog.Product>().WithMany().HasForeignKey(s => new { s.TenantId, s.ProductId });
    }
}
