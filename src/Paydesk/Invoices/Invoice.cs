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
/// A tenant's invoice sequence. The number is taken in the transaction that records the payment:
/// if that transaction does not commit, the number was never used, so there are no gaps; two
/// transactions taking the same number collide on <see cref="LastSequence"/> and one retries.
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
        var sequence = await db.InvoiceSequences.FirstOrDefaultAsync(ct);
        if (sequence is null)
        {
            sequence = new InvoiceSequence { TenantId = "", Prefix = options.Value.DefaultPrefix };
            db.InvoiceSequences.Add(sequence);
        }
        sequence.LastSequence++;
        var invoice = new Invoice
        {
            TenantId = "", Id = ids.New("inv"), Number = $"{sequence.Prefix}{sequence.LastSequence:D6}", Sequence = sequence.LastSequence,
            OrderId = order.Id, PaymentId = paymentId, CustomerId = order.CustomerId, TotalMinor = order.TotalMinor, Currency = order.Currency,
            IssuedAt = time.GetUtcNow(),
        };
        db.Invoices.Add(invoice);
        return invoice;
    }
}
