using Microsoft.EntityFrameworkCore;
using Paydesk.Core;

namespace Paydesk.Payments;

public sealed record CheckoutRequest(
    string PaymentId, string IdempotencyKey, Money Amount, string Description,
    string SuccessUrl, string CancelUrl, string NotifyUrl)
{
    /// <summary>The customer paying: the key under which the provider keeps a saved card.</summary>
    public string? CustomerId { get; init; }

    /// <summary>The language of the provider's page (<c>ru</c>, <c>en</c>…), when the provider has it.</summary>
    public string? Language { get; init; }

    /// <summary>Keep the payment method for later charges (a recurring plan's first payment); with an amount of nothing, only keep it (a free trial).</summary>
    public bool SaveMethod { get; init; }

    /// <summary>The fiscal receipt to send with the payment (54-FZ), when the tenant sends receipts.</summary>
    public ReceiptRequest? Receipt { get; init; }

    /// <summary>The payment's number at a provider that knows payments by the shop's number (<see cref="INumbersPayments"/>).</summary>
    public long? Number { get; init; }
}

/// <summary>
/// A provider that knows a shop's payments by a number the shop gives them (Robokassa's
/// <c>InvId</c>, a whole number unique in the shop), not by an id of its own: Paydesk gives one
/// from the account's counter (<see cref="ProviderNumbers"/>) in the transaction that records the
/// payment, and keeps it as the provider's payment id from the start.
/// </summary>
public interface INumbersPayments;

/// <summary>
/// A provider that lists the events it sent (Stripe's <c>/v1/events</c>): what its webhooks could
/// not deliver while Paydesk was down is read from the list and applied as a webhook would have
/// been (<see cref="CatchUpEvents"/>); the inbox's unique event id makes the overlap harmless.
/// </summary>
public interface IListsEvents
{
    /// <summary>The account's events of the kinds Paydesk reads, created at or after <paramref name="since"/>, oldest first, each as its JSON.</summary>
    Task<IReadOnlyList<string>> EventsSinceAsync(ProviderAccount account, DateTimeOffset since, CancellationToken ct);

    /// <summary>Reads one listed event as its webhook would be read. It came over TLS from the API the account's key opens, so there is no signature to check.</summary>
    NotificationCheck ReadEvent(string rawEvent, DateTimeOffset now);
}

/// <summary>The account's counter of numbers for payments and receipts.</summary>
public static class ProviderNumbers
{
    /// <summary>
    /// The account's next number: one update that takes the account's row lock, so two
    /// transactions never get the same number (the second waits for the first). Run it in the
    /// transaction that records what the number is for: rolled back, the number is not used.
    /// </summary>
    public static async Task<long> NextAsync(Storage.PaydeskDb db, string accountId, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("A provider number is given only inside the transaction that records what it numbers.");
        var accounts = db.ProviderAccounts.Where(a => a.Id == accountId);
        if (await accounts.ExecuteUpdateAsync(s => s.SetProperty(a => a.LastNumber, a => a.LastNumber + 1), ct) != 1)
            throw new InvalidOperationException($"No provider account '{accountId}' to number for.");
        return await accounts.Select(a => a.LastNumber).SingleAsync(ct);
    }
}

/// <summary>A fiscal receipt to send with a payment: its items, the tenant's tax regime, and where the customer gets it.</summary>
public sealed record ReceiptRequest(FiscalReceipt Receipt, string Taxation, string? Email, string? Phone);

public sealed record CheckoutSession(string ProviderPaymentId, string RedirectUrl);

