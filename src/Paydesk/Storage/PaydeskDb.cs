using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Catalog;
using Paydesk.Customers;
using Paydesk.Orders;
using Paydesk.Tenancy;

namespace Paydesk.Storage;

/// <summary>
/// The one database context. Every tenant-owned set is filtered to the tenant of the current
/// <see cref="TenantContext"/>, and saving a row under another tenant throws, so a forgotten
/// <c>Where</c> cannot leak data. Each engine has its own subclass, because each has its own
/// migrations: <see cref="SqlitePaydeskDb"/> and <see cref="PostgresPaydeskDb"/>.
/// </summary>
/// <remarks>
/// Contexts are pooled: a request rents one and hands it its <see cref="TenantContext"/>
/// (<see cref="ServeFor"/>), so the work of setting up a context's services is done once per
/// pooled instance instead of on every request.
/// </remarks>
public abstract class PaydeskDb(DbContextOptions options) : DbContext(options)
{
    // Until a scope hands it one: no tenant, which no row has.
    private TenantContext tenant = new();

    public DbSet<Tenant> Tenants => Set<Tenant>();
    public DbSet<User> Users => Set<User>();
    public DbSet<Membership> Memberships => Set<Membership>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();
    public DbSet<Customer> Customers => Set<Customer>();
    public DbSet<Feature> Features => Set<Feature>();
    public DbSet<Specialist> Specialists => Set<Specialist>();
    public DbSet<Service> Services => Set<Service>();
    public DbSet<BookingCalendar> BookingCalendars => Set<BookingCalendar>();
    public DbSet<Product> Products => Set<Product>();
    public DbSet<ListPrice> ListPrices => Set<ListPrice>();
    public DbSet<Plan> Plans => Set<Plan>();
    public DbSet<PlanPrice> PlanPrices => Set<PlanPrice>();
    public DbSet<PlanGrant> PlanGrants => Set<PlanGrant>();
    public DbSet<Order> Orders => Set<Order>();
    public DbSet<OrderLine> OrderLines => Set<OrderLine>();
    public DbSet<Payments.SavedMethod> SavedMethods => Set<Payments.SavedMethod>();
    public DbSet<Payments.Fiscal.ClosingReceipt> ClosingReceipts => Set<Payments.Fiscal.ClosingReceipt>();
    public DbSet<Payments.Payment> Payments => Set<Payments.Payment>();
    public DbSet<Payments.PaymentOperation> PaymentOperations => Set<Payments.PaymentOperation>();
    public DbSet<Payments.ProviderAccount> ProviderAccounts => Set<Payments.ProviderAccount>();
    public DbSet<Payments.WebhookEvent> WebhookEvents => Set<Payments.WebhookEvent>();
    public DbSet<Payments.Refund> Refunds => Set<Payments.Refund>();
    public DbSet<Notifications.Outbox.OutboxMessage> OutboxMessages => Set<Notifications.Outbox.OutboxMessage>();
    public DbSet<Payments.Mock.MockCharge> MockCharges => Set<Payments.Mock.MockCharge>();
    public DbSet<Payments.Mock.MockRefund> MockRefunds => Set<Payments.Mock.MockRefund>();
    public DbSet<Invoices.Invoice> Invoices => Set<Invoices.Invoice>();
    public DbSet<Invoices.InvoiceSequence> InvoiceSequences => Set<Invoices.InvoiceSequence>();
    public DbSet<Invoices.InvoiceLine> InvoiceLines => Set<Invoices.InvoiceLine>();
    public DbSet<Invoices.CreditNote> CreditNotes => Set<Invoices.CreditNote>();
    public DbSet<Invoices.CreditNoteSequence> CreditNoteSequences => Set<Invoices.CreditNoteSequence>();
    public DbSet<Entitlements.Entitlement> Entitlements => Set<Entitlements.Entitlement>();
    public DbSet<Entitlements.Shipment> Shipments => Set<Entitlements.Shipment>();
    public DbSet<Entitlements.SessionUse> SessionUses => Set<Entitlements.SessionUse>();
    public DbSet<Subscriptions.Subscription> Subscriptions => Set<Subscriptions.Subscription>();
    public DbSet<Subscriptions.SubscriptionPeriod> SubscriptionPeriods => Set<Subscriptions.SubscriptionPeriod>();
    public DbSet<Subscriptions.PlanChange> PlanChanges => Set<Subscriptions.PlanChange>();
    public DbSet<Jobs.Job> Jobs => Set<Jobs.Job>();
    public DbSet<Web.Admin.AuditEntry> AuditEntries => Set<Web.Admin.AuditEntry>();

    public TenantContext Tenant => tenant;

    /// <summary>
    /// Readies a context taken from the pool for a scope: its tenant is the scope's, and nothing of
    /// the unit of work it served before remains.
    /// </summary>
    internal PaydeskDb ServeFor(TenantContext scopeTenant)
    {
        tenant = scopeTenant;
        AfterCommit.Clear();
        SessionTenant = null;
        SessionTenantIn = null;
        return this;
    }

    /// <summary>What is to be done once this unit of work commits (see <see cref="Storage.AfterCommit"/>).</summary>
    internal HashSet<AfterCommit> AfterCommit { get; } = [];

    /// <summary>SQLite: the gate whose turn to write this context holds, if it does.</summary>
    internal SqliteWriteGate? WriteGate { get; set; }

    // A unit of work that ends holding the turn to write (its transaction disposed on an exception)
    // gives it back here, before the context goes back to the pool.
    public override void Dispose()
    {
        WriteGate?.Leave(this);
        base.Dispose();
    }

    public override ValueTask DisposeAsync()
    {
        WriteGate?.Leave(this);
        return base.DisposeAsync();
    }

