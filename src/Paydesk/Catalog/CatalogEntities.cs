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
    /// <summary>The list price shown when booking; what is charged comes from a plan's price.</summary>
    public long PriceMinor { get; set; }
    public required string Currency { get; set; }
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
    public int Stock { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? ArchivedAt { get; set; }
}