/// <summary>
/// What a verified notification says about one payment. A refund status comes with the refund it
/// reports (<see cref="Refund"/>) when the provider names it; without one, Paydesk asks the provider.
/// The amount is the charge's, checked against the payment's; null when the notification does not
/// name it (T-Bank's refund notifications give what is left of the payment instead).
/// </summary>
public sealed record ProviderNotification(
    string EventId, string PaymentId, string? ProviderPaymentId, PaymentStatus Status,
    long? AmountMinor, string Currency, DateTimeOffset OccurredAt, string Type, ReportedRefund? Refund = null)
{
    /// <summary>A payment method the provider kept for later charges with this payment (T-Bank's RebillId and card).</summary>
    public SavedMethodReport? SavedMethod { get; init; }

    /// <summary>The customer's bank disputes the payment (a chargeback): the money may be taken back; a person must answer it at the provider.</summary>
    public ReportedDispute? Dispute { get; init; }

    /// <summary>
    /// The provider's object to ask about when the notification does not carry Paydesk's payment id
    /// (<see cref="PaymentId"/> is then empty until <see cref="IPaymentProvider.CompleteAsync"/> finds it).
    /// </summary>
    public string? LookUp { get; init; }
}

/// <summary>A dispute the provider reports: its own id, the amount disputed, and the reason the bank gave.</summary>
public sealed record ReportedDispute(string ProviderDisputeId, long AmountMinor, string Reason);

/// <summary>
/// A refund the provider made: its own id, the amount, and — when Paydesk asked for it — the
/// idempotency key Paydesk sent (the refund's id), which ties it to the refund Paydesk requested.
/// </summary>
public sealed record ReportedRefund(string ProviderRefundId, long AmountMinor, string? Key);

/// <summary>
/// A notification verified and read; or refused, with the reason (for the log, not the sender);
/// or verified but unreadable, naming the field (the sender is told, so it stops retrying).
/// </summary>
public sealed record NotificationCheck(ProviderNotification? Notification, string? Refusal, string? UnreadableField = null)
{
    public static NotificationCheck Refused(string reason) => new(null, reason);
    public static NotificationCheck Verified(ProviderNotification notification) => new(notification, null);
    public static NotificationCheck Unreadable(string field, string reason) => new(null, reason, field);

    /// <summary>Verified, and of a kind Paydesk takes no action on (an event type it does not read): answered 2xx so it is not sent again.</summary>
    public static NotificationCheck Ignored(string reason) => new(null, reason) { IsIgnored = true };

    public bool IsIgnored { get; init; }
}

public sealed record ProviderChargeResult(PaymentStatus Status, string? ProviderPaymentId, string? Error);

/// <summary>What became of a refund at the provider.</summary>
public enum RefundOutcome
{
    /// <summary>The money went back.</summary>
    Succeeded,
    /// <summary>The provider said no, and will say no again (nothing left to refund, the charge never succeeded).</summary>
    Refused,
    /// <summary>No answer, or one that says neither: asking again with the same key finds out.</summary>
    Unknown,
}

public sealed record ProviderRefundResult(RefundOutcome Outcome, string? ProviderRefundId, string? Error)
{
    public static ProviderRefundResult Done(string providerRefundId) => new(RefundOutcome.Succeeded, providerRefundId, null);
    public static ProviderRefundResult No(string reason) => new(RefundOutcome.Refused, null, reason);
    public static ProviderRefundResult NoAnswer(string reason) => new(RefundOutcome.Unknown, null, reason);
}

/// <summary>What checking an account's connection found: whether its credentials work, and what the provider said.</summary>
public sealed record ConnectionCheck(bool Ok, string Detail);

