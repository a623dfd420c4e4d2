using Microsoft.EntityFrameworkCore;
using Paydesk.Core;
using Paydesk.Jobs;
using Paydesk.Storage;

namespace Paydesk.Payments;

/// <summary>
/// Charges a payment method a customer let a provider keep, for something that recurs (a
/// subscription's period), in two steps like a checkout: the payment is recorded in the caller's
/// transaction (<see cref="AddAsync"/>), with the reconciler's first check; then <see cref="RunAsync"/>
/// calls the provider outside any transaction under the payment's idempotency key and records the
/// answer. A run again after a crash calls again with the same key, and each provider asks first
/// (T-Bank's CheckOrder, Robokassa's OpStateExt) or answers the first charge again (Stripe's and
/// the Mock's idempotency keys): the card is charged once. No answer leaves the payment
/// <c>unknown</c> for the reconciler.
/// </summary>
public sealed class ChargeSavedMethod(
    PaydeskDb db, ProviderRegistry providers, PaymentOutcomes outcomes, IdGenerator ids, JobQueue jobs, TimeProvider time, FaultPoints faults,
    Fiscal.Receipts receipts, ILogger<ChargeSavedMethod> log)
{
    /// <summary>
    /// Records the payment to charge, in the caller's transaction: <c>created</c>, its idempotency key given, and at a
    /// provider that knows payments by the shop's number (Robokassa) numbered from the account's counter.
    /// </summary>
    public async Task<Payment> AddAsync(PaydeskDb unit, string purpose, string customerId, Money amount, ProviderAccount account, string idempotencyKey, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var payment = new Payment
        {
            TenantId = "", Id = ids.New("pay"), Purpose = purpose, CustomerId = customerId, AmountMinor = amount.Minor, Currency = amount.Currency.Code,
            Status = PaymentStatus.Created, Provider = account.Provider, ProviderAccountId = account.Id, IdempotencyKey = idempotencyKey,
            CreatedAt = now, UpdatedAt = now,
        };
        if (providers.Find(account.Provider) is INumbersPayments)
            payment.ProviderPaymentId = (await ProviderNumbers.NextAsync(unit, account.Id, ct)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        unit.Payments.Add(payment);
        jobs.Add(unit, ReconcilePayment.JobKind, payment.Id, now + ReconcilePayment.Schedule[0]);
        outcomes.Log(payment, OperationKind.Request, $"charge the kept payment method {amount} at {account.Provider}");
        return payment;
    }

    /// <summary>
    /// Charges a payment still <c>created</c> (one answered already is left as it is) to the newest method its
    /// customer keeps at its provider account, and records the answer; with no method kept it fails: nothing to charge.
    /// </summary>
    public async Task<Payment> RunAsync(string paymentId, CancellationToken ct)
    {
        var payment = await db.Payments.AsNoTracking().FirstAsync(p => p.Id == paymentId, ct);
        return payment.Status == PaymentStatus.Created ? await RunAsync(payment, null, ct) : payment;
    }

    /// <summary>
    /// <see cref="RunAsync(string, CancellationToken)"/> for a payment the caller has just recorded, or read <c>created</c> in
    /// its transaction, with its provider account when it has it: neither is read again before the provider is called.
    /// </summary>
    public async Task<Payment> RunAsync(Payment payment, ProviderAccount? account, CancellationToken ct)
    {
        var paymentId = payment.Id;
        var providerMethodId = await db.SavedMethods.AsNoTracking()
            .Where(m => m.CustomerId == payment.CustomerId && m.ProviderAccountId == payment.ProviderAccountId && m.RemovedAt == null)
            .OrderByDescending(m => m.CreatedAt).Select(m => m.ProviderMethodId).FirstOrDefaultAsync(ct);
        if (providerMethodId is null)
            return await outcomes.RecordAsync(paymentId, p => outcomes.ApplyAsync(p, PaymentStatus.Failed, null, null, "the customer has no payment method kept to charge", ct), ct);
        var provider = providers.Find(payment.Provider)
            ?? throw new InvalidOperationException($"Provider {payment.Provider} is not enabled here; payment {payment.Id} cannot be charged.");
        account ??= await db.ProviderAccounts.AsNoTracking().FirstAsync(a => a.Id == payment.ProviderAccountId, ct);
        // A charge sends its 54-FZ receipt as a checkout does (a period of a subscription, an upgrade's difference),
        // where the provider carries receipts: for another, the tenant's settings are not read on every renewal.
        var receipt = provider.SendsReceipts ? await receipts.ForAsync(payment.Purpose, payment.CustomerId, payment.Amount, ct) : null;
        ProviderChargeResult charged;
        try
        {
            charged = await provider.ChargeSavedMethodAsync(account, payment, providerMethodId, receipt, ct);
        }
        catch (Exception e) when (ProviderErrors.Classify(e) is { } failure)
        {
            var trouble = ProviderErrors.Describe(failure, provider.Name);
            log.LogWarning(e, "Charging payment {PaymentId}: {Trouble}", payment.Id, trouble);
            // Neither yes nor no: the reconciler asks later. Refused outright: nothing was charged.
            var status = ProviderErrors.MayHaveActed(failure) ? PaymentStatus.Unknown : PaymentStatus.Failed;
            return await outcomes.RecordAsync(paymentId, p => outcomes.ApplyAsync(p, status, null, null, trouble, CancellationToken.None), CancellationToken.None);
        }
        await faults.HitAsync(FaultPoints.AfterProviderCharge);
        return await outcomes.RecordAsync(paymentId, async p =>
        {
            p.ProviderPaymentId ??= charged.ProviderPaymentId;
            outcomes.Log(p, OperationKind.Response, $"{provider.Name} answered {charged.Status.ToApi()}{(charged.Error is { } error ? $": {error}" : "")}");
            await outcomes.ApplyAsync(p, charged.Status, null, null, charged.Error ?? $"charge of the kept method {charged.ProviderPaymentId}", CancellationToken.None);
        }, CancellationToken.None);
    }
}
