using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Paydesk.Core;
using Paydesk.Storage;

namespace Paydesk.Subscriptions;

/// <summary>
/// A customer's recurring purchase of a plan: made when the order that bought it is fulfilled, at
/// the price and interval it was sold at, and billed period by period in the customer's time zone
/// from its <see cref="AnchorAt"/>. Its dates are not kept beside its periods to drift from them:
/// the current period, the next charge and the last successful one are read from the periods
/// (<see cref="SubscriptionPeriod"/>) and their payments.
/// </summary>
public sealed class Subscription : IHasId, ICustomerOwned
{
    public required string TenantId { get; set; }
    public required string Id { get; init; }
    public required string CustomerId { get; init; }
    /// <summary>The plan, at the version sold: what each period grants.</summary>
    public required string PlanId { get; set; }
    public int PlanVersion { get; set; }
    /// <summary>The price of one period, as sold (or as changed to, <see cref="PlanChange"/>).</summary>
    public long AmountMinor { get; set; }
    public required string Currency { get; init; }
    public IntervalUnit IntervalUnit { get; init; }
    public int IntervalCount { get; init; }
    /// <summary>The IANA zone its calendar steps are counted in: the customer's when it started.</summary>
    public required string TimeZone { get; init; }
    /// <summary>Where its schedule is counted from: boundary <see cref="AnchorNumber"/> (when the first period started, or when it was realigned).</summary>
    public DateTimeOffset AnchorAt { get; set; }
    /// <summary>The number of the period that starts at <see cref="AnchorAt"/>: 0, or the period it was realigned at after downtime.</summary>
    public int AnchorNumber { get; set; }
    public SubscriptionStatus Status { get; set; }
    /// <summary>The provider account the first payment went through: renewals charge there.</summary>
    public required string Provider { get; init; }
    public required string ProviderAccountId { get; init; }
    /// <summary>The order, and its line, that bought it (one subscription per line: a unique key).</summary>
    public required string OrderId { get; init; }
    public required string OrderLineId { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? CanceledAt { get; set; }
    /// <summary>A cancel asked for at the end of the paid period: when it takes effect (no renewal then); null when none is scheduled.</summary>
    public DateTimeOffset? CancelsAt { get; set; }
    public DateTimeOffset? PausedAt { get; set; }

    public List<SubscriptionPeriod> Periods { get; init; } = [];

    public BillingInterval Interval => new(IntervalUnit, IntervalCount);

    /// <summary>Where period <paramref name="number"/> starts (and period number − 1 ends) on its schedule.</summary>
    public DateTimeOffset Boundary(int number) => Interval.Boundary(AnchorAt, Zone, number - AnchorNumber);

    /// <summary>The zone its calendar steps are counted in (<see cref="TimeZone"/>, a valid id from the start).</summary>
    public NodaTime.DateTimeZone Zone => Zones.Get(TimeZone);

    public Money Price => new(AmountMinor, Core.Currency.Parse(Currency));
}

/// <summary>Where a period is: paid (by its payment), or still owed.</summary>
public enum PeriodStatus { Open, Paid }

/// <summary>
/// One billing period of a subscription: boundary <see cref="Number"/> to boundary Number + 1 of
/// its schedule. One row per (subscription, number) — a unique key — so two renewals racing for
/// a period cannot both make it; <see cref="PaymentId"/> is the one payment that paid it.
/// </summary>
public sealed class SubscriptionPeriod : IHasId, ICustomerOwned
{
    public required string TenantId { get; set; }
    public required string Id { get; init; }
    public required string SubscriptionId { get; init; }
    public required string CustomerId { get; init; }
    public int Number { get; init; }
    public DateTimeOffset StartsAt { get; init; }
    public DateTimeOffset EndsAt { get; init; }
    public PeriodStatus Status { get; set; }
    public string? PaymentId { get; set; }
    public DateTimeOffset? PaidAt { get; set; }
    /// <summary>Given free by the merchant: paid with no payment.</summary>
    public bool Comped { get; set; }
    /// <summary>A free trial (the first period of a plan sold with one): paid with no payment, its length the trial's, not the interval's.</summary>
    public bool Trial { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}

internal sealed class SubscriptionConfiguration : IEntityTypeConfiguration<Subscription>, IEntityTypeConfiguration<SubscriptionPeriod>
{
    public void Configure(EntityTypeBuilder<Subscription> b)
    {
        b.ToTable("subscriptions");
        b.HasKey(s => new { s.TenantId, s.Id });
        b.HasIndex(s => new { s.TenantId, s.OrderLineId }).IsUnique();
        b.HasIndex(s => new { s.TenantId, s.CustomerId });
        b.Property(s => s.Currency).HasMaxLength(3);
        b.Property(s => s.TimeZone).HasMaxLength(64);
        b.Property(s => s.Provider).HasMaxLength(32);
        b.Ignore(s => s.Interval);
        b.Ignore(s => s.Price);
        b.Ignore(s => s.Zone);
        b.HasMany(s => s.Periods).WithOne().HasForeignKey(p => new { p.TenantId, p.SubscriptionId }).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<SubscriptionPeriod> b)
    {
        b.ToTable("subscription_periods");
        b.HasKey(p => new { p.TenantId, p.Id });
        b.HasIndex(p => new { p.TenantId, p.SubscriptionId, p.Number }).IsUnique();
    }
}
