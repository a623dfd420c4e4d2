using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Paydesk.Storage;

namespace Paydesk.Catalog;

internal sealed class CatalogConfiguration :
    IEntityTypeConfiguration<Feature>, IEntityTypeConfiguration<Specialist>, IEntityTypeConfiguration<Service>,
    IEntityTypeConfiguration<ServiceSpecialist>, IEntityTypeConfiguration<BookingCalendar>,
    IEntityTypeConfiguration<Product>, IEntityTypeConfiguration<Plan>, IEntityTypeConfiguration<PlanPrice>,
    IEntityTypeConfiguration<PlanGrant>, IEntityTypeConfiguration<ListPrice>
{
    public void Configure(EntityTypeBuilder<Feature> b)
    {
        b.HasKey(f => new { f.TenantId, f.Id });
        b.HasIndex(f => new { f.TenantId, f.Key }).IsUnique();
        b.Property(f => f.Key).HasMaxLength(64);
        b.Property(f => f.Name).HasMaxLength(200);
    }

    public void Configure(EntityTypeBuilder<Specialist> b)
    {
        b.HasKey(s => new { s.TenantId, s.Id });
        b.Property(s => s.Name).HasMaxLength(200);
        b.Property(s => s.Title).HasMaxLength(200);
        b.Property(s => s.Email).HasMaxLength(320);
        b.Property(s => s.TimeZone).HasMaxLength(64);
    }

    public void Configure(EntityTypeBuilder<Service> b)
    {
        b.Property(s => s.PriceInUse).IsConcurrencyToken();
        b.Property(s => s.PriceVersion).IsConcurrencyToken();
        b.HasKey(s => new { s.TenantId, s.Id });
        b.Property(s => s.Name).HasMaxLength(200);
        b.Property(s => s.Currency).HasMaxLength(3);
        // Forms and documents are read and written with their service, never queried on their
        // own: a JSON text column keeps them portable across SQLite and PostgreSQL.
        b.Property(s => s.RequiredForms).HasJsonConversion();
        b.Property(s => s.Documents).HasJsonConversion();
        b.HasMany(s => s.Specialists).WithOne().HasForeignKey(x => new { x.TenantId, x.ServiceId });
        b.HasMany(s => s.Calendars).WithOne().HasForeignKey(x => new { x.TenantId, x.ServiceId });
    }

    public void Configure(EntityTypeBuilder<ServiceSpecialist> b)
    {
        b.HasKey(x => new { x.TenantId, x.ServiceId, x.SpecialistId });
        b.HasOne<Specialist>().WithMany().HasForeignKey(x => new { x.TenantId, x.SpecialistId });
    }

    public void Configure(EntityTypeBuilder<BookingCalendar> b)
    {
        b.HasKey(c => new { c.TenantId, c.Id });
        b.Property(c => c.Name).HasMaxLength(200);
    }

    public void Configure(EntityTypeBuilder<ListPrice> b)
    {
        b.HasKey(p => new { p.TenantId, p.Id });
        b.HasIndex(p => new { p.TenantId, p.ItemId, p.Version }).IsUnique();
        b.Property(p => p.Currency).HasMaxLength(3);
    }

    public void Configure(EntityTypeBuilder<Product> b)
    {
        b.HasKey(p => new { p.TenantId, p.Id });
        b.HasIndex(p => new { p.TenantId, p.Sku }).IsUnique();
        b.Property(p => p.Sku).HasMaxLength(64);
        // An order marks the price in use while an admin may be changing it: one of them must see the other.
        b.Property(p => p.PriceInUse).IsConcurrencyToken();
        b.Property(p => p.PriceVersion).IsConcurrencyToken();
        b.Property(p => p.Name).HasMaxLength(200);
        b.Property(p => p.Currency).HasMaxLength(3);
    }

    public void Configure(EntityTypeBuilder<Plan> b)
    {
        b.HasKey(p => new { p.TenantId, p.Id });
        b.Property(p => p.Name).HasMaxLength(200);
        b.Property(p => p.Currency).HasMaxLength(3);
        // Two revisions racing each other must not both become version N+1.
        b.Property(p => p.Version).IsConcurrencyToken();
        b.HasMany(p => p.Prices).WithOne().HasForeignKey(x => new { x.TenantId, x.PlanId });
        b.HasMany(p => p.Grants).WithOne().HasForeignKey(x => new { x.TenantId, x.PlanId });
        b.Ignore(p => p.CurrentPrices);
        b.Ignore(p => p.CurrentGrants);
        b.Ignore(p => p.Renewal);
        b.Property(p => p.RenewalRetryDays).HasMaxLength(64);
    }

    public void Configure(EntityTypeBuilder<PlanPrice> b)
    {
        b.HasKey(p => new { p.TenantId, p.Id });
        b.HasIndex(p => new { p.TenantId, p.PlanId, p.PlanVersion, p.TermMonths });
        b.Property(p => p.Currency).HasMaxLength(3);
        b.Ignore(p => p.Amount);
        b.Ignore(p => p.Interval);
    }

    public void Configure(EntityTypeBuilder<PlanGrant> b)
    {
        b.HasKey(g => new { g.TenantId, g.Id });
        b.HasIndex(g => new { g.TenantId, g.PlanId, g.PlanVersion, g.Position }).IsUnique();
        b.Property(g => g.FeatureKey).HasMaxLength(64);
        b.HasOne<Service>().WithMany().HasForeignKey(g => new { g.TenantId, g.ServiceId });
        b.HasOne<Product>().WithMany().HasForeignKey(g => new { g.TenantId, g.ProductId });
    }
}
