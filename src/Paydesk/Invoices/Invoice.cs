using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Paydesk.Core;
using Paydesk.Storage;

namespace Paydesk.Invoices;

/// <summary>
/// The invoice of a payment for something sold (its <see cref="Source"/>: an order today; a
/// subscription period next), numbered in the tenant's own gapless sequence, with its own copy of
/// the lines, so it reads the same whatever becomes of what it was for.
/// </summary>
public sealed class Invoice : IHasId, ICustomerOwned
{
    public required string TenantId { get; set; }
    public required string Id { get; init; }
    /// <summary>Prefix and sequence, e.g. <c>INV-000042</c>, given in the transaction that issues the invoice (<see cref="DocumentNumbers.NumberInvoicesAsync"/>).</summary>
    public string Number { get; internal set; } = "";
    public long Sequence { get; internal set; }
    /// <summary>The prefix a tenant with no invoice sequence yet starts one with; not stored.</summary>
    internal string? NewSequencePrefix { get; init; }
    /// <summary>The kind of what was paid for (<c>order</c>); <see cref="SourceId"/> is its id. One invoice each.</summary>
    public required string SourceKind { get; init; }
    public required string SourceId { get; init; }
    public required string PaymentId { get; init; }
    public required string CustomerId { get; init; }
    public long TotalMinor { get; init; }
    public required string Currency { get; init; }
    public DateTimeOffset IssuedAt { get; init; }
    /// <summary>What credit notes gave back of it, in total (<see cref="CreditNote"/>).</summary>
    public long CreditedMinor { get; set; }
    public List<InvoiceLine> Lines { get; set; } = [];

    public Source Source => new(SourceKind, SourceId);
}

/// <summary>A line of an invoice, as it was sold.</summary>
public sealed class InvoiceLine : ITenantOwned
{
    public required string TenantId { get; set; }
    public required string InvoiceId { get; set; }
    public int Position { get; init; }
    public required string Description { get; init; }
    public int Quantity { get; init; }
    public long UnitAmountMinor { get; init; }
    public long AmountMinor { get; init; }
    /// <summary>Comes with another line at no charge (a product bundled with a plan).</summary>
    public bool Included { get; init; }
    /// <summary>The plan and version the line was sold at, when it is a plan.</summary>
    public string? PlanId { get; init; }
    public int? PlanVersion { get; init; }
}

/// <summary>What an invoice is issued for: the source, whose, paid by which payment, the total and the lines.</summary>
public sealed record InvoiceDraft(Source Source, string CustomerId, string PaymentId, Money Total, IReadOnlyList<InvoiceLine> Lines);

/// <summary>
/// A tenant's invoice sequence. The number is taken in the transaction that records the payment
/// (see <see cref="DocumentNumbers.NumberInvoicesAsync"/>): if that transaction does not commit,
/// the number was never used, so there are no gaps and no repeats.
/// </summary>
public sealed class InvoiceSequence : ITenantOwned
{
    public required string TenantId { get; set; }
    public required string Prefix { get; set; }
    public long LastSequence { get; set; }
}

internal sealed class InvoiceConfiguration : IEntityTypeConfiguration<Invoice>, IEntityTypeConfiguration<InvoiceLine>, IEntityTypeConfiguration<InvoiceSequence>
{
    public void Configure(EntityTypeBuilder<Invoice> b)
    {
        b.HasKey(i => new { i.TenantId, i.Id });
        b.HasIndex(i => new { i.TenantId, i.Sequence }).IsUnique();
        b.HasIndex(i => new { i.TenantId, i.SourceKind, i.SourceId }).IsUnique();
        b.Property(i => i.SourceKind).HasMaxLength(20);
        b.Property(i => i.Number).HasMaxLength(40);
        b.Ignore(i => i.NewSequencePrefix);
        b.Property(i => i.Currency).HasMaxLength(3);
        b.HasMany(i => i.Lines).WithOne().HasForeignKey(l => new { l.TenantId, l.InvoiceId });
    }

