using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Core;
using Paydesk.Jobs;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Payments;

public sealed record RefundInput(MoneyInput? Amount, string? Reason);

public sealed record RefundView(
    string Id, string PaymentId, string Status, MoneyView Amount, string Reason, string Origin, bool Automatic, string? ProviderRefundId,
    string? Error, DateTimeOffset CreatedAt, DateTimeOffset? SettledAt)
{
    public static RefundView From(Refund r) => new(
        r.Id, r.PaymentId, r.Status.ToString().ToLowerInvariant(), MoneyView.From(r.AmountMinor, r.Currency), r.Reason,
        r.Origin.ToString().ToLowerInvariant(), r.Origin == RefundOrigin.Automatic, r.ProviderRefundId, r.Error, r.CreatedAt, r.SettledAt);
}

/// <summary>
/// An admin gives money back, all of it or part: recorded first, then carried out at the provider.
/// What may still be refunded is decided with the payment's row locked, so concurrent requests
/// cannot together promise back more than the payment took; the one that finds too little left
/// gets a conflict.
/// </summary>
public sealed class RequestRefund(PaydeskDb db, PaymentOutcomes outcomes, IdempotencyContext request)
{
    public async Task<Result<Refund>> Run(string paymentId, RefundInput input, CancellationToken ct)
    {
        var seen = await db.Payments.AsNoTracking().FirstOrDefaultAsync(p => p.Id == paymentId, ct);
        if (seen is null) return Problem.NotFound("payment", paymentId);
        // A retry of a request that died after asking: the same refund, not a second one.
        if (request.Key is { } key && await db.Refunds.AsNoTracking().FirstOrDefaultAsync(r => r.PaymentId == paymentId && r.RequestKey == key, ct) is { } asked)
            return asked;
        if (seen.Status is not (PaymentStatus.Succeeded or PaymentStatus.PartiallyRefunded))
            return Problem.Conflict($"The payment is {seen.Status.ToApi()}; only a succeeded payment can be refunded.");

        var errors = new FieldErrors();
        var refundable = Math.Max(0, seen.AmountMinor - seen.RefundReservedMinor);
        if (input.Amount is null && refundable <= 0)
            return Problem.Conflict(NothingLeft(seen));
        var amount = input.Amount is null ? refundable : errors.Price("amount", input.Amount, seen.Amount.Currency)?.Minor ?? 0;
        var reason = errors.OptionalText("reason", input.Reason, 500) ?? "Refunded by the merchant";
        if (!errors.Any && (amount <= 0 || amount > refundable))
            errors.Add("amount.amount",
                $"must be between 1 and {refundable} minor units: what is left of the payment after refunds already made or requested.");
        if (errors.Any) return errors.ToProblem();

        return await db.InTransactionAsync<Result<Refund>>(async () =>
        {
            var payment = (await db.LockedAsync<Payment>(paymentId, ct))!;
            // The same request twice at once (a form sent twice): the lock makes them take turns, and the second finds the first's refund.
            if (request.Key is { } sameKey && await db.Refunds.AsNoTracking().FirstOrDefaultAsync(r => r.PaymentId == paymentId && r.RequestKey == sameKey, ct) is { } first)
                return first;
            // Another request got here first with the lock and took some or all of what was left.
            if (payment.AmountMinor - payment.RefundReservedMinor < amount)
                return Problem.Conflict($"Another refund of this payment was requested meanwhile. {NothingLeft(payment)} Read the payment again.");
            // Carried out by the request itself right after this commits; if the request dies first, a worker does it.
            var refund = outcomes.AddRefund(payment, amount, reason, RefundOrigin.Merchant, carriedOutIn: ExecuteRefund.Grace, requestKey: request.Key);
            await db.SaveChangesAsync(ct);
            return refund;
        }, ct);
    }

    private static string NothingLeft(Payment p) =>
        $"{MoneyView.From(p.RefundReservedMinor, p.Currency).Display} of {p.Amount} is refunded or being refunded; {MoneyView.From(Math.Max(0, p.AmountMinor - p.RefundReservedMinor), p.Currency).Display} is left.";
}

