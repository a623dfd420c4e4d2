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
    /// The payment succeeded. Runs inside the transaction that records it. When the money arrived
    /// for something that can no longer take it (an order paid already), the answer says so, and
    /// whether to give the money back.
    /// </summary>
    Task<PurposeAnswer> OnSucceededAsync(PaydeskDb db, Payment payment, CancellationToken ct);

    /// <summary>Money was given back on the payment; runs inside the transaction that records the refund.</summary>
    Task OnRefundedAsync(PaydeskDb db, Payment payment, long amountMinor, CancellationToken ct);

    /// <summary>After that transaction committed: work that may fail on its own and is retried (fulfilment).</summary>
    Task AfterCommitAsync(IServiceProvider services, Payment payment, CancellationToken ct);
}

/// <summary>What a purpose made of a succeeded payment.</summary>
public sealed record PurposeAnswer(string? Review, bool RefundIt)
{
    public static readonly PurposeAnswer Accepted = new(null, false);
    public static PurposeAnswer NeedsReview(string reason) => new(reason, false);
    public static PurposeAnswer Refund(string reason) => new(reason, true);
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
        if (PaymentStates.IsSettled(reported))
        {
            payment.SettledAt ??= now;
            payment.NextCheckAt = null;
        }
        Log(payment, OperationKind.Transition, $"{from.ToApi()} → {reported.ToApi()} ({source})");

        if (reported == PaymentStatus.Succeeded && await PurposeOf(payment).OnSucceededAsync(db, payment, ct) is { Review: { } review } answer)
        {
            payment.ReviewReason = review;
            Log(payment, OperationKind.Review, review);
            log.LogWarning("Payment {PaymentId} succeeded but needs review: {Reason}", payment.Id, review);
            if (answer.RefundIt) AddRefund(payment, payment.AmountMinor, review, automatic: true);
        }
        return Applied;
    }

    /// <summary>Requests a refund: recorded now, carried out at the provider by <see cref="ExecuteRefund"/>.</summary>
    public Refund AddRefund(Payment payment, long amountMinor, string reason, bool automatic)
    {
        var now = time.GetUtcNow();
        var refund = new Refund
        {
            TenantId = "", Id = ids.New("re"), PaymentId = payment.Id, AmountMinor = amountMinor, Currency = payment.Currency,
            Status = RefundStatus.Requested, Reason = reason.Length > 500 ? reason[..500] : reason, Automatic = automatic,
            NextAttemptAt = now, CreatedAt = now,
        };
        db.Refunds.Add(refund);
        Log(payment, OperationKind.Request, $"{(automatic ? "automatic " : "")}refund of {new Money(amountMinor, Core.Currency.Parse(payment.Currency))} requested ({refund.Id})");
        return refund;
    }

    /// <summary>The provider gave the money back: the payment (and what it paid for) follows.</summary>
    public async Task RecordRefundAsync(Payment payment, Refund refund, CancellationToken ct)
    {
        payment.RefundedMinor += refund.AmountMinor;
        var reported = payment.RefundedMinor >= payment.AmountMinor ? PaymentStatus.Refunded : PaymentStatus.PartiallyRefunded;
        var decision = PaymentStates.Decide(payment.Status, reported);
        if (decision.IsRefused)
        {
            Log(payment, OperationKind.RefusedTransition, $"refund {refund.Id}: {decision.Reason}");
            return;
        }
        var from = payment.Status;
        payment.Status = reported;
        payment.UpdatedAt = time.GetUtcNow();
        payment.Revision++;
        Log(payment, OperationKind.Transition, $"{from.ToApi()} → {reported.ToApi()} (refund {refund.Id})");
        await PurposeOf(payment).OnRefundedAsync(db, payment, refund.AmountMinor, ct);
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
