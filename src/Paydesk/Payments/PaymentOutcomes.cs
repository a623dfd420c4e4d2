using Paydesk.Core;
using Paydesk.Storage;

namespace Paydesk.Payments;

/// <summary>
/// What a payment is for, seen from the payment's side: the handler of one purpose kind
/// (<c>order</c>, later <c>renewal</c>, <c>topup</c>). Payments call it; it never calls back into payments.
/// </summary>
public interface IPaymentPurpose
{
    string Kind { get; }

    /// <summary>
    /// The payment succeeded. Runs inside the transaction that records it. Answers a review reason
    /// when the money arrived for something that can no longer take it (an order paid already).
    /// </summary>
    Task<string?> OnSucceededAsync(PaydeskDb db, Payment payment, CancellationToken ct);

    /// <summary>After that transaction committed: work that may fail on its own and is retried (fulfilment).</summary>
    Task AfterCommitAsync(IServiceProvider services, Payment payment, CancellationToken ct);
}

/// <summary>
/// Moves a payment to what a provider reported, along the state machine only, and writes every
/// step — applied, refused, or flagged for review — to the operations log.
/// </summary>
public sealed class PaymentOutcomes(PaydeskDb db, IEnumerable<IPaymentPurpose> purposes, IdGenerator ids, TimeProvider time, ILogger<PaymentOutcomes> log)
{
    public const string Applied = "applied";

    public async Task<string> ApplyAsync(Payment payment, PaymentStatus reported, long? amountMinor, string? currency, string source, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (amountMinor is { } amount && (amount != payment.AmountMinor || currency != payment.Currency))
        {
            var reason = $"{source} reported {amount} {currency} for a payment of {payment.AmountMinor} {payment.Currency}; nothing was activated.";
            payment.ReviewReason = reason;
            payment.UpdatedAt = now;
            Log(payment, OperationKind.Review, reason);
            log.LogWarning("Payment {PaymentId}: amount mismatch from {Source}; flagged for review", payment.Id, source);
            return "amount_mismatch";
        }

        var decision = PaymentStates.Decide(payment.Status, reported);
        if (decision.IsRefused)
        {
            Log(payment, OperationKind.RefusedTransition, $"{source}: {decision.Reason}");
            log.LogWarning("Payment {PaymentId}: ignored {Reported} from {Source}: {Reason}", payment.Id, reported, source, decision.Reason);
            return "ignored";
        }
        if (decision.IsAlreadyThere) return "already";

        var from = payment.Status;
        payment.Status = reported;
        payment.UpdatedAt = now;
        payment.Revision++;
        if (PaymentStates.IsSettled(reported)) payment.SettledAt ??= now;
        Log(payment, OperationKind.Transition, $"{from.ToApi()} → {reported.ToApi()} ({source})");

        if (reported == PaymentStatus.Succeeded && await PurposeOf(payment).OnSucceededAsync(db, payment, ct) is { } review)
        {
            payment.ReviewReason = review;
            Log(payment, OperationKind.Review, review);
            log.LogWarning("Payment {PaymentId} succeeded but needs review: {Reason}", payment.Id, review);
        }
        return Applied;
    }

    public Task AfterCommitAsync(IServiceProvider services, Payment payment, CancellationToken ct) =>
        payment.Status == PaymentStatus.Succeeded ? PurposeOf(payment).AfterCommitAsync(services, payment, ct) : Task.CompletedTask;

    public void Log(Payment payment, OperationKind kind, string summary, string? detail = null) =>
        db.PaymentOperations.Add(new PaymentOperation
        {
            TenantId = "", Id = ids.New("op"), PaymentId = payment.Id, Kind = kind,
            Summary = summary.Length > 500 ? summary[..500] : summary, Detail = detail, CreatedAt = time.GetUtcNow(),
        });

    private IPaymentPurpose PurposeOf(Payment payment)
    {
        var kind = payment.Purpose.Split(':', 2)[0];
        return purposes.FirstOrDefault(p => p.Kind == kind)
            ?? throw new InvalidOperationException($"No handler for payment purpose '{kind}'.");
    }
}
