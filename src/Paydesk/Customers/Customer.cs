using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Paydesk.Storage;

namespace Paydesk.Customers;

/// <summary>Someone a tenant sells to: a patient, a bot user, a clinic buying from a platform.</summary>
public sealed class Customer : IHasId, Tenancy.IEndsApiKeys
{
    public required string TenantId { get; set; }
    public required string Id { get; init; }
    public required string Name { get; set; }
    public string? Email { get; set; }
    public string? Phone { get; set; }
    public long? TelegramId { get; set; }
    /// <summary>BCP 47 tag, e.g. <c>ro-RO</c>; messages to the customer use it.</summary>
    public required string Locale { get; set; }
    /// <summary>IANA zone; booking slots and renewal dates are shown in it.</summary>
    public required string TimeZone { get; set; }
    /// <summary>Where what they buy is shipped, unless an order says otherwise.</summary>
    public PostalAddress? Address { get; set; }
    /// <summary>Set when the customer is itself a tenant (a clinic buying from the platform).</summary>
    public string? LinkedTenantId { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? ArchivedAt { get; set; }
}

internal sealed class CustomerConfiguration : IEntityTypeConfiguration<Customer>
{
    public void Configure(EntityTypeBuilder<Customer> b)
    {
        b.HasKey(c => new { c.TenantId, c.Id });
        b.HasIndex(c => new { c.TenantId, c.Email });
        b.HasIndex(c => new { c.TenantId, c.TelegramId });
        b.Property(c => c.Name).HasMaxLength(200);
        b.Property(c => c.Email).HasMaxLength(320);
        b.Property(c => c.Phone).HasMaxLength(32);
        b.Property(c => c.Locale).HasMaxLength(35);
        b.Property(c => c.TimeZone).HasMaxLength(64);
        b.Property(c => c.Address).HasJsonRecordConversion();
        b.HasOne<Tenancy.Tenant>().WithMany().HasForeignKey(c => c.LinkedTenantId);
    }
}

/// <summary>
/// A customer's keys and memberships point at the customer. Declared here, since Tenancy sits
/// below Customers and knows no customers.
/// </summary>
internal sealed class CustomerReferencesConfiguration : IEntityTypeConfiguration<Tenancy.ApiKey>, IEntityTypeConfiguration<Tenancy.Membership>
{
    public void Configure(EntityTypeBuilder<Tenancy.ApiKey> b) =>
        b.HasOne<Customer>().WithMany().HasForeignKey(k => new { k.TenantId, k.CustomerId });

    public void Configure(EntityTypeBuilder<Tenancy.Membership> b) =>
        b.HasOne<Customer>().WithMany().HasForeignKey(m => new { m.TenantId, m.CustomerId });
}