/// <summary>
/// The refunds a provider made on a payment, and how much it has given back in all. A provider
/// that names no refunds (T-Bank) gives only the total (<paramref name="Itemized"/> false).
/// </summary>
public sealed record ProviderRefunds(IReadOnlyList<ReportedRefund> Refunds, long RefundedMinor, bool Itemized = true);

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

    /// <summary>Whether the provider takes payments in this currency (T-Bank and Robokassa: roubles only).</summary>
    bool Accepts(Currency currency);

    /// <summary>
    /// Whether its checkout can keep a card without charging it (Stripe's setup mode, the Mock
    /// page): a checkout of nothing that keeps the card for a free trial's later charges.
    /// </summary>
    bool KeepsCardsWithoutCharge => false;

    /// <summary>Whether it sends 54-FZ receipts with its charges (T-Bank, Robokassa): only then is one built for a charge of a kept card.</summary>
    bool SendsReceipts => false;

    /// <summary>Starts a hosted checkout; the customer is sent to the redirect URL to pay.</summary>
    Task<CheckoutSession> CreateCheckoutAsync(ProviderAccount account, CheckoutRequest request, CancellationToken ct);

    /// <summary>Verifies a notification's signature over the raw body and reads it. Fails closed without a secret.</summary>
    NotificationCheck CheckNotification(ProviderAccount account, IReadOnlyDictionary<string, string> headers, string rawBody, DateTimeOffset now);

    /// <summary>
    /// The answer the provider needs to stop sending a notification Paydesk has taken (applied, or
    /// seen before): exactly what its documentation asks for, or it sends it again and again.
    /// </summary>
    IResult Acknowledge(ProviderNotification notification, NotificationReceived received);

    /// <summary>
    /// What a verified notification leaves out, asked of the provider before it is applied and
    /// outside any transaction: Stripe's dispute names its PaymentIntent, not Paydesk's payment
    /// (<see cref="ProviderNotification.LookUp"/>), and its kept card only by the PaymentMethod's id.
    /// Provider trouble throws, and the notification is answered 5xx so the provider sends it again.
    /// </summary>
    Task<ProviderNotification> CompleteAsync(ProviderAccount account, ProviderNotification notification, CancellationToken ct) =>
        Task.FromResult(notification);

    /// <summary>Asks the provider what became of a payment (the reconciler's question).</summary>
    Task<ProviderPaymentState> GetStateAsync(ProviderAccount account, Payment payment, CancellationToken ct);

    /// <summary>
    /// Charges a payment method the customer saved with the provider earlier (a renewal), with the
    /// payment's idempotency key: asked twice, the provider charges once and answers the same.
    /// A timeout or 5xx throws, and the payment is then <c>unknown</c> until the reconciler asks.
    /// </summary>
    /// <param name="receipt">The 54-FZ receipt of the charge, when the tenant sends receipts; providers without receipts ignore it.</param>
    Task<ProviderChargeResult> ChargeSavedMethodAsync(ProviderAccount account, Payment payment, string savedMethod, ReceiptRequest? receipt, CancellationToken ct);

    /// <summary>
    /// Gives money back. The refund's id is its idempotency key at the provider: asking again
    /// after a crash returns the first answer instead of refunding twice.
    /// </summary>
    /// <param name="receipt">The 54-FZ receipt of what is given back, when the tenant sends receipts; providers without receipts ignore it.</param>
    Task<ProviderRefundResult> RefundAsync(ProviderAccount account, Payment payment, Refund refund, ReceiptRequest? receipt, CancellationToken ct);

    /// <summary>
    /// Every refund the provider made on the payment, whoever asked for it (Paydesk, or a person in
    /// the provider's dashboard): what Paydesk asks when a notification reports a refund without
    /// naming it, or the reconciler finds the provider's refunded amount differs from Paydesk's.
    /// </summary>
    /// <remarks>
    /// A provider that lists refunds one by one names each; one that only tells how much of the
    /// payment is left (T-Bank) answers the total, and Paydesk works out the rest (<see cref="SyncRefunds"/>).
    /// </remarks>
    Task<ProviderRefunds> GetRefundsAsync(ProviderAccount account, Payment payment, CancellationToken ct);

    /// <summary>
    /// Whether the account's credentials work: one harmless signed call (reading a payment that does
    /// not exist), answered in words for the person who set them. Never throws for provider trouble.
    /// </summary>
    Task<ConnectionCheck> CheckConnectionAsync(ProviderAccount account, CancellationToken ct);
}
