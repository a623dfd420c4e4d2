using Microsoft.EntityFrameworkCore;
using Paydesk.Core;
using Paydesk.Jobs;
using Paydesk.Storage;

namespace Paydesk.Payments;

/// <summary>
/// Asks the provider for every refund it made on a payment and records those Paydesk has not:
/// the <c>sync-refunds</c> job, queued when a notification reports a refund without naming it, or
/// when the reconciler hears the payment is refunded. What still does not add up afterwards is
/// flagged for a person: more given back than Paydesk reserved, or less than it had recorded before
/// the provider was asked (a refund recorded since may have been made after the list was read).
/// </summary>
/// <remarks>
/// A provider that names no refunds (T-Bank) says only how much it gave back in all. What it gave
/// back beyond what Paydesk has recorded was made in its dashboard — but only once no refund Paydesk
/// asked for is still in flight, since such a refund may or may not be in the total yet: until
/// then the check waits. The difference is recorded as one refund named by what is left of the
/// payment after it, so hearing of it again records nothing.
/// </remarks>
public sealed class SyncRefunds(PaydeskDb db, ProviderRegistry providers, PaymentOutcomes outcomes, TimeProvider time)
{
    public const string JobKind = "sync-refunds";

    /// <summary>
    /// A check's subject: the payment, and the check's own id. Each report of a refund gets a check
    /// of its own — a check already running when another refund is reported may have read the
    /// provider's list before that refund was on it, so it cannot stand for the later one.
    /// </summary>
    public static string Subject(string paymentId, string checkId) => $"{paymentId}/{checkId}";

    public static string PaymentOf(string subject) => subject.Split('/', 2)[0];

    /// <summary>How long to wait for Paydesk's own refunds in flight before asking a provider that names no refunds again.</summary>
    public static readonly TimeSpan InFlightWait = TimeSpan.FromSeconds(3);

    /// <summary>Checks the payment's refunds; answers false when refunds in flight make it wait (ask again after <see cref="InFlightWait"/>).</summary>
    public async Task<bool> RunAsync(string paymentId, CancellationToken ct)
    {
        var seen = await db.Payments.AsNoTracking().FirstOrDefaultAsync(p => p.Id == paymentId, ct);
        if (seen is null) return true;
        var provider = providers.Find(seen.Provider)
            ?? throw new InvalidOperationException($"Provider {seen.Provider} is not enabled here; the refunds of {seen.Id} cannot be checked.");
        var account = await db.ProviderAccounts.AsNoTracking().FirstAsync(a => a.Id == seen.ProviderAccountId, ct);
        if (!await ItemizedOrSettledAsync(provider, paymentId, ct)) return false;
        // Asked outside any transaction; recorded with the payment locked.
        var askedAt = time.GetUtcNow();
        var refunds = await provider.GetRefundsAsync(account, seen, ct);

        return await db.InTransactionAsync(async () =>
        {
            var payment = (await db.LockedAsync<Payment>(paymentId, ct))!;
            var source = $"{provider.Name}'s list of refunds";
            // A total is only comparable with what Paydesk recorded before it was read: a refund started, or
            // settled, since then may or may not be in it.
            if (!refunds.Itemized && (await InFlightAsync(paymentId, ct)
                || await db.Refunds.AnyAsync(r => r.PaymentId == paymentId && r.SettledAt != null && r.SettledAt >= askedAt, ct))) return false;
            if (payment.Status is PaymentStatus.Succeeded or PaymentStatus.PartiallyRefunded or PaymentStatus.Refunded)
            {
                foreach (var refund in refunds.Refunds)
                    await outcomes.RecordReportedRefundAsync(payment, refund, source, ct);
                if (!refunds.Itemized && refunds.RefundedMinor > payment.RefundedMinor)
                {
                    var left = payment.AmountMinor - refunds.RefundedMinor;
                    await outcomes.RecordReportedRefundAsync(payment,
                        new ReportedRefund($"{provider.Name}:{payment.ProviderPaymentId}:left-{left}", refunds.RefundedMinor - payment.RefundedMinor, null),
                        $"{provider.Name}'s total refunded", ct);
                }
            }
            var atProvider = refunds.RefundedMinor;
            // Refunds Paydesk asked for and has not heard back about may be made already: only more than
            // that is a difference a person must look at. Less is one only against what Paydesk recorded
            // before the provider was asked — a refund recorded since, made while the answer was on its way,
            // is rightly not in it.
            long? recorded = atProvider > payment.RefundReservedMinor ? payment.RefundedMinor
                : atProvider < seen.RefundedMinor ? seen.RefundedMinor
                : null;
            if (recorded is { } differs)
                outcomes.Review(payment, $"{provider.Name} has refunded {Format(atProvider, payment)} of this payment; Paydesk has recorded " +
                    $"{Format(differs, payment)}. A person must match them.");
            await db.SaveChangesAsync(ct);
            return true;
        }, ct);
    }

    /// <summary>A provider that itemizes refunds can be asked any time; one that gives a total, once no refund of Paydesk's is in flight.</summary>
    private async Task<bool> ItemizedOrSettledAsync(IPaymentProvider provider, string paymentId, CancellationToken ct) =>
        provider is not INamesNoRefunds || !await InFlightAsync(paymentId, ct);

    private Task<bool> InFlightAsync(string paymentId, CancellationToken ct) =>
        db.Refunds.AnyAsync(r => r.PaymentId == paymentId && r.Status == RefundStatus.Requested, ct);

    private static string Format(long minor, Payment payment) => new Money(minor, Currency.Parse(payment.Currency)).ToString();
}

/// <summary>A provider whose refunds have no ids of their own: it tells only how much of a payment it gave back (T-Bank).</summary>
public interface INamesNoRefunds;

internal sealed class SyncRefundsJob : IJobHandler
{
    public string Kind => SyncRefunds.JobKind;

    public async Task<JobOutcome> RunAsync(JobRun run, IServiceProvider services, CancellationToken ct) =>
        await services.GetRequiredService<SyncRefunds>().RunAsync(SyncRefunds.PaymentOf(run.Payload), ct)
            ? JobOutcome.Done
            : JobOutcome.Later(services.GetRequiredService<TimeProvider>().GetUtcNow() + SyncRefunds.InFlightWait);
}