    /// <summary>PostgreSQL: the tenant set in the open connection's session (<see cref="TenantSession"/>); null when none is known to be.</summary>
    internal string? SessionTenant { get; set; }

    /// <summary>
    /// PostgreSQL: the transaction <see cref="SessionTenant"/> was set in, until it commits; a transaction disposed without
    /// committing undoes the setting without a word to the interceptors, so one seen gone this way means the setting is too.
    /// </summary>
    /// <remarks>By EF's id of the transaction: Npgsql hands out one transaction object per connection again and again.</remarks>
    internal Guid? SessionTenantIn { get; set; }

    // Read by the query filters on every query; an unset context matches no row.
    private string FilterTenantId => tenant.TenantId ?? "";

    // The customer a customer's own key is for; null for staff, who see every customer of the tenant.
    private string? FilterCustomerId => tenant.IsCustomer ? tenant.CustomerId ?? "" : null;

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(PaydeskDb).Assembly);

        var scope = typeof(PaydeskDb).GetMethod(nameof(ScopeToTenant), BindingFlags.NonPublic | BindingFlags.Instance)!;
        var scopeToCustomer = typeof(PaydeskDb).GetMethod(nameof(ScopeToCustomer), BindingFlags.NonPublic | BindingFlags.Instance)!;
        foreach (var entity in modelBuilder.Model.GetEntityTypes().ToList())
        {
            if (typeof(ICustomerOwned).IsAssignableFrom(entity.ClrType))
                scopeToCustomer.MakeGenericMethod(entity.ClrType).Invoke(this, [modelBuilder]);
            else if (typeof(ITenantOwned).IsAssignableFrom(entity.ClrType))
                scope.MakeGenericMethod(entity.ClrType).Invoke(this, [modelBuilder]);
        }
        // A customer's own key sees only that customer.
        modelBuilder.Entity<Customers.Customer>().HasQueryFilter(c => c.TenantId == FilterTenantId && (FilterCustomerId == null || c.Id == FilterCustomerId));
        // A job is the tenant's, or the installation's (no tenant): only the workers see those.
        modelBuilder.Entity<Jobs.Job>().HasQueryFilter(j => j.TenantId == FilterTenantId);
    }

    private void ScopeToTenant<T>(ModelBuilder modelBuilder) where T : class, ITenantOwned
    {
        var entity = modelBuilder.Entity<T>();
        entity.HasQueryFilter(e => e.TenantId == FilterTenantId);
        entity.HasOne<Tenant>().WithMany().HasForeignKey(e => e.TenantId).OnDelete(DeleteBehavior.Restrict);
        entity.Property(e => e.TenantId).HasMaxLength(40);
    }

    /// <summary>The tenant's rows, and for a customer's own key only that customer's.</summary>
    private void ScopeToCustomer<T>(ModelBuilder modelBuilder) where T : class, ICustomerOwned
    {
        ScopeToTenant<T>(modelBuilder);
        modelBuilder.Entity<T>().HasQueryFilter(e => e.TenantId == FilterTenantId && (FilterCustomerId == null || e.CustomerId == FilterCustomerId));
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        if (StampTenant() is { } unnumbered) Paydesk.Invoices.DocumentNumbers.NumberInvoicesAsync(this, unnumbered, CancellationToken.None).GetAwaiter().GetResult();
        NormalizeInstants();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        // New invoices are numbered as late in their transaction as can be: now, or at the commit (DocumentNumbers).
        if (StampTenant() is { } unnumbered) await Paydesk.Invoices.DocumentNumbers.NumberInvoicesAsync(this, unnumbered, cancellationToken);
        NormalizeInstants();
        return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <summary>
    /// Instants are stored in UTC at whole microseconds (PostgreSQL's precision), and made so before
    /// they are written, so the answer to a create says exactly what a later read will.
    /// </summary>
    private void NormalizeInstants()
    {
        foreach (var entry in ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified)) continue;
            foreach (var property in entry.Properties)
            {
                if (property.CurrentValue is DateTimeOffset instant)
                {
                    var normalized = Stored(instant);
                    if (normalized != instant || instant.Offset != TimeSpan.Zero) property.CurrentValue = normalized;
                }
            }
        }
    }

    /// <summary>An instant as the database keeps it: UTC, whole microseconds. Bulk updates use it too.</summary>
    public static DateTimeOffset Stored(DateTimeOffset instant) =>
        new(instant.UtcTicks - instant.UtcTicks % 10, TimeSpan.Zero);

    /// <summary>New rows take the current tenant; a row of another tenant is never written.</summary>
    /// <returns>The new invoices with no number yet, in the order they were issued; null when there are none.</returns>
    private List<Invoices.Invoice>? StampTenant()
    {
        List<Invoices.Invoice>? unnumbered = null;
        foreach (var entry in ChangeTracker.Entries<ITenantOwned>())
        {
            if (entry is { State: EntityState.Added, Entity: Invoices.Invoice { Sequence: 0 } invoice }) (unnumbered ??= []).Add(invoice);
            if (entry.State == EntityState.Added && string.IsNullOrEmpty(entry.Entity.TenantId))
                entry.Entity.TenantId = tenant.TenantId
                    ?? throw new InvalidOperationException($"A {entry.Entity.GetType().Name} was added outside any tenant.");
            if (entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted
                && entry.Entity.TenantId != tenant.TenantId)
                throw new InvalidOperationException(
                    $"A {entry.Entity.GetType().Name} of another tenant was about to be written; refused.");
        }
        return unnumbered?.OrderBy(i => i.IssuedAt).ThenBy(i => i.Id, StringComparer.Ordinal).ToList();
    }
}
