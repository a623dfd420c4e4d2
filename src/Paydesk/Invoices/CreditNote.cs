using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Paydesk.Payments;
using Paydesk.Storage;

namespace Paydesk.Invoices;

/// <summary>
/// The document of money given back on an invoiced payment: one per refund (a unique key), numbered
/// in the tenant's own gapless sequence of credit notes, apart from its invoices.
/// </summary>
public sealed class CreditNote : IHasId, ICustomerOwned
{
    public required string TenantId { get; set; }
    public required string Id { get; init; }
    /// <summary>Prefix and sequence, e.g. <c>CN-000007</c>.</summary>
    public required string Number { get; init; }
    public long Sequence { get; init; }
    public required string InvoiceId { get; init; }
    /// <summary>What the credited invoice was for (its source).</summary>
    public required string SourceKind { get; init; }
    public required string SourceId { get; init; }
    public required string RefundId { get; init; }
    public required string PaymentId { get; init; }
    public required string CustomerId { get; init; }
    public long AmountMinor { get; init; }
    public required string Currency { get; init; }
    public required string Reason { get; init; }
    public DateTimeOffset IssuedAt { get; init; }
}

/// <summary>A tenant's credit note sequence, taken like the invoices' (<see cref="DocumentNumbers"/>).</summary>
public sealed class CreditNoteSequence : ITenantOwned
{
    public required string TenantId { get; set; }
    public required string Prefix { get; set; }
    public long LastSequence { get; set; }
}

internal sealed class CreditNoteConfiguration : IEntityTypeConfiguration<CreditNote>, IEntityTypeConfiguration<CreditNoteSequence>
{
    public void Configure(EntityTypeBuilder<CreditNote> b)
    {
        b.HasKey(c => new { c.TenantId, c.Id });
        b.HasIndex(c => new { c.TenantId, c.Sequence }).IsUnique();
        b.HasIndex(c => new { c.TenantId, c.RefundId }).IsUnique();
        b.HasIndex(c => new { c.TenantId, c.InvoiceId });
        b.Property(c => c.Number).HasMaxLength(40);
        b.Property(c => c.SourceKind).HasMaxLength(20);
        b.Property(c => c.Currency).HasMaxLength(3);
        b.Property(c => c.Reason).HasMaxLength(500);
        b.HasOne<Invoice>().WithMany().HasForeignKey(c => new { c.TenantId, c.InvoiceId });
        b.HasOne<Refund>().WithMany().HasForeignKey(c => new { c.TenantId, c.RefundId });
    }

    public void Configure(EntityTypeBuilder<CreditNoteSequence> b)
    {
        b.HasKey(s => s.TenantId);
        b.Property(s => s.Prefix).HasMaxLength(20);
        b.Property(s => s.LastSequence).IsConcurrencyToken();
    }
}

/// <summary>
/// Issues the credit note of a refund of an invoiced payment, with the tenant's next credit note
/// number, in the transaction that records the refund (the payment locked): a refund that is not
/// recorded takes no number, and a refund is recorded once, so it has one credit note.
/// </summary>
public sealed class IssueCreditNote(IdGenerator ids, TimeProvider time, Microsoft.Extensions.Options.IOptions<InvoiceOptions> options)
{
    /// <returns>The credit note; null when the payment was never invoiced (a second payment for an order paid already).</returns>
    public async Task<CreditNote?> RunAsync(PaydeskDb db, Refund refund, CancellationToken ct)
    {
        // The invoice may be issued in this very transaction: a provider's first word of a charge can be a refund of it.
        var invoice = db.Invoices.Local.FirstOrDefault(i => i.PaymentId == refund.PaymentId)
            ?? await db.Invoices.FirstOrDefaultAsync(i => i.PaymentId == refund.PaymentId, ct);
        if (invoice is null) return null;
        var issued = db.CreditNotes.Local.FirstOrDefault(c => c.RefundId == refund.Id) ?? await db.CreditNotes.FirstOrDefaultAsync(c => c.RefundId == refund.Id, ct);
        if (issued is not null) return issued;

        var (prefix, sequence) = await DocumentNumbers.TakeAsync(db, DocumentNumbers.CreditNotes, options.Value.CreditNotePrefix, ct);
        var note = new CreditNote
        {
            TenantId = "", Id = ids.New("cn"), Number = $"{prefix}{sequence:D6}", Sequence = sequence,
            InvoiceId = invoice.Id, SourceKind = invoice.SourceKind, SourceId = invoice.SourceId, RefundId = refund.Id, PaymentId = refund.PaymentId, CustomerId = invoice.CustomerId,
            AmountMinor = refund.AmountMinor, Currency = refund.Currency, Reason = refund.Reason, IssuedAt = time.GetUtcNow(),
        };
        invoice.CreditedMinor += note.AmountMinor;
        db.CreditNotes.Add(note);
        return note;
    }
}
