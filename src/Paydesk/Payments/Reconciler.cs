using Microsoft.EntityFrameworkCore;
using Paydesk.Core;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Payments;

/// <summary>
/// Settles payments whose outcome Paydesk does not know — a provider that did not answer, a
/// crash between the provider's answer and the commit, a notification that never came — by
/// asking the provider, on a backoff schedule. It never charges: it only asks.
/// </summary>
public sealed class ReconcilePayment(PaydeskDb db, ProviderRegistry providers, PaymentOutcomes outcomes, TimeProvider time, ILogger<ReconcilePayment> log)
{
    /// <summary>First check 5 minutes after the payment starts, then an hour later, then daily for a week.</summary>
    public static readonly TimeSpan[] Schedule =
    [
        TimeSpan.FromMinutes(5), TimeSpan.FromHours(1), TimeSpan.FromDays(1), TimeSpan.FromDays(1), TimeSpan.FromDays(1),
        TimeSpan.FromDays(1), TimeSpan.FromDays(1), TimeSpan.FromDays(1),
    ];

    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Answers the payment as it is afterwards, or null if there is none. A due check is claimed
    /// first, so two reconcilers never ask about one payment at once; <paramref name="now"/> asks
    /// even when no check is due (an admin pressing "check now").
    /// </summary>
    public async Task<Payment?> RunAsync(string paymentId, IServiceProvider services, CancellationToken ct, bool now = false)
    {
        var at = time.GetUtcNow();
        if (!now && await db.Payments.Where(p => p.Id == paymentId && p.NextCheckAt <= at)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.NextCheckAt, PaydeskDb.Stored(at + Lease)), ct) == 0)
            return await db.Payments.AsNoTracking().FirstOrDefaultAsync(p => p.Id == paymentId, ct);

        var seen = await db.Payments.AsNoTracking().FirstOrDefaultAsync(p => p.Id == paymentId, ct);
        if (seen is null) return null;
        var provider = providers.Find(seen.Provider);
        if (PaymentStates.IsSettled(seen.Status) || provider is null)
            return await SettleAsync(paymentId, null, null, services, ct);

        // Asked outside any transaction: nothing is locked while the provider thinks.
        var account = await db.ProviderAccounts.AsNoTracking().FirstAsync(a => a.Id == seen.ProviderAccountId, ct);
        ProviderPaymentState state;
        try
        {
            state = await provider.GetStateAsync(account, seen, ct);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or TaskCanceledException)
        {
            state = new ProviderPaymentState(PaymentStatus.Unknown, null, null);
            log.LogWarning(e, "Reconciling payment {PaymentId}: {Provider} did not answer", seen.Id, provider.Name);
        }
        return await SettleAsync(paymentId, provider, state, services, ct);
    }

    /// <summary>
    /// Records what the provider said, with the payment locked: a reconcile racing another, or a
    /// notification, finds the payment as the other left it and only adds what is new.
    /// </summary>
    private async Task<Payment> SettleAsync(string paymentId, IPaymentProvider? provider, ProviderPaymentState? state, IServiceProvider services, CancellationToken ct)
    {
        var (payment, outcome) = await db.InTransactionAsync(async () =>
        {
            var payment = (await db.LockedAsync<Payment>(paymentId, ct))!;
            if (PaymentStates.IsSettled(payment.Status) || provider is null || state is null)
            {
                // Settled meanwhile, or its provider is not enabled here: nothing to ask about now.
                if (PaymentStates.IsSettled(payment.Status)) payment.NextCheckAt = null;
                await db.SaveChangesAsync(ct);
                return (payment, "already");
            }

            if (payment.Status == PaymentStatus.Created)
                // The provider was called, but no answer was ever recorded (a crash, most likely).
                await outcomes.ApplyAsync(payment, PaymentStatus.Unknown, null, null, "reconciler: no answer from the provider was recorded", ct);

            outcomes.Log(payment, OperationKind.Request, $"asked {provider.Name} for the payment's state (check {payment.CheckAttempts + 1})");
            outcomes.Log(payment, OperationKind.Response, $"{provider.Name} says {state.Status.ToApi()}");
            var reported = state.Status is PaymentStatus.PartiallyRefunded or PaymentStatus.Refunded
                // Refunds made outside Paydesk are for a person to match; the charge itself did succeed.
                ? PaymentStatus.Succeeded
                : state.Status;
            var outcome = PaymentStates.IsSettled(reported)
                ? await outcomes.ApplyAsync(payment, reported, state.AmountMinor, state.Currency, "reconciler", ct)
                : "unsettled";

            if (!PaymentStates.IsSettled(payment.Status) && outcome != "amount_mismatch")
            {
                payment.Revision++;
                payment.CheckAttempts++;
                if (payment.CheckAttempts < Schedule.Length)
                {
                    payment.NextCheckAt = time.GetUtcNow() + Schedule[payment.CheckAttempts];
                }
                else
                {
                    payment.NextCheckAt = null;
                    payment.ReviewReason = $"{provider.Name} could not say what became of this payment after {payment.CheckAttempts} checks; a person must look.";
                    outcomes.Log(payment, OperationKind.Review, payment.ReviewReason);
                }
            }
            else
            {
                payment.NextCheckAt = null;
            }
            await db.SaveChangesAsync(ct);
            return (payment, outcome);
        }, ct);
        if (outcome == PaymentOutcomes.Applied) await outcomes.AfterCommitAsync(services, payment, ct);
        return payment;
    }
}

/// <summary>Runs the reconciler over due payments, across tenants.</summary>
internal sealed class Reconciler(IServiceScopeFactory scopes, TimeProvider time, ILogger<Reconciler> log) : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromMinutes(1);

    public static Task<int> RunDueAsync(IServiceScopeFactory scopes, DateTimeOffset now, CancellationToken ct) =>
        Jobs.DueWork.ForEachAsync(scopes,
            db => db.Payments.IgnoreQueryFilters()
                .Where(p => p.NextCheckAt <= now
                            && (p.Status == PaymentStatus.Created || p.Status == PaymentStatus.Pending || p.Status == PaymentStatus.Unknown))
                .OrderBy(p => p.NextCheckAt).Select(p => new Jobs.DueRow(p.TenantId, p.Id)),
            async (services, id) =>
            {
                var payment = await services.GetRequiredService<ReconcilePayment>().RunAsync(id, services, ct);
                return payment is not null && PaymentStates.IsSettled(payment.Status);
            }, ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Jobs.Periodic.RunAsync(time, Every, async ct =>
        {
            var settled = await RunDueAsync(scopes, time.GetUtcNow(), ct);
            if (settled > 0) log.LogInformation("Reconciled {Count} payments", settled);
        }, log, stoppingToken);
    }
}
