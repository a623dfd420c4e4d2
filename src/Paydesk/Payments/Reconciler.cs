using Microsoft.EntityFrameworkCore;
using Paydesk.Core;
using Paydesk.Jobs;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Payments;

/// <summary>
/// Settles payments whose outcome Paydesk does not know — a provider that did not answer, a
/// crash between the provider's answer and the commit, a notification that never came — by
/// asking the provider, on a backoff schedule. It never charges: it only asks.
/// </summary>
public sealed class ReconcilePayment(
    PaydeskDb db, ProviderRegistry providers, PaymentOutcomes outcomes, SyncRefunds refunds, TimeProvider time, ILogger<ReconcilePayment> log)
{
    /// <summary>First check 5 minutes after the payment starts, then an hour later, then daily for a week.</summary>
    public static readonly TimeSpan[] Schedule =
    [
        TimeSpan.FromMinutes(5), TimeSpan.FromHours(1), TimeSpan.FromDays(1), TimeSpan.FromDays(1), TimeSpan.FromDays(1),
        TimeSpan.FromDays(1), TimeSpan.FromDays(1), TimeSpan.FromDays(1),
    ];

    public const string JobKind = "reconcile-payment";

    /// <summary>
    /// Asks the provider about the payment now, unless it is settled already, and records the
    /// answer; the <c>reconcile-payment</c> job calls it when a check is due, an admin's "check now"
    /// whenever. Answers the payment as it is afterwards and when to ask next (null: no more), or
    /// null if there is no such payment.
    /// </summary>
    public async Task<Reconciled?> RunAsync(string paymentId, CancellationToken ct)
    {
        var seen = await db.Payments.AsNoTracking().FirstOrDefaultAsync(p => p.Id == paymentId, ct);
        if (seen is null) return null;
        if (PaymentStates.IsSettled(seen.Status)) return new Reconciled(seen, null);
        var provider = providers.Find(seen.Provider)
            ?? throw new InvalidOperationException($"Provider {seen.Provider} is not enabled here; payment {seen.Id} cannot be checked.");

        // Asked outside any transaction: nothing is locked while the provider thinks.
        var account = await db.ProviderAccounts.AsNoTracking().FirstAsync(a => a.Id == seen.ProviderAccountId, ct);
        ProviderPaymentState state;
        try
        {
            state = await provider.GetStateAsync(account, seen, ct);
        }
        catch (Exception e) when (ProviderErrors.Classify(e) is { } failure)
        {
            state = new ProviderPaymentState(PaymentStatus.Unknown, null, null);
            log.LogWarning(e, "Reconciling payment {PaymentId}: {Trouble}", seen.Id, ProviderErrors.Describe(failure, provider.Name));
        }
        return await SettleAsync(paymentId, provider, state, ct);
    }

    /// <summary>
    /// A person's "check now": <see cref="RunAsync"/>, and for a paid payment also the refunds the
    /// provider made that Paydesk has not heard of (a provider that sends no word of refunds made
    /// in its dashboard, such as Robokassa, is found out this way). Null if there is no such payment.
    /// </summary>
    public async Task<Reconciled?> CheckNowAsync(string paymentId, CancellationToken ct)
    {
        var reconciled = await RunAsync(paymentId, ct);
        if (reconciled?.Payment.Status is not (PaymentStatus.Succeeded or PaymentStatus.PartiallyRefunded)) return reconciled;
        // A unit of work of its own: what the check read (a refund it requested, the order) may have moved since.
        db.ChangeTracker.Clear();
        try
        {
            // False: refunds of Paydesk's own are in flight, and their job checks again when they settle.
            await refunds.RunAsync(paymentId, ct);
        }
        catch (Exception e) when (ProviderErrors.Classify(e) is { } failure)
        {
            log.LogWarning(e, "Checking the refunds of payment {PaymentId}: {Trouble}", paymentId, ProviderErrors.Describe(failure, reconciled.Payment.Provider));
        }
        return new Reconciled(await db.Payments.AsNoTracking().FirstAsync(p => p.Id == paymentId, ct), null);
    }

    /// <summary>
    /// Records what the provider said, with the payment locked: a reconcile racing another, or a
    /// notification, finds the payment as the other left it and only adds what is new.
    /// </summary>
    private Task<Reconciled> SettleAsync(string paymentId, IPaymentProvider provider, ProviderPaymentState state, CancellationToken ct) =>
        db.InTransactionAsync(async () =>
        {
            var payment = (await db.LockedAsync<Payment>(paymentId, ct))!;
            // Settled meanwhile, by a notification or another check.
            if (PaymentStates.IsSettled(payment.Status)) return new Reconciled(payment, null);

            if (payment.Status == PaymentStatus.Created)
                // The provider was called, but no answer was ever recorded (a crash, most likely).
                await outcomes.ApplyAsync(payment, PaymentStatus.Unknown, null, null, "reconciler: no answer from the provider was recorded", ct);

            outcomes.Log(payment, OperationKind.Request, $"asked {provider.Name} for the payment's state (check {payment.CheckAttempts + 1})");
            outcomes.Log(payment, OperationKind.Response, $"{provider.Name} says {state.Status.ToApi()}");
            var outcome = state.Status is PaymentStatus.PartiallyRefunded or PaymentStatus.Refunded
                // The charge succeeded, and the provider gave some back: the refunds are asked for one by one.
                ? await outcomes.ApplyRefundReportAsync(payment, state.AmountMinor ?? payment.AmountMinor, state.Currency ?? payment.Currency, null, "reconciler", ct)
                : PaymentStates.IsSettled(state.Status)
                    ? await outcomes.ApplyAsync(payment, state.Status, state.AmountMinor, state.Currency, "reconciler", ct)
                    : "unsettled";

            DateTimeOffset? next = null;
            if (!PaymentStates.IsSettled(payment.Status) && outcome != "amount_mismatch")
            {
                payment.Revision++;
                payment.CheckAttempts++;
                if (payment.CheckAttempts < Schedule.Length)
                {
                    next = time.GetUtcNow() + Schedule[payment.CheckAttempts];
                }
                else
                {
                    payment.ReviewReason = $"{provider.Name} could not say what became of this payment after {payment.CheckAttempts} checks; a person must look.";
                    outcomes.Log(payment, OperationKind.Review, payment.ReviewReason);
                }
            }
            await db.SaveChangesAsync(ct);
            return new Reconciled(payment, next);
        }, ct);
}

/// <summary>A payment after a check, and when to check it next (null: settled, or left to a person).</summary>
public sealed record Reconciled(Payment Payment, DateTimeOffset? NextCheckAt);

/// <summary>The <c>reconcile-payment</c> job: queued with each payment, due again after each check that settles nothing.</summary>
internal sealed class ReconcilePaymentJob : IJobHandler
{
    public string Kind => ReconcilePayment.JobKind;

    public async Task<JobOutcome> RunAsync(JobRun run, IServiceProvider services, CancellationToken ct) =>
        await services.GetRequiredService<ReconcilePayment>().RunAsync(run.Payload, ct) is { NextCheckAt: { } next }
            ? JobOutcome.Later(next)
            : JobOutcome.Done;
}
