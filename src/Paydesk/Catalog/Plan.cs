using Paydesk.Core;
using Paydesk.Storage;

namespace Paydesk.Catalog;

/// <summary>
/// What is sold. A consultation, a session package, a subscription, a hybrid program and a token
/// pack are all plans; they differ only in their prices and grants.
/// </summary>
/// <remarks>
/// Prices and grants are never edited: a revision supersedes the current rows and writes new ones
/// under the next <see cref="Version"/>, so an order that named a price keeps meaning what it
/// meant when it was placed.
/// </remarks>
public sealed class Plan : IArchivable
{
    public required string TenantId { get; set; }
    public required string Id { get; init; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public required string Currency { get; init; }
    public int Version { get; set; } = 1;
    public int TrialDays { get; set; }

    // The renewal choices of a recurring plan (RenewalPolicy): the plan's own, not its version's.
    /// <summary>Days before each retry of a failed renewal, comma-separated (<c>1,3,5</c>); null: the installation's default.</summary>
    public string? RenewalRetryDays { get; set; }
    public PastDueAccess RenewalPastDue { get; set; }
    public AfterRetries RenewalAfterRetries { get; set; }
    public MissedPeriods RenewalMissedPeriods { get; set; }
    public int? RenewalRemindDaysBefore { get; set; }

    public RenewalPolicy Renewal
    {
        get => new(RenewalRetryDays is null ? null : RenewalRetryDays.Length == 0 ? [] : RenewalRetryDays.Split(',').Select(d => int.Parse(d, System.Globalization.CultureInfo.InvariantCulture)).ToList(),
            RenewalPastDue, RenewalAfterRetries, RenewalMissedPeriods, RenewalRemindDaysBefore);
        set => (RenewalRetryDays, RenewalPastDue, RenewalAfterRetries, RenewalMissedPeriods, RenewalRemindDaysBefore) =
            (value.RetryDays is null ? null : string.Join(',', value.RetryDays.Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture))),
             value.PastDue, value.AfterRetries, value.MissedPeriods, value.RemindDaysBefore);
    }

    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? ArchivedAt { get; set; }

    /// <summary>Every version's prices; the current ones have no <see cref="PlanPrice.SupersededAt"/>.</summary>
    public List<PlanPrice> Prices { get; set; } = [];
    public List<PlanGrant> Grants { get; set; } = [];

    public IEnumerable<PlanPrice> CurrentPrices =>
        Prices.Where(p => p.PlanVersion == Version).OrderBy(p => p.TermMonths ?? 0);
    public IEnumerable<PlanGrant> CurrentGrants =>
        Grants.Where(g => g.PlanVersion == Version).OrderBy(g => g.Position);
}

/// <summary>
/// An immutable price: an amount, and either one-time or recurring every interval. A plan with
/// term options (1, 3, 6, 12 months) has one price per term.
/// </summary>
public sealed class PlanPrice : IHasId
{
    public required string TenantId { get; set; }
    public required string Id { get; init; }
    public required string PlanId { get; init; }
    public int PlanVersion { get; init; }
    /// <summary>The term this price buys, in months; null for a plan without term options.</summary>
    public int? TermMonths { get; init; }
    public long AmountMinor { get; init; }
    public required string Currency { get; init; }
    /// <summary>Null for a one-time price.</summary>
    public IntervalUnit? IntervalUnit { get; init; }
    public int? IntervalCount { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? SupersededAt { get; set; }

    public Money Amount => new(AmountMinor, Core.Currency.Parse(Currency));
    public BillingInterval? Interval =>
        IntervalUnit is { } unit ? new BillingInterval(unit, IntervalCount ?? 1) : null;
}

public enum GrantKind
{
    /// <summary>A number of sessions of a service, usable within a validity period.</summary>
    Sessions,
    /// <summary>Access to a feature for a term.</summary>
    Access,
    /// <summary>Tokens credited to the customer's wallet, once or every period.</summary>
    Tokens,
    /// <summary>A physical product shipped to the customer.</summary>
    Product,
    /// <summary>A public badge for a term.</summary>
    Badge,
}

public enum TokenCadence
{
    /// <summary>Credited once, when the purchase is paid.</summary>
    Once,
    /// <summary>Credited at the start of every paid period of a subscription.</summary>
    EveryPeriod,
}

/// <summary>
/// What a paid purchase of the plan creates. Which fields are set depends on <see cref="Kind"/>;
/// an access or badge grant without a term lasts for the term or period that was bought.
/// </summary>
public sealed class PlanGrant : IHasId
{
    public required string TenantId { get; set; }
    public required string Id { get; init; }
    public required string PlanId { get; init; }
    public int PlanVersion { get; init; }
    public int Position { get; init; }
    public GrantKind Kind { get; init; }

    public string? ServiceId { get; init; }
    public int? SessionCount { get; init; }
    public IntervalUnit? ValidForUnit { get; init; }
    public int? ValidForCount { get; init; }

    public string? FeatureKey { get; init; }
    public IntervalUnit? TermUnit { get; init; }
    public int? TermCount { get; init; }

    public long? TokenAmount { get; init; }
    public TokenCadence? TokenCadence { get; init; }

    public string? ProductId { get; init; }
    public int? Quantity { get; init; }

    public DateTimeOffset? SupersededAt { get; set; }
}
