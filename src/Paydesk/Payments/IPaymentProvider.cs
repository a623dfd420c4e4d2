using Paydesk.Core;

namespace Paydesk.Payments;

public sealed record CheckoutRequest(
    string PaymentId, string IdempotencyKey, Money Amount, string Description,
    string SuccessUrl, string CancelUrl, string NotifyUrl);

public sealed record CheckoutSession(string ProviderPaymentId, string RedirectUrl);

/// <summary>What a verified notification says about one payment.</summary>
public sealed record ProviderNotification(
    string EventId, string PaymentId, string? ProviderPaymentId, PaymentStatus Status,
    long AmountMinor, string Currency, DateTimeOffset OccurredAt, string Type);

/// <summary>A notification either verified and read, or refused with the reason (for the log, not the sender).</summary>
public sealed record NotificationCheck(ProviderNotification? Notification, string? Refusal)
{
    public static NotificationCheck Refused(string reason) => new(null, reason);
    public static NotificationCheck Verified(ProviderNotification notification) => new(notification, null);
}

public sealed record ProviderChargeResult(PaymentStatus Status, string? ProviderPaymentId, string? Error);

public sealed record ProviderRefundResult(bool Succeeded, string? ProviderRefundId, string? Error);

/// <summary>What the provider says a payment is now; <see cref="PaymentStatus.Unknown"/> if it cannot tell.</summary>
public sealed record ProviderPaymentState(PaymentStatus Status, long? AmountMinor, string? Currency);

/// <summary>
/// One payment provider. Implementations talk to the provider over its own protocol and never
/// touch Paydesk's tables: the caller writes the payment first and records what comes back.
/// </summary>
public interface IPaymentProvider
{
    /// <summary>The name in URLs and in the payment's record: <c>mock</c>, <c>stripe</c>…</summary>
    string Name { get; }

    /// <summary>Starts a hosted checkout; the customer is sent to the redirect URL to pay.</summary>
    Task<CheckoutSession> CreateCheckoutAsync(ProviderAccount account, CheckoutRequest request, CancellationToken ct);

    /// <summary>Verifies a notification's signature over the raw body and reads it. Fails closed without a secret.</summary>
    NotificationCheck CheckNotification(ProviderAccount account, IReadOnlyDictionary<string, string> headers, string rawBody, DateTimeOffset now);

    /// <summary>Asks the provider what became of a payment (the reconciler's question).</summary>
    Task<ProviderPaymentState> GetStateAsync(ProviderAccount account, Payment payment, CancellationToken ct);

    /// <summary>
    /// Charges a payment method the customer saved with the provider earlier (a renewal), with the
    /// payment's idempotency key: asked twice, the provider charges once and answers the same.
    /// A timeout or 5xx throws, and the payment is then <c>unknown</c> until the reconciler asks.
    /// </summary>
    Task<ProviderChargeResult> ChargeSavedMethodAsync(ProviderAccount account, Payment payment, string savedMethod, CancellationToken ct);

    /// <summary>
    /// Gives money back. The refund's id is its idempotency key at the provider: asking again
    /// after a crash returns the first answer instead of refunding twice.
    /// </summary>
    Task<ProviderRefundResult> RefundAsync(ProviderAccount account, Payment payment, Refund refund, CancellationToken ct);
}