    public void Configure(EntityTypeBuilder<InvoiceLine> b)
    {
        b.HasKey(l => new { l.TenantId, l.InvoiceId, l.Position });
        b.Property(l => l.Description).HasMaxLength(300);
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

/// <summary>
/// Issues the invoice of a payment. Its number is the tenant's next, taken in the transaction that
/// records the payment: as it commits on PostgreSQL, as the invoice is saved on SQLite
/// (<see cref="DocumentNumbers.NumberInvoicesAsync"/>).
/// </summary>
public sealed class IssueInvoice(IdGenerator ids, TimeProvider time, Microsoft.Extensions.Options.IOptions<InvoiceOptions> options)
{
    public Invoice Run(PaydeskDb db, InvoiceDraft draft)
    {
        var invoice = new Invoice
        {
            TenantId = "", Id = ids.New("inv"), NewSequencePrefix = options.Value.DefaultPrefix,
            SourceKind = draft.Source.Kind, SourceId = draft.Source.Id, PaymentId = draft.PaymentId, CustomerId = draft.CustomerId,
            TotalMinor = draft.Total.Minor, Currency = draft.Total.Currency.Code, IssuedAt = time.GetUtcNow(), Lines = [.. draft.Lines],
        };
        foreach (var line in invoice.Lines) line.InvoiceId = invoice.Id;
        db.Invoices.Add(invoice);
        return invoice;
    }
}

/// <summary>
/// Takes the next numbers of a tenant's gapless sequence of documents (invoices, credit notes), in
/// the caller's transaction.
/// </summary>
/// <remarks>
/// The sequence's row stays locked until that transaction ends, so every other transaction of the
/// tenant that takes a number waits for it: the number is taken as late as it can be. A credit note
/// takes its number when it is issued (the refund's email quotes it). An invoice takes its number
/// as it is saved on SQLite (one writer at a time anyway), and as its transaction commits on
/// PostgreSQL (<see cref="NumberInvoicesAsync"/>).
/// </remarks>
internal static class DocumentNumbers
{
    public const string Invoices = "invoice_sequences";
    public const string CreditNotes = "credit_note_sequences";

    public static Task<(string Prefix, long Last)> TakeAsync(PaydeskDb db, string table, string defaultPrefix, CancellationToken ct) =>
        TakeAsync(db, table, defaultPrefix, 1, ct);

    /// <summary>
    /// Numbers the invoices about to be inserted, in the order they were issued. On PostgreSQL they
    /// are inserted unnumbered (a negative sequence, the number holding the prefix a tenant's first
    /// sequence starts with) and a trigger deferred to the commit numbers them (the migration
    /// NumberInvoicesAtCommit), so the sequence is locked only inside the commit itself.
    /// </summary>
    public static async Task NumberInvoicesAsync(PaydeskDb db, List<Invoice> unnumbered, CancellationToken ct)
    {
        var defaultPrefix = unnumbered[0].NewSequencePrefix ?? "INV-";
        if (db.Database.IsNpgsql())
        {
            if (db.Database.CurrentTransaction is null)
                throw new InvalidOperationException("An invoice is issued inside the transaction that records its payment.");
            foreach (var invoice in unnumbered)
            {
                // Never seen by anyone: the commit numbers the row before it becomes visible.
                invoice.Sequence = -Random.Shared.NextInt64(1, long.MaxValue);
                invoice.Number = defaultPrefix;
            }
            return;
        }
        var (prefix, last) = await TakeAsync(db, Invoices, defaultPrefix, unnumbered.Count, ct);
        var sequence = last - unnumbered.Count;
        foreach (var invoice in unnumbered)
        {
            invoice.Sequence = ++sequence;
            invoice.Number = $"{prefix}{sequence:D6}";
        }
    }

    /// <returns>The prefix and the last of the <paramref name="count"/> numbers taken.</returns>
    private static async Task<(string Prefix, long Last)> TakeAsync(PaydeskDb db, string table, string defaultPrefix, int count, CancellationToken ct)
    {
        if (table is not (Invoices or CreditNotes)) throw new ArgumentOutOfRangeException(nameof(table));
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("A document number is taken inside the transaction that records what it documents; outside it a failure would leave a gap.");

        // One statement, one round trip, takes the numbers: it waits for a concurrent transaction
        // that took some to end (the row is locked until then) and so never hands out a number
        // twice, and it is undone with the transaction if that does not commit, so none is skipped.
        var rows = await Sql.QueryAsync(db,
            $"""
            INSERT INTO {table} (tenant_id, prefix, last_sequence) VALUES (@tenant, @prefix, @count)
            ON CONFLICT (tenant_id) DO UPDATE SET last_sequence = {table}.last_sequence + @count
            RETURNING prefix, last_sequence
            """,
            [("tenant", db.Tenant.TenantId!), ("prefix", defaultPrefix), ("count", (long)count)],
            r => (r.GetString(0), r.GetInt64(1)), ct);
        return rows.Single();
    }
}
