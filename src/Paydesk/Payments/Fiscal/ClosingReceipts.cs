using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Paydesk.Core;
using Paydesk.Jobs;
using Paydesk.Storage;

namespace Paydesk.Payments.Fiscal;

public enum ClosingReceiptStatus { Pending, Sent, Failed }

/// <summary>
/// A <c>full_payment</c> receipt that closes part of what a payment prepaid, once that part is
/// delivered: one used session of a package (its share of the package's price). One per
/// (what was delivered, which part): a session given back and used again is not closed twice.
/// </summary>
public sealed class ClosingReceipt : IHasId
{
    public required string TenantId { get; set; }
    public required string Id { get; init; }
    public required string PaymentId { get; init; }
    /// <summary>What was prepaid and is now delivered, in part: an entitlement's id.</summary>
    public required string SubjectId { get; init; }
    /// <summary>The line of the purchase it was sold on.</summary>
    public required string LineId { get; init; }
    /// <summary>Which part: the session's number (1 to <see cref="Parts"/>).</summary>
    public int Part { get; init; }
    public int Parts { get; init; }
    public ClosingReceiptStatus Status { get; set; }
    public long? AmountMinor { get; set; }
    /// <summary>The receipt's own number, for a provider that wants one (Robokassa's <c>id</c>), given when it is queued.</summary>
    public long? Number { get; init; }
    public int Attempts { get; set; }
    public string? Error { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? SentAt { get; set; }
}

internal sealed class ClosingReceiptConfiguration : IEntityTypeConfiguration<ClosingReceipt>
{
    public void Configure(EntityTypeBuilder<ClosingReceipt> b)
    {
        b.ToTable("closing_receipts");
        b.HasKey(r => new { r.TenantId, r.Id });
        b.HasIndex(r => new { r.TenantId, r.SubjectId, r.Part }).IsUnique();
        b.HasIndex(r => new { r.TenantId, r.PaymentId });
        b.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(r => r.Error).HasMaxLength(500);
    }
}

/// <summary>A provider that sends receipts closing what an earlier payment prepaid (T-Bank's <c>SendClosingReceipt</c>, Robokassa's second receipt).</summary>
public interface IClosingReceiptProvider
{
    /// <summary>
    /// Whether the provider takes one closing receipt per payment (Robokassa: two receipts per
    /// operation at most), sent when all the payment prepaid is delivered, rather than one per part
    /// delivered (T-Bank, per session used).
    /// </summary>
    bool ClosesOncePerPayment { get; }

