using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Paydesk.Core;
using Paydesk.Storage;

namespace Paydesk.Payments;

/// <summary>
/// One attempt to collect money through a provider. Written before the provider is called, with
/// the idempotency key the provider sees, so a crash after the provider answered is recovered by
/// asking the provider, never by charging again.
/// </summary>
/// <remarks>
/// Payments know nothing of orders or subscriptions: <see cref="Purpose"/> is an opaque
/// <c>kind:id</c> (<c>order:ord_…</c>) handed to the registered <see cref="IPaymentPurpose"/>
/// when the payment settles.
/// </remarks>
public sealed class Payment : IHasId, ICustomerOwned
{
    /// <summary>Still open — recorded and not answered, waiting on the customer's page, or its outcome unknown — as a query says it.</summary>
    public static readonly System.Linq.Expressions.Expression<Func<Payment, bool>> IsOpen =
        p => p.Status == PaymentStatus.Created || p.Status == PaymentStatus.Pending || p.Status == PaymentStatus.Unknown;

    public required string TenantId { get; set; }
    public required string Id { get; init; }
    public required string Purpose { get; init; }
    public required string CustomerId { get; init; }
    public long AmountMinor { get; init; }
    public required string Currency { get; init; }
    public PaymentStatus Status { get; set; }
    public required string Provider { get; init; }
    public required string ProviderAccountId { get; init; }
    /// <summary>Sent to the provider with every request about this payment.</summary>
    public required string IdempotencyKey { get; init; }
    /// <summary>The <c>Idempotency-Key</c> of the request that started it: a retry of that request finds it instead of starting another.</summary>
    public string? RequestKey { get; init; }
    public string? ProviderPaymentId { get; set; }
    public string? RedirectUrl { get; set; }
    /// <summary>
    /// Where the customer goes back to, paid or not: kept for providers whose return addresses are
    /// fixed in their cabinet (Robokassa), which send the customer to Paydesk, and Paydesk on to these.
    /// </summary>
    public string? SuccessUrl { get; set; }
    public string? CancelUrl { get; set; }
    /// <summary>Given back: the sum of the refunds the provider carried out.</summary>
    public long RefundedMinor { get; set; }
    /// <summary>
    /// Promised back: the refunds carried out plus those requested and not yet failed. Paydesk asks
    /// for a refund only with the payment locked and only if it keeps this at or below
    /// <see cref="AmountMinor"/> (<see cref="RequestRefund"/>), so concurrent refunds can never give
    /// back more than was taken. A refund the provider reports made elsewhere (its dashboard) is a
    /// fact and is recorded if it fits beside <see cref="RefundedMinor"/>; requested refunds it leaves
    /// no room for are failed without being sent, so this is above the amount only until they are.
    /// </summary>
    public long RefundReservedMinor { get; set; }
    /// <summary>Set when something needs a person: an amount that does not match, a payment for an order already paid.</summary>
    public string? ReviewReason { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? SettledAt { get; set; }
    /// <summary>How often the reconciler asked the provider about it (the <c>reconcile-payment</c> job schedules the checks).</summary>
    public int CheckAttempts { get; set; }
    /// <summary>Bumped on every change of status, so two racing notifications cannot both apply.</summary>
    public int Revision { get; set; }

    public Money Amount => new(AmountMinor, Core.Currency.Parse(Currency));
}

public enum OperationKind
{
    /// <summary>Paydesk asked the provider something.</summary>
    Request,
    /// <summary>The provider answered.</summary>
    Response,
    /// <summary>The provider told Paydesk something on its own (a webhook).</summary>
    Notification,
    /// <summary>The payment's status moved.</summary>
    Transition,
    /// <summary>A move that would have gone backwards or sideways, ignored.</summary>
    RefusedTransition,
    /// <summary>Something a person must look at (an amount mismatch, a second payment for one order).</summary>
    Review,
}

/// <summary>The operations log: every exchange with a provider about a payment, and what came of it.</summary>
public sealed class PaymentOperation : IHasId
{
    public required string TenantId { get; set; }
    public required string Id { get; init; }
    public required string PaymentId { get; init; }
    public OperationKind Kind { get; init; }
    public required string Summary { get; init; }
    /// <summary>What was sent or received, with secrets left out.</summary>
    public string? Detail { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}

public enum RefundStatus { Requested, Succeeded, Failed }

/// <summary>Who decided a refund.</summary>
public enum RefundOrigin
{
    /// <summary>The merchant, through the API.</summary>
    Merchant,
    /// <summary>Paydesk: a second payment for something already paid.</summary>
    Automatic,
    /// <summary>The provider reported it: a refund made in its dashboard, or one Paydesk had not heard of.</summary>
    Provider,
}

/// <summary>
/// Money given back on a payment, full or partial. Requested first (in the transaction that
/// decides it), then carried out at the provider by a job with the refund's own idempotency key.
/// </summary>
public sealed class Refund : IHasId
{
    public required string TenantId { get; set; }
    public required string Id { get; init; }
    public required string PaymentId { get; init; }
    public long AmountMinor { get; init; }
    public required string Currency { get; init; }
    public RefundStatus Status { get; set; }
    public required string Reason { get; init; }
    public RefundOrigin Origin { get; init; }
    /// <summary>The <c>Idempotency-Key</c> of the request that asked for it: a retry of that request finds it instead of asking again.</summary>
    public string? RequestKey { get; init; }
    /// <summary>The provider's id for it; one refund row per provider refund (a unique key), so a reported refund is recorded once.</summary>
    public string? ProviderRefundId { get; set; }
    public string? Error { get; set; }
    /// <summary>How often the provider was asked.</summary>
    public int Attempts { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? SettledAt { get; set; }
}

/// <summary>A tenant's account at a payment provider, with the secret its notifications are signed with.</summary>
/// <remarks>
/// Secrets are held only sealed by Data Protection; <see cref="ProviderSecrets"/> seals and opens
/// them. Never returned by the API and never logged.
/// </remarks>
public sealed class ProviderAccount : IHasId
{
    /// <summary>
    /// The column where releases before secrets were sealed kept the webhook secret in the clear.
    /// Kept in the model (as a shadow property, nothing in the entity can hold it) until every
    /// installation has run <see cref="SealClearProviderSecrets"/>, which empties it.
    /// </summary>
    internal const string ClearWebhookSecretColumn = "LegacyClearWebhookSecret";

