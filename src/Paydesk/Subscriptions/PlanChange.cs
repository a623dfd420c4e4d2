using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Paydesk.Storage;

namespace Paydesk.Subscriptions;

public enum PlanChangeKind { Upgrade, Downgrade }

/// <summary>Where a plan change is: an upgrade waits for its payment; a downgrade waits for the period's end.</summary>
/// <summary>Where a plan change is; <see cref="Undone"/>: an applied upgrade whose payment was refunded in full, the subscription back on the plan it came from.</summary>
public enum PlanChangeStatus { Pending, Scheduled, Applied, Failed, Canceled, Undone }

/// <summary>
/// A subscription moving to another plan of the same interval. An upgrade applies now, once its
/// prorated price (<see cref="DueMinor"/>, see <see cref="Proration"/>) is paid by the kept card;
/// a downgrade applies at the end of the paid period, with nothing paid back — so the value of a
/// period already used is never returned by going up and back down.
/// </summary>
public sealed class PlanChange : IHasId, ICustomerOwned
{
    public required string TenantId { get; set; }
    public required string Id { get; init; }
    public required string SubscriptionId { get; init; }
    public required string CustomerId { get; init; }
    /// <summary>The period it was asked in (an upgrade's grants run over the rest of it).</summary>
    public required string PeriodId { get; init; }
    public PlanChangeKind Kind { get; init; }
    public PlanChangeStatus Status { get; set; }
    public required string FromPlanId { get; init; }
    public int FromPlanVersion { get; init; }
    public long FromAmountMinor { get; init; }
    public required string ToPlanId { get; init; }
    public int ToPlanVersion { get; init; }
    public long ToAmountMinor { get; init; }
    public required string Currency { get; init; }
    public long CreditMinor { get; init; }
    public long ChargeMinor { get; init; }
    public long DueMinor { get; init; }
    /// <summary>When it takes effect: when asked (an upgrade), or the period's end (a downgrade).</summary>
    public DateTimeOffset EffectiveAt { get; init; }
    public string? PaymentId { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class PlanChangeConfiguration : IEntityTypeConfiguration<PlanChange>
{
    public void Configure(EntityTypeBuilder<PlanChange> b)
    {
        b.ToTable("plan_changes");
        b.HasKey(c => new { c.TenantId, c.Id });
        b.HasIndex(c => new { c.TenantId, c.SubscriptionId, c.Status });
        b.Property(c => c.Currency).HasMaxLength(3);
        // One change waiting per subscription: two upgrades asked at once cannot both be charged.
        b.HasIndex(c => new { c.TenantId, c.SubscriptionId }, "ux_plan_changes_one_waiting").IsUnique().HasDatabaseName("ux_plan_changes_one_waiting")
            .HasFilter("status IN ('Pending', 'Scheduled')");
    }
}