    Task SendClosingReceiptAsync(ProviderAccount account, Payment payment, ClosingReceipt closing, ReceiptRequest receipt, CancellationToken ct);
}

/// <summary>
/// Closes prepaid services with <c>full_payment</c> receipts as they are delivered (54-FZ): a
/// package's session used queues one, in the transaction that uses it; the
/// <c>send-closing-receipt</c> job sends it through the provider the package was paid through,
/// if that provider takes closing receipts and the tenant sends receipts. The sessions' shares of
/// the line's amount are allocated with <see cref="Money.Allocate"/>, so the closing receipts of a
/// whole package add up to exactly what its line was paid.
/// </summary>
public sealed class ClosingReceipts(PaydeskDb db, ProviderRegistry providers, JobQueue jobs, IdGenerator ids, TimeProvider time,
    IEnumerable<IPaymentPurpose> purposes, Receipts receipts, ILogger<ClosingReceipts> log)
{
    public const string JobKind = "send-closing-receipt";

    /// <summary>The <see cref="ClosingReceipt.Part"/> of a receipt that closes everything its payment prepaid (its subject is the payment).</summary>
    public const int WholePayment = 0;

    /// <summary>
    /// Part <paramref name="part"/> of <paramref name="parts"/> of what <paramref name="subjectId"/>
    /// (sold on line <paramref name="lineId"/> of what the payment for <paramref name="purpose"/> paid)
    /// was delivered. Queued unless it was before, or the purchase was not paid through a provider
    /// that closes receipts, or the tenant sends none. Runs in the caller's transaction.
    /// </summary>
    /// <param name="restDelivered">
    /// Whether everything else the purchase prepaid is delivered too (the caller knows what it sold),
    /// asked with the payment locked, for a provider that closes a payment once.
    /// </param>
    public async Task DeliveredAsync(string purpose, string subjectId, string lineId, int part, int parts, Func<Task<bool>> restDelivered, CancellationToken ct)
    {
        var tenant = await db.Tenants.AsNoTracking().Where(t => t.Id == db.Tenant.TenantId).Select(t => t.Taxation).FirstOrDefaultAsync(ct);
        if (tenant is null) return;
        var payment = await db.Payments.AsNoTracking()
            .Where(p => p.Purpose == purpose && (p.Status == PaymentStatus.Succeeded || p.Status == PaymentStatus.PartiallyRefunded))
            .OrderBy(p => p.SettledAt).FirstOrDefaultAsync(ct);
        var provider = payment is null ? null : providers.Find(payment.Provider);
        if (payment is null || provider is not IClosingReceiptProvider closes) return;
        if (closes.ClosesOncePerPayment)
        {
            // One receipt closes all the payment prepaid: sent when the last of its packages is used up.
            if (part < parts) return;
            // Locked: the last sessions of two packages of one purchase, used at once, each see the other done
            // only if one waits for the other.
            await db.LockedAsync<Payment>(payment.Id, ct);
            if (!await restDelivered()) return;
            (subjectId, lineId, part, parts) = (payment.Id, "", WholePayment, 1);
        }
        if (await db.ClosingReceipts.AnyAsync(r => r.SubjectId == subjectId && r.Part == part, ct)) return;
        var receipt = new ClosingReceipt
        {
            TenantId = "", Id = ids.New("crc"), PaymentId = payment.Id, SubjectId = subjectId, LineId = lineId, Part = part, Parts = parts,
            Status = ClosingReceiptStatus.Pending, CreatedAt = time.GetUtcNow(),
            Number = provider is INumbersPayments ? await ProviderNumbers.NextAsync(db, payment.ProviderAccountId, ct) : null,
        };
        db.ClosingReceipts.Add(receipt);
        jobs.Add(db, JobKind, receipt.Id);
    }

    /// <summary>
    /// What <paramref name="subjectId"/> prepaid ended with <paramref name="used"/> of its
    /// <paramref name="parts"/> parts used (a package that expired): the parts never used are closed
    /// too, since the service is over — one receipt each at a provider that closes part by part, the
    /// whole payment's at one that closes it once. Runs in the caller's transaction.
    /// </summary>
    public async Task EndedAsync(string purpose, string subjectId, string lineId, int used, int parts, Func<Task<bool>> restDelivered, CancellationToken ct)
    {
        for (var part = used + 1; part <= parts; part++)
            await DeliveredAsync(purpose, subjectId, lineId, part, parts, restDelivered, ct);
    }

    /// <summary>Sends one closing receipt; answers null when it is sent or will not be, else the trouble that is worth another try.</summary>
    public async Task<string?> SendAsync(string receiptId, CancellationToken ct)
    {
        var receipt = await db.ClosingReceipts.FirstOrDefaultAsync(r => r.Id == receiptId, ct);
        if (receipt is null || receipt.Status != ClosingReceiptStatus.Pending) return null;
        var payment = await db.Payments.AsNoTracking().FirstAsync(p => p.Id == receipt.PaymentId, ct);
        var account = await db.ProviderAccounts.AsNoTracking().FirstAsync(a => a.Id == payment.ProviderAccountId, ct);
        var tax = await receipts.TaxSettingsAsync(ct);
        var closing = tax is null ? null : await ClosingAsync(payment, receipt, tax.Value.Vat, ct);
        if (closing is null || providers.Find(payment.Provider) is not IClosingReceiptProvider provider)
            return await Finish(receipt, ClosingReceiptStatus.Failed, "the tenant no longer sends receipts, or the line or provider is gone");

        receipt.AmountMinor = closing.Total.Minor;
        receipt.Attempts++;
        try
        {
            await provider.SendClosingReceiptAsync(account, payment, receipt, await receipts.ForCustomerAsync(closing, tax!.Value.Taxation, payment.CustomerId, ct), ct);
        }
        catch (Exception e) when (ProviderErrors.Classify(e) is { } failure)
        {
            var trouble = $"{ProviderErrors.Describe(failure, payment.Provider)}: {e.Message}";
            log.LogWarning("Closing receipt {ReceiptId} of payment {PaymentId}: {Trouble}", receipt.Id, payment.Id, trouble);
            if (ProviderErrors.WorthRetrying(failure))
            {
                receipt.Error = Api.Text.Cut(trouble, 500);
                await db.SaveChangesAsync(ct);
                return trouble;
            }
            return await Finish(receipt, ClosingReceiptStatus.Failed, trouble);
        }
        receipt.SentAt = time.GetUtcNow();
        return await Finish(receipt, ClosingReceiptStatus.Sent, null);
    }

    /// <summary>
    /// What the receipt closes, as <c>full_payment</c>: this part's share of its line (the shares of
    /// all parts adding up to the line exactly), or every prepaid line of the payment; null when
    /// there is nothing to close.
    /// </summary>
    private async Task<FiscalReceipt?> ClosingAsync(Payment payment, ClosingReceipt receipt, FiscalVat vat, CancellationToken ct)
    {
        var currency = Currency.Parse(payment.Currency);
        var purpose = purposes.Of(payment.Purpose);
        if (receipt.Part == WholePayment)
        {
            var prepaid = (await purpose.ReceiptLinesAsync(db, payment.Purpose, vat, ct)).Where(l => l.Method == FiscalPaymentMethod.FullPrepayment).ToList();
            return prepaid.Count == 0 ? null : FiscalReceipt.For(new Money(prepaid.Sum(l => l.AmountMinor), currency), prepaid).Closing();
        }
        var line = await purpose.ReceiptLineAsync(db, payment.Purpose, receipt.LineId, vat, ct);
        if (line is null) return null;
        var share = new Money(line.AmountMinor, currency).Allocate([.. Enumerable.Repeat(1L, receipt.Parts)])[receipt.Part - 1];
        return FiscalReceipt.For(share, [line with { Quantity = 1, AmountMinor = share.Minor, Method = FiscalPaymentMethod.FullPayment }]);
    }

    private async Task<string?> Finish(ClosingReceipt receipt, ClosingReceiptStatus status, string? error)
    {
        receipt.Status = status;
        receipt.Error = Api.Text.Cut(error, 500);
        await db.SaveChangesAsync(CancellationToken.None);
        return null;
    }
}

/// <summary>The tenant's VAT rate as the receipts take it.</summary>
public static class FiscalVats
{
    public static FiscalVat Of(string? vat) => vat switch { "vat0" => FiscalVat.Vat0, "vat10" => FiscalVat.Vat10, "vat20" => FiscalVat.Vat20, _ => FiscalVat.None };

    /// <summary>The VAT included in an amount at the rate (20/120, 10/110), in minor units, half away from zero.</summary>
    public static long Included(long amountMinor, FiscalVat vat) => vat switch
    {
        FiscalVat.Vat20 => (long)Math.Round(amountMinor * 20m / 120m, MidpointRounding.AwayFromZero),
        FiscalVat.Vat10 => (long)Math.Round(amountMinor * 10m / 110m, MidpointRounding.AwayFromZero),
        _ => 0,
    };
}

/// <summary>The <c>send-closing-receipt</c> job: retried while the provider cannot be reached.</summary>
internal sealed class SendClosingReceiptJob : IJobHandler
{
    public string Kind => ClosingReceipts.JobKind;

    public async Task<JobOutcome> RunAsync(JobRun run, IServiceProvider services, CancellationToken ct) =>
        await services.GetRequiredService<ClosingReceipts>().SendAsync(run.Payload, ct) is { } trouble ? JobOutcome.Failed(trouble) : JobOutcome.Done;
}
