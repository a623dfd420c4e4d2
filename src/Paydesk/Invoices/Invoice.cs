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
    /// <summary>What credit notes gave back of it, in total (<see cref="CreditNote"/>).</summary>
    public long CreditedMinor { get; set; }
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

    /// <summary>The prefix of a new tenant's credit note numbers.</summary>
    public string CreditNotePrefix { get; set; } = "CN-";
}

/// <summary>Issues the invoice of a paid order with the tenant's next number.</summary>
public sealed class IssueInvoice(IdGenerator ids, TimeProvider time, Microsoft.Extensions.Options.IOptions<InvoiceOptions> options)
{
    public async Task<Invoice> RunAsync(PaydeskDb db, Orders.Order order, string paymentId, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("An invoice number is taken inside the transaction that records the payment; outside it a failure would leave a gap.");

        var (prefix, sequence) = await DocumentNumbers.TakeAsync(db, DocumentNumbers.Invoices, options.Value.DefaultPrefix, ct);

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

/// <summary>
/// Takes the next number of a tenant's gapless sequence of documents (invoices, credit notes), in
/// the caller's transaction.
/// </summary>
internal static class DocumentNumbers
{
    public const string Invoices = "invoice_sequences";
    public const string CreditNotes = "credit_note_sequences";

    public static async Task<(string Prefix, long Sequence)> TakeAsync(PaydeskDb db, string table, string defaultPrefix, CancellationToken ct)
    {
        if (table is not (Invoices or CreditNotes)) throw new ArgumentOutOfRangeException(nameof(table));
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("A document number is taken inside the transaction that records what it documents; outside it a failure would leave a gap.");

        var tenantId = db.Tenant.TenantId!;
        // One statement takes the number: it waits for a concurrent transaction that took one to
        // end (the row is locked until then) and so never hands out the same number twice, and it
        // is undone with the transaction if that does not commit, so no number is skipped.
#pragma warning disable EF1002 // the table is one of two constants; the values are parameters
        await db.Database.ExecuteSqlRawAsync(
            $"INSERT INTO {table} (tenant_id, prefix, last_sequence) VALUES ({{0}}, {{1}}, 0) ON CONFLICT (tenant_id) DO NOTHING", [tenantId, defaultPrefix], ct);
        var sequence = (await db.Database.SqlQueryRaw<long>(
            $"UPDATE {table} SET last_sequence = last_sequence + 1 WHERE tenant_id = {{0}} RETURNING last_sequence AS \"Value\"", tenantId).ToListAsync(ct)).Single();
        var prefix = (await db.Database.SqlQueryRaw<string>($"SELECT prefix AS \"Value\" FROM {table} WHERE tenant_id = {{0}}", tenantId).ToListAsync(ct)).Single();
#pragma warning restore EF1002
        return (prefix, sequence);
    }
}
