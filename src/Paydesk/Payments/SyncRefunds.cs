using Microsoft.EntityFrameworkCore;
using Paydesk.Core;
using Paydesk.Jobs;
using Paydesk.Storage;

namespace Paydesk.Payments;

/// <summary>
/// Asks the provider for every refund it made on a payment and records those Paydesk has not:
/// the <c>sync-refunds</c> job, queued when a notification reports a refund without naming it, or
/// when the reconciler hears the payment is refunded. What still does not add up afterwards is
/// flagged for a person.
/// </summary>
public sealed class SyncRefunds(PaydeskDb db, ProviderRegistry providers, PaymentOutcomes outcomes)
{
    public const string JobKind = "sync-refunds";

    public async Task RunAsync(string paymentId, CancellationToken ct)
    {
        var seen = await db.Payments.AsNoTracking().FirstOrDefaultAsync(p => p.Id == paymentId, ct);
        if (seen is null) return;
        var provider = providers.Find(seen.Provider)
            ?? throw new InvalidOperationException($"Provider {seen.Provider} is not enabled here; the refunds of {seen.Id} cannot be checked.");
        var account = await db.ProviderAccounts.AsNoTracking().FirstAsync(a => a.Id == seen.ProviderAccountId, ct);
        // Asked outside any transaction; recorded with the payment locked.
        var refunds = await provider.GetRefundsAsync(account, seen, ct);

        await db.InTransactionAsync(async () =>
        {
            var payment = (await db.LockedAsync<Payment>(paymentId, ct))!;
            var source = $"{provider.Name}'s list of refunds";
            if (payment.Status is PaymentStatus.Succeeded or PaymentStatus.PartiallyRefunded or PaymentStatus.Refunded)
                foreach (var refund in refunds.Refunds)
                    await outcomes.RecordReportedRefundAsync(payment, refund, source, ct);
            var atProvider = refunds.RefundedMinor;
            // Refunds Paydesk asked for and has not heard back about may be made already: only more than
            // that, or less than Paydesk has recorded, is a difference a person must look at.
            if (atProvider > payment.RefundReservedMinor || atProvider < payment.RefundedMinor)
                outcomes.Review(payment, $"{provider.Name} has refunded {Format(atProvider, payment)} of this payment; Paydesk has recorded " +
                    $"{Format(payment.RefundedMinor, payment)}. A person must match them.");
            await db.SaveChangesAsync(ct);
            return true;
        }, ct);
    }

    private static string Format(long minor, Payment payment) => new Money(minor, Currency.Parse(payment.Currency)).ToString();
}

internal sealed class SyncRefundsJob : IJobHandler
{
    public string Kind => SyncRefunds.JobKind;

    public async Task<JobOutcome> RunAsync(JobRun run, IServiceProvider services, CancellationToken ct)
    {
        await services.GetRequiredService<SyncRefunds>().RunAsync(run.Payload, ct);
        return JobOutcome.Done;
    }
}
