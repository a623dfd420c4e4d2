using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Paydesk.Tenancy;

/// <summary>A merchant: a clinic, a coach, a bot owner, a platform. Everything else belongs to one.</summary>
public sealed class Tenant
{
    public required string Id { get; init; }
    /// <summary>Short, URL-safe, unique name (<c>clinic</c>, <c>acme-physio</c>).</summary>
    public required string Slug { get; set; }
    public required string Name { get; set; }
    public required string DefaultCurrency { get; set; }
    /// <summary>IANA zone the tenant's calendar math runs in.</summary>
    public required string TimeZone { get; set; }
    /// <summary>The tax regime its fiscal receipts (54-FZ) name (<c>osn</c>, <c>usn_income</c>…); null: it issues none through Paydesk.</summary>
    public string? Taxation { get; set; }
    /// <summary>The VAT rate its receipts' lines carry (<c>none</c>, <c>vat0</c>, <c>vat10</c>, <c>vat20</c>), when it issues receipts.</summary>
    public string? Vat { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A person who signs in. Not tenant-owned: one person may work for several tenants.</summary>
public sealed class User
{
    public required string Id { get; init; }
    public required string Email { get; set; }
    public required string Name { get; set; }
    public bool IsPlatformAdmin { get; set; }
    /// <summary>
    /// The password, hashed (PBKDF2 with a salt of its own, <see cref="Passwords"/>); null for a user
    /// who has never set one and signs in only by a link sent to <see cref="Email"/>.
    /// </summary>
    public string? PasswordHash { get; set; }
    /// <summary>Changes whenever the password does: a reset link made before is then void.</summary>
    public string SecurityStamp { get; set; } = "";
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A user's role in one tenant; a customer membership says which customer they are.</summary>
public sealed class Membership : Storage.IHasId
{
    public required string TenantId { get; set; }
    public required string Id { get; init; }
    public required string UserId { get; init; }
    public Role Role { get; set; }
    public string? CustomerId { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
}

internal sealed class TenancyConfiguration :
    IEntityTypeConfiguration<Tenant>, IEntityTypeConfiguration<User>, IEntityTypeConfiguration<Membership>
{
    public void Configure(EntityTypeBuilder<Tenant> b)
    {
        b.HasKey(t => t.Id);
        b.HasIndex(t => t.Slug).IsUnique();
        b.Property(t => t.Slug).HasMaxLength(64);
        b.Property(t => t.Name).HasMaxLength(200);
        b.Property(t => t.DefaultCurrency).HasMaxLength(3);
        b.Property(t => t.TimeZone).HasMaxLength(64);
        b.Property(t => t.Taxation).HasMaxLength(32);
        b.Property(t => t.Vat).HasMaxLength(16);
    }

    public void Configure(EntityTypeBuilder<User> b)
    {
        b.HasKey(u => u.Id);
        b.HasIndex(u => u.Email).IsUnique();
        b.Property(u => u.Email).HasMaxLength(320);
        b.Property(u => u.Name).HasMaxLength(200);
        b.Property(u => u.PasswordHash).HasMaxLength(200);
        b.Property(u => u.SecurityStamp).HasMaxLength(64);
    }

    public void Configure(EntityTypeBuilder<Membership> b)
    {
        b.HasKey(m => new { m.TenantId, m.Id });
        b.HasIndex(m => new { m.TenantId, m.UserId }).IsUnique();
        b.HasOne<User>().WithMany().HasForeignKey(m => m.UserId);
    }
}