    public required string TenantId { get; set; }
    public required string Id { get; init; }
    public required string Provider { get; init; }
    public required string Name { get; set; }
    /// <summary>The webhook secret sealed under <see cref="ProviderSecret.Webhook"/>; null means notifications are refused (fail closed).</summary>
    public string? WebhookSecretProtected { get; set; }
    /// <summary>The provider's other credentials (an API key, a terminal password…), as one JSON object sealed under <see cref="ProviderSecret.Credentials"/>.</summary>
    public string? CredentialsProtected { get; set; }
    /// <summary><c>test</c> (the provider's sandbox or test mode: no real money) or <c>live</c>.</summary>
    public string Mode { get; set; } = ProviderModes.Test;
    /// <summary>A name the provider knows the shop by that is no secret (Robokassa's MerchantLogin).</summary>
    public string? Login { get; set; }
    /// <summary>The hash the provider's cabinet is set to sign with (Robokassa: md5, sha256, sha512).</summary>
    public string? HashAlgorithm { get; set; }
    public bool IsDefault { get; set; }
    /// <summary>
    /// The last number given to a payment or receipt of this account, for providers that know
    /// them by a number the shop gives (Robokassa's <c>InvId</c>); see <see cref="ProviderNumbers"/>.
    /// </summary>
    public long LastNumber { get; set; }
    /// <summary>
    /// For providers that list the events they sent (<see cref="IListsEvents"/>): every event
    /// created before this was read, by webhook or from the list (<see cref="CatchUpEvents"/>).
    /// </summary>
    public DateTimeOffset? EventsReadTo { get; set; }
    /// <summary>Set when the tenant stops using the account: no new checkouts; what is in flight still settles through it.</summary>
    public DateTimeOffset? DisabledAt { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public static class ProviderModes
{
    public const string Test = "test";
    public const string Live = "live";
}

/// <summary>
/// The inbox: every verified notification, raw, keyed by the provider's own event id so that a
/// redelivery is recognised and acknowledged without being applied again.
/// </summary>
public sealed class WebhookEvent : ITenantOwned
{
    public required string TenantId { get; set; }
    public required string Id { get; init; }
    public required string Provider { get; init; }
    public required string AccountId { get; init; }
    public required string ProviderEventId { get; init; }
    public required string RawBody { get; init; }
    public required string Headers { get; init; }
    public DateTimeOffset ReceivedAt { get; init; }
    public DateTimeOffset? ProcessedAt { get; set; }
    public string? Outcome { get; set; }
}

internal sealed class PaymentConfiguration :
    IEntityTypeConfiguration<Payment>, IEntityTypeConfiguration<PaymentOperation>,
    IEntityTypeConfiguration<ProviderAccount>, IEntityTypeConfiguration<WebhookEvent>, IEntityTypeConfiguration<Refund>
{
    public void Configure(EntityTypeBuilder<Refund> b)
    {
        b.HasKey(r => new { r.TenantId, r.Id });
        b.HasIndex(r => new { r.TenantId, r.PaymentId });
        b.HasIndex(r => new { r.TenantId, r.PaymentId, r.ProviderRefundId }).IsUnique();
        b.HasIndex(r => new { r.TenantId, r.PaymentId, r.RequestKey });
        b.Property(r => r.RequestKey).HasMaxLength(Api.IdempotencyMiddleware.MaxKeyLength);
        b.Property(r => r.ProviderRefundId).HasMaxLength(200);
        b.Property(r => r.Currency).HasMaxLength(3);
        b.Property(r => r.Reason).HasMaxLength(500);
        b.Property(r => r.Error).HasMaxLength(500);
        b.HasOne<Payment>().WithMany().HasForeignKey(r => new { r.TenantId, r.PaymentId });
    }

    public void Configure(EntityTypeBuilder<Payment> b)
    {
        b.HasKey(p => new { p.TenantId, p.Id });
        b.HasIndex(p => new { p.TenantId, p.Purpose });
        // A subscription period is charged by at most one payment that has not failed: a second
        // charge for a period cannot even be recorded while one is in flight or has succeeded.
        b.HasIndex(p => new { p.TenantId, p.Purpose }, "ux_payments_one_live_renewal").IsUnique().HasDatabaseName("ux_payments_one_live_renewal")
            .HasFilter("purpose LIKE 'renewal:%' AND status NOT IN ('Failed', 'Canceled', 'Expired')");
        b.Property(p => p.RequestKey).HasMaxLength(Api.IdempotencyMiddleware.MaxKeyLength);
        b.HasIndex(p => new { p.Status, p.UpdatedAt });
        b.HasIndex(p => new { p.ProviderAccountId, p.IdempotencyKey }).IsUnique();
        b.Property(p => p.Purpose).HasMaxLength(80);
        b.Property(p => p.Currency).HasMaxLength(3);
        b.Property(p => p.Provider).HasMaxLength(32);
        b.Property(p => p.IdempotencyKey).HasMaxLength(80);
        b.Property(p => p.SuccessUrl).HasMaxLength(2048);
        b.Property(p => p.CancelUrl).HasMaxLength(2048);
        b.Property(p => p.Revision).IsConcurrencyToken();
        b.HasOne<ProviderAccount>().WithMany().HasForeignKey(p => new { p.TenantId, p.ProviderAccountId });
        b.HasOne<Customers.Customer>().WithMany().HasForeignKey(p => new { p.TenantId, p.CustomerId });
        b.Ignore(p => p.Amount);
    }

    public void Configure(EntityTypeBuilder<PaymentOperation> b)
    {
        b.HasKey(o => new { o.TenantId, o.Id });
        b.HasIndex(o => new { o.TenantId, o.PaymentId });
        b.Property(o => o.Summary).HasMaxLength(500);
        b.HasOne<Payment>().WithMany().HasForeignKey(o => new { o.TenantId, o.PaymentId });
    }

    public void Configure(EntityTypeBuilder<ProviderAccount> b)
    {
        b.HasKey(a => new { a.TenantId, a.Id });
        // Notifications name the account in their URL, before the tenant is known.
        b.HasIndex(a => a.Id).IsUnique();
        // One default account per provider and tenant: two first checkouts at once cannot both make one.
        b.HasIndex(a => new { a.TenantId, a.Provider }).IsUnique().HasFilter("is_default").HasDatabaseName("ix_provider_accounts_one_default");
        b.Property(a => a.Provider).HasMaxLength(32);
        b.Property(a => a.Name).HasMaxLength(200);
        // A sealed value is the clear one plus about 70 bytes (key id, IV, MAC), in base64url.
        b.Property(a => a.WebhookSecretProtected).HasMaxLength(2000);
        b.Property(a => a.CredentialsProtected).HasMaxLength(4000);
        b.Property(a => a.Mode).HasMaxLength(8).HasDefaultValue(ProviderModes.Test);
        b.Property(a => a.Login).HasMaxLength(100);
        b.Property(a => a.HashAlgorithm).HasMaxLength(16);
        b.Property<string?>(ProviderAccount.ClearWebhookSecretColumn).HasColumnName("webhook_secret").HasMaxLength(200);
    }

    public void Configure(EntityTypeBuilder<WebhookEvent> b)
    {
        b.HasKey(e => new { e.TenantId, e.Id });
        b.HasIndex(e => new { e.Provider, e.AccountId, e.ProviderEventId }).IsUnique();
        b.Property(e => e.Provider).HasMaxLength(32);
        b.Property(e => e.ProviderEventId).HasMaxLength(200);
    }
}
