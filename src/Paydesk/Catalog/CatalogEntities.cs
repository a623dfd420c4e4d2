using Paydesk.Storage;

namespace Paydesk.Catalog;

public enum FeatureKind
{
    /// <summary>Unlocks something for a customer (telerehab, the exercise library).</summary>
    Access,
    /// <summary>A mark shown publicly on the customer (a "Verified clinic" badge).</summary>
    Badge,
}

/// <summary>Something a grant can unlock, named by a stable key such as <c>telerehab</c>.</summary>
public sealed class Feature : IArchivable
{
    public required string TenantId { get; set; }
    public required string Id { get; init; }
    public required string Key { get; init; }
    public required string Name { get; set; }
    public FeatureKind Kind { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? ArchivedAt { get; set; }
}

/// <summary>A person who delivers services (a physiotherapist, a coach).</summary>
public sealed class Specialist : IArchivable
{
    public required string TenantId { get; set; }
    public required string Id { get; init; }
    public required string Name { get; set; }
    public string? Title { get; set; }
    public string? Email { get; set; }
    public required string TimeZone { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? ArchivedAt { get; set; }
}

/// <summary>What a session is: a consultation, an evaluation, a therapy session.</summary>
public sealed class Service : IArchivable
{
    public required string TenantId { get; set; }
    public required string Id { get; init; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public int DurationMinutes { get; set; }
    /// <summary>The list price shown when booking; what is charged comes from a plan's price (and a calendar's difference from this one).</summary>
    public long PriceMinor { get; set; }
    public required string Currency { get; set; }
    /// <summary>Bumped when the list price changes after something was sold at it; the old one is kept as a <see cref="ListPrice"/>.</summary>
    public int PriceVersion { get; set; } = 1;
    /// <summary>Something was sold at the current list price: changing it now makes a new version.</summary>
    public bool PriceInUse { get; set; }
    public List<string> RequiredForms { get; set; } = [];
    public List<ServiceDocument> Documents { get; set; } = [];
    public List<ServiceSpecialist> Specialists { get; set; } = [];
    public List<BookingCalendar> Calendars { get; set; } = [];
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? ArchivedAt { get; set; }
}

/// <summary>A consent form, a preparation guide: something the patient receives with the service.</summary>
public sealed record ServiceDocument(string Title, string Url);

public sealed class ServiceSpecialist : ITenantOwned
{
    public required string TenantId { get; set; }
    public required string ServiceId { get; init; }
    public required string SpecialistId { get; init; }
}

/// <summary>
/// One way to book a service: standard hours, a promotional campaign, evening hours. Each is
/// managed on its own without touching the service.
/// </summary>
public sealed class BookingCalendar : IHasId
{
    public required string TenantId { get; set; }
    public required string Id { get; init; }
    public required string ServiceId { get; init; }
    public required string Name { get; set; }
    /// <summary>A list price for this calendar; null means the service's.</summary>
    public long? PriceMinor { get; set; }
    public DateTimeOffset? ArchivedAt { get; set; }
}

/// <summary>A physical product, sold bundled in a plan (a resistance band) and shipped.</summary>
public sealed class Product : IArchivable
{
    public required string TenantId { get; set; }
    public required string Id { get; init; }
    public required string Sku { get; init; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public long PriceMinor { get; set; }
    public required string Currency { get; set; }
    /// <summary>Bumped when the list price changes after something was sold at it; the old one is kept as a <see cref="ListPrice"/>.</summary>
    public int PriceVersion { get; set; } = 1;
    /// <summary>Something was sold at the current list price: changing it now makes a new version.</summary>
    public bool PriceInUse { get; set; }
    public int Stock { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? ArchivedAt { get; set; }
}

/// <summary>
/// A service's or product's list price as it was before it changed: what was sold at that version
/// keeps meaning what it meant. The current price is on the item itself.
/// </summary>
public sealed class ListPrice : IHasId
{
    public required string TenantId { get; set; }
    public required string Id { get; init; }
    /// <summary>The service or product.</summary>
    public required string ItemId { get; init; }
    public int Version { get; init; }
    public long AmountMinor { get; init; }
    public required string Currency { get; init; }
    /// <summary>When the next version replaced it (it took effect when the one before it was replaced, or the item was made).</summary>
    public DateTimeOffset SupersededAt { get; init; }
}