/// <summary>
/// Carries out a requested refund at the provider: the <c>execute-refund</c> job, which one worker
/// holds at a time. The refund's id is the provider's idempotency key, so asking again after a
/// crash refunds once. What the provider answered is recorded with the payment locked and only
/// while the refund is still requested, so it is recorded once even when a notification of the
/// same refund races it.
/// </summary>
public sealed class ExecuteRefund(
    PaydeskDb db, ProviderRegistry providers, PaymentOutcomes outcomes, FaultPoints faults, Fiscal.Receipts receipts, ILogger<ExecuteRefund> log)
{
    public const string JobKind = "execute-refund";

    /// <summary>A request that asked for a refund carries it out itself; a worker takes over if it has not after this long.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan[] Backoff = [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10), TimeSpan.FromHours(1), TimeSpan.FromHours(6)];

    /// <summary>Asks the provider to make the refund, unless it is made or failed already; answers the refund as it is afterwards.</summary>
    /// <param name="mayHaveBeenSent">
    /// An earlier run may have asked the provider and lost its answer. Then a refund that refunds
    /// reported since leave no room for is asked about all the same (with its own key, so nothing is
    /// made twice): it may have been made, and that must be found out, not assumed away.
    /// </param>
    public async Task<Refund> RunAsync(string refundId, bool lastAttempt, bool mayHaveBeenSent, CancellationToken ct)
    {
        var refund = await db.Refunds.AsNoTracking().FirstAsync(r => r.Id == refundId, ct);
        if (refund.Status != RefundStatus.Requested) return refund;
        var payment = await db.Payments.AsNoTracking().FirstAsync(p => p.Id == refund.PaymentId, ct);
        if (!mayHaveBeenSent && !PaymentOutcomes.StillFits(payment, refund)) return await DropAsync(refundId, payment.Id, ct);
        var account = await db.ProviderAccounts.AsNoTracking().FirstAsync(a => a.Id == payment.ProviderAccountId, ct);
        var provider = providers.Find(payment.Provider)
            ?? throw new InvalidOperationException($"Provider {payment.Provider} is not enabled; refund {refund.Id} waits.");

        ProviderRefundResult result;
        try
        {
            var receipt = await receipts.ForAsync(payment.Purpose, payment.CustomerId, new Money(refund.AmountMinor, Currency.Parse(refund.Currency)), ct);
            result = await provider.RefundAsync(account, payment, refund, receipt, ct);
        }
        catch (Exception e) when (ProviderErrors.Classify(e) is { } failure)
        {
            var said = $"{ProviderErrors.Describe(failure, provider.Name)}: {e.Message}";
            result = ProviderErrors.RefundOutcomeOf(failure) == RefundOutcome.Refused ? ProviderRefundResult.No(said) : ProviderRefundResult.NoAnswer(said);
        }
        await faults.HitAsync(FaultPoints.AfterProviderRefund);

        return await db.InTransactionAsync(async () =>
        {
            var locked = (await db.LockedAsync<Payment>(payment.Id, ct))!;
            var current = await db.FreshAsync<Refund>(refundId, ct);
            outcomes.Log(locked, OperationKind.Request, $"refund {refund.Id} of {MoneyView.From(refund.AmountMinor, refund.Currency).Display} sent to {provider.Name}");
            if (current.Status != RefundStatus.Requested)
            {
                // Recorded meanwhile, from the provider's notification of this very refund.
                outcomes.Log(locked, OperationKind.Response, $"refund {refund.Id}: {provider.Name} answered {result.Outcome.ToString().ToLowerInvariant()}; already recorded as {current.Status.ToString().ToLowerInvariant()}");
                await db.SaveChangesAsync(ct);
                return current;
            }
            current.Attempts++;
            switch (result.Outcome)
            {
                case RefundOutcome.Succeeded:
                    outcomes.Log(locked, OperationKind.Response, $"refund {refund.Id} done at {provider.Name} ({result.ProviderRefundId})");
                    await outcomes.RecordRefundAsync(locked, current, result.ProviderRefundId, ct);
                    break;
                case RefundOutcome.Refused:
                    outcomes.Log(locked, OperationKind.Response, $"refund {refund.Id} refused by {provider.Name}: {result.Error}");
                    outcomes.FailRefund(locked, current, result.Error ?? "refused");
                    break;
                default:
                    outcomes.Log(locked, OperationKind.Response, $"refund {refund.Id}: no answer from {provider.Name}: {result.Error}");
                    current.Error = Cut(result.Error);
                    if (lastAttempt)
                    {
                        // The money may have gone back: it stays promised until someone finds out.
                        locked.ReviewReason = $"Refund {current.Id}: {provider.Name} did not answer {current.Attempts} times; ask the provider whether it was made.";
                        outcomes.Log(locked, OperationKind.Review, locked.ReviewReason);
                    }
                    log.LogWarning("Refund {RefundId} of payment {PaymentId}: no answer from {Provider}", current.Id, locked.Id, provider.Name);
                    break;
            }
            await db.SaveChangesAsync(ct);
            return current;
        }, ct);
    }

    /// <summary>A refund that refunds made at the provider have left no room for: failed, unless it was recorded meanwhile.</summary>
    private Task<Refund> DropAsync(string refundId, string paymentId, CancellationToken ct) =>
        db.InTransactionAsync(async () =>
        {
            var locked = (await db.LockedAsync<Payment>(paymentId, ct))!;
            var current = await db.FreshAsync<Refund>(refundId, ct);
            if (current.Status == RefundStatus.Requested && !PaymentOutcomes.StillFits(locked, current))
            {
                outcomes.DropOverlappedRefund(locked, current);
                await db.SaveChangesAsync(ct);
            }
            return current;
        }, ct);

    internal static string? Cut(string? text) => Api.Text.Cut(text, 500);
}

/// <summary>The <c>execute-refund</c> job: asked again with backoff while the provider does not answer.</summary>
internal sealed class ExecuteRefundJob : IJobHandler
{
    public string Kind => ExecuteRefund.JobKind;

    public IReadOnlyList<TimeSpan> Backoff => ExecuteRefund.Backoff;

    public async Task<JobOutcome> RunAsync(JobRun run, IServiceProvider services, CancellationToken ct)
    {
        // Every run is a claim of this job, the request's own included: a later claim may follow a send whose answer was lost.
        var refund = await services.GetRequiredService<ExecuteRefund>().RunAsync(run.Payload, run.IsLastAttempt, mayHaveBeenSent: run.Attempt > 1, ct);
        return refund.Status == RefundStatus.Requested ? JobOutcome.Failed(refund.Error ?? "no answer from the provider") : JobOutcome.Done;
    }
}
