using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Paydesk.Storage;

namespace Paydesk.Invoices;

/// <summary>The invoice for a paid order, numbered in the tenant's own gapless sequence.</summary>
public sealed class Invoice : IHasId
{
    public required string TenantId { get; set; }
    public required string Id { get; init; }
    /// <summary>Prefix and sequence, e.g. <c>INV-000042</c>.</summary>
    public required string Number { get; init; }
    public long Sequence { get; init; }
    public required string OrderId { get; init; }
    public required string PaymentId { get; init; }
    public required string CustomerId { get; init; }
    public long TotalMinor { get; init; }
    public required string Currency { get; init; }
    public DateTimeOffset IssuedAt { get; init; }
}

/// <summary>
/// A tenant's invoice sequence. The number is taken in the transaction that records the payment
/// (see <see cref="IssueInvoice"/>): if that transaction does not commit, the number was never
/// used, so there are no gaps and no repeats.
/// </summary>
public sealed class InvoiceSequence : ITenantOwned
{
    public required string TenantId { get; set; }
    public required string Prefix { get; set; }
    public long LastSequence { get; set; }
}

internal sealed class InvoiceConfiguration : IEntityTypeConfiguration<Invoice>, IEntityTypeConfiguration<InvoiceSequence>
{
    public void Configure(EntityTypeBuilder<Invoice> b)
    {
        b.HasKey(i => new { i.TenantId, i.Id });
        b.HasIndex(i => new { i.TenantId, i.Sequence }).IsUnique();
        b.HasIndex(i => new { i.TenantId, i.OrderId }).IsUnique();
        b.Property(i => i.Number).HasMaxLength(40);
        b.Property(i => i.Currency).HasMaxLength(3);
        b.HasOne<Orders.Order>().WithMany().HasForeignKey(i => new { i.TenantId, i.OrderId });
    }

    public void Configure(EntityTypeBuilder<InvoiceSequence> b)
    {
        b.HasKey(s => s.TenantId);
        b.Property(s => s.Prefix).HasMaxLength(20);
        b.Property(s => s.LastSequence).IsConcurrencyToken();
    }
}

public sealed class InvoiceOptions
{
    /// <summary>The prefix of a new tenant's invoice numbers.</summary>
    public string DefaultPrefix { get; set; } = "INV-";
}

/// <summary>Issues the invoice of a paid order with the tenant's next number.</summary>
public sealed class IssueInvoice(IdGenerator ids, TimeProvider time, Microsoft.Extensions.Options.IOptions<InvoiceOptions> options)
{
    public async Task<Invoice> RunAsync(PaydeskDb db, Orders.Order order, string paymentId, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("An invoice number is taken inside the transaction that records the payment; outside it a failure would leave a gap.");

        var tenantId = db.Tenant.TenantId!;
        var prefix = options.Value.DefaultPrefix;
        // One statement takes the number: it waits for a concurrent payment's transaction to end
        // (the row is locked until then) and so never hands out the same number twice, and it is
        // undone with the transaction if the payment is not recorded, so no number is skipped.
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO invoice_sequences (tenant_id, prefix, last_sequence) VALUES ({tenantId}, {prefix}, 0) ON CONFLICT (tenant_id) DO NOTHING", ct);
        var sequence = (await db.Database.SqlQuery<long>(
            $"UPDATE invoice_sequences SET last_sequence = last_sequence + 1 WHERE tenant_id = {tenantId} RETURNING last_sequence AS \"Value\"").ToListAsync(ct)).Single();
        prefix = await db.InvoiceSequences.AsNoTracking().Select(s => s.Prefix).SingleAsync(ct);

        var invoice = new Invoice
        {
            TenantId = "", Id = ids.New("inv"), Number = $"{prefix}{sequence:D6}", Sequence = sequence,
            OrderId = order.Id, PaymentId = paymentId, CustomerId = order.CustomerId, TotalMinor = order.TotalMinor, Currency = order.Currency,
            IssuedAt = time.GetUtcNow(),
        };
        db.Invoices.Add(invoice);
        return invoice;
    }
}
