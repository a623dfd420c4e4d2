using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Paydesk.Core;
using Paydesk.Payments.Stripe;
using Paydesk.Storage;

namespace Paydesk.Payments.Mock;

/// <summary>
/// The Mock provider's own record of a checkout, as a real provider would keep it on its side:
/// not a tenant row, and never read by Paydesk except through the provider's interface.
/// </summary>
public sealed class MockCharge
{
    public required string Id { get; init; }
    public required string AccountId { get; init; }
    public required string PaymentId { get; init; }
    public required string IdempotencyKey { get; init; }
    public long AmountMinor { get; init; }
    public required string Currency { get; init; }
    public required string Description { get; init; }
    public required string Status { get; set; }
    /// <summary>The checkout asked to keep the card for later charges (a recurring plan's first payment): paying reports one kept.</summary>
    public bool KeepsMethod { get; init; }
    /// <summary>How many times money actually moved: a test counts double charges here.</summary>
    public int Captures { get; set; }
    public long RefundedMinor { get; set; }
    public required string SuccessUrl { get; init; }
    public required string CancelUrl { get; init; }
    public required string NotifyUrl { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A refund on the Mock provider's side, keyed by the refund's idempotency key.</summary>
public sealed class MockRefund
{
    public required string IdempotencyKey { get; init; }
    public required string ChargeId { get; init; }
    public long AmountMinor { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}

internal sealed class MockChargeConfiguration : IEntityTypeConfiguration<MockCharge>, IEntityTypeConfiguration<MockRefund>
{
    public void Configure(EntityTypeBuilder<MockRefund> b)
    {
        b.ToTable("mock_provider_refunds");
        b.HasKey(r => r.IdempotencyKey);
        b.HasOne<MockCharge>().WithMany().HasForeignKey(r => r.ChargeId);
    }

    public void Configure(EntityTypeBuilder<MockCharge> b)
    {
        b.ToTable("mock_provider_charges");
        b.HasKey(c => c.Id);
        b.HasIndex(c => new { c.AccountId, c.IdempotencyKey }).IsUnique();
        b.HasIndex(c => c.PaymentId);
        b.Property(c => c.Status).HasMaxLength(16);
    }
}

/// <summary>
/// A provider for development, demos and tests: a hosted fake payment page, and notifications
/// signed like a real provider's (HMAC-SHA256 over <c>{timestamp}.{raw body}</c>, in the header
/// <c>Paydesk-Mock-Signature: t=…,v1=…</c>) and delivered to the webhook endpoint over HTTP.
/// </summary>
public sealed class MockProvider(IServiceScopeFactory scopes, MockNotifier notifier, PublicAddress address, ProviderSecrets secrets, TimeProvider time)
    : IPaymentProvider
{
    public const string ProviderName = "mock";
    public const string SignatureHeader = "Paydesk-Mock-Signature";
    public static readonly TimeSpan CheckoutLifetime = TimeSpan.FromHours(24);

    public string Name => ProviderName;

    public bool Accepts(Currency currency) => true;

    public bool KeepsCardsWithoutCharge => true;

    public async Task<CheckoutSession> CreateCheckoutAsync(ProviderAccount account, CheckoutRequest request, CancellationToken ct)
    {
        // The provider's own storage: a scope of its own, like a call to another service.
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PaydeskDb>();
        var charge = await db.MockCharges.FirstOrDefaultAsync(c => c.AccountId == account.Id && c.IdempotencyKey == request.IdempotencyKey, ct);
        if (charge is null)
        {
            var now = time.GetUtcNow();
            charge = new MockCharge
            {
                Id = scope.ServiceProvider.GetRequiredService<IdGenerator>().New("mch"), AccountId = account.Id,
                PaymentId = request.PaymentId, IdempotencyKey = request.IdempotencyKey, AmountMinor = request.Amount.Minor,
                Currency = request.Amount.Currency.Code, Description = request.Description, Status = "open",
                SuccessUrl = request.SuccessUrl, CancelUrl = request.CancelUrl, NotifyUrl = request.NotifyUrl, CreatedAt = now, UpdatedAt = now,
                KeepsMethod = request.SaveMethod,
            };
            db.MockCharges.Add(charge);
            await db.SaveChangesAsync(ct);
        }
        // The page is served by Paydesk itself, wherever people reach it.
        return new CheckoutSession(charge.Id, new Uri(address.Url, $"mock-pay/{Uri.EscapeDataString(request.PaymentId)}").ToString());
    }

    public NotificationCheck CheckNotification(ProviderAccount account, IReadOnlyDictionary<string, string> headers, string rawBody, DateTimeOffset now)
    {
        if (!headers.TryGetValue(SignatureHeader, out var header)) return NotificationCheck.Refused($"no {SignatureHeader} header");
        var refusal = StripeSignature.Refusal(header, rawBody, () => secrets.Reveal(account, ProviderSecret.Webhook), now);
        if (refusal is not null) return NotificationCheck.Refused(refusal);
        return MockEvents.Read(rawBody);
    }

    public Task<ConnectionCheck> CheckConnectionAsync(ProviderAccount account, CancellationToken ct) =>
        Task.FromResult(new ConnectionCheck(account.WebhookSecretProtected is not null,
            account.WebhookSecretProtected is not null ? "The Mock provider runs inside Paydesk; its notifications are signed with the account's secret." : "The account has no webhook secret."));

    /// <summary>The Mock provider, like Paydesk's own API, is told what became of its notification.</summary>
    public IResult Acknowledge(ProviderNotification notification, NotificationReceived received) => TypedResults.Ok(received);

    public async Task<ProviderPaymentState> GetStateAsync(ProviderAccount account, Payment payment, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PaydeskDb>();
        var charge = await db.MockCharges.AsNoTracking().FirstOrDefaultAsync(c => c.AccountId == account.Id && c.IdempotencyKey == payment.IdempotencyKey, ct);
        // A checkout the provider never saw was never paid.
        if (charge is null) return new ProviderPaymentState(PaymentStatus.Canceled, null, null);
        // Like a real provider's session, an open checkout lapses after a day.
        if (charge.Status == "open" && time.GetUtcNow() - charge.CreatedAt > CheckoutLifetime)
            return new ProviderPaymentState(PaymentStatus.Expired, charge.AmountMinor, charge.Currency);
        var status = StatusOf(charge.Status);
        if (status == PaymentStatus.Succeeded && charge.RefundedMinor > 0)
            status = charge.RefundedMinor >= charge.AmountMinor ? PaymentStatus.Refunded : PaymentStatus.PartiallyRefunded;
        return new ProviderPaymentState(status, charge.AmountMinor, charge.Currency);
    }

    /// <summary>
    /// Saved methods the Mock provider knows: one that pays, one that is declined, one whose answer is lost after charging. A card
    /// kept on the Mock page is one of the first two with the charge that kept it after an underscore (<c>mock_pm_pays_mch_…</c>).
    /// </summary>
    public const string SavedMethodPays = "mock_pm_pays";
    public const string SavedMethodDeclined = "mock_pm_declined";
    public const string SavedMethodLosesAnswer = "mock_pm_loses_answer";

    public async Task<ProviderChargeResult> ChargeSavedMethodAsync(ProviderAccount account, Payment payment, string savedMethod, ReceiptRequest? receipt, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PaydeskDb>();
        var charge = await db.MockCharges.FirstOrDefaultAsync(c => c.AccountId == account.Id && c.IdempotencyKey == payment.IdempotencyKey, ct);
        if (charge is null)
        {
            var now = time.GetUtcNow();
            bool Is(string known) => savedMethod == known || savedMethod.StartsWith(known + "_", StringComparison.Ordinal);
            var pays = Is(SavedMethodPays) || savedMethod == SavedMethodLosesAnswer;
            if (!pays && !Is(SavedMethodDeclined))
                return new ProviderChargeResult(PaymentStatus.Failed, null, $"no saved method '{savedMethod}'");
            charge = new MockCharge
            {
                Id = scope.ServiceProvider.GetRequiredService<IdGenerator>().New("mch"), AccountId = account.Id, PaymentId = payment.Id,
                IdempotencyKey = payment.IdempotencyKey, AmountMinor = payment.AmountMinor, Currency = payment.Currency,
                Description = "saved method charge", Status = pays ? "succeeded" : "failed", Captures = pays ? 1 : 0,
                SuccessUrl = "", CancelUrl = "", NotifyUrl = "", CreatedAt = now, UpdatedAt = now,
            };
            db.MockCharges.Add(charge);
            await db.SaveChangesAsync(ct);
            if (savedMethod == SavedMethodLosesAnswer)
                throw new TimeoutException("The Mock provider charged, then its answer was lost.");
        }
        var status = StatusOf(charge.Status);
        return new ProviderChargeResult(status, charge.Id, status == PaymentStatus.Failed ? "declined" : null);
    }

    public async Task<ProviderRefundResult> RefundAsync(ProviderAccount account, Payment payment, Refund refund, ReceiptRequest? receipt, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PaydeskDb>();
        var charge = await db.MockCharges.AsNoTracking().FirstOrDefaultAsync(c => c.AccountId == account.Id && c.IdempotencyKey == payment.IdempotencyKey, ct);
        if (charge is null) return ProviderRefundResult.No("the charge has not succeeded; there is nothing to refund");
        return await RefundChargeAsync(db, charge, refund.AmountMinor, refund.Id, ct);
    }

    /// <summary>
    /// Gives money back once per idempotency key, and never more than the charge took: the key's
    /// insert decides between two requests with one key, and a conditional update between two
    /// refunds racing for what is left. Like a real provider, it then notifies the merchant of the
    /// refund, naming the key it was asked with.
    /// </summary>
    internal async Task<ProviderRefundResult> RefundChargeAsync(PaydeskDb db, MockCharge charge, long amount, string key, CancellationToken ct)
    {
        if (await RefundMadeWith(db, key, ct) is { } made) return made;
        if (charge.Status != "succeeded") return ProviderRefundResult.No("the charge has not succeeded; there is nothing to refund");
        // The dashboard's "all that is left" of a charge refunded in full is nothing: not a refund to report.
        if (amount <= 0) return ProviderRefundResult.No("there is nothing left of the charge to refund");
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            db.MockRefunds.Add(new MockRefund { IdempotencyKey = key, ChargeId = charge.Id, AmountMinor = amount, CreatedAt = time.GetUtcNow() });
            await db.SaveChangesAsync(ct);
            var now = PaydeskDb.Stored(time.GetUtcNow());
            var taken = await db.MockCharges
                .Where(c => c.Id == charge.Id && c.Status == "succeeded" && c.RefundedMinor + amount <= c.AmountMinor)
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.RefundedMinor, c => c.RefundedMinor + amount).SetProperty(c => c.UpdatedAt, now), ct);
            // Not committed: the key is given back with the refusal.
            if (taken == 0) return ProviderRefundResult.No("the refund is larger than what is left of the charge");
            await transaction.CommitAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another request with the same key made the refund meanwhile: answer as it was answered.
            db.ChangeTracker.Clear();
            return await RefundMadeWith(db, key, CancellationToken.None) ?? throw new InvalidOperationException(
                $"The Mock provider could not record refund {key}.");
        }

        var refunded = await db.MockCharges.AsNoTracking().Where(c => c.Id == charge.Id).Select(c => c.RefundedMinor).FirstAsync(ct);
        var status = refunded >= charge.AmountMinor ? "refunded" : "partially_refunded";
        var at = time.GetUtcNow();
        notifier.Enqueue(new MockDelivery(charge.NotifyUrl, charge.AccountId,
            new MockEvent(MockNotifier.NewEventId(), $"payment.{status}", charge.PaymentId, charge.Id, status, charge.AmountMinor, charge.Currency, at,
                new MockRefundEvent(RefundIdFor(key), amount, IsPaydeskKey(key) ? key : null)),
            at, 1));
        return ProviderRefundResult.Done(RefundIdFor(key));
    }

    public async Task<ProviderRefunds> GetRefundsAsync(ProviderAccount account, Payment payment, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PaydeskDb>();
        var refunds = await db.MockRefunds.AsNoTracking()
            .Where(r => db.MockCharges.Any(c => c.Id == r.ChargeId && c.AccountId == account.Id && c.IdempotencyKey == payment.IdempotencyKey))
            .OrderBy(r => r.CreatedAt).ToListAsync(ct);
        return new ProviderRefunds(
            [.. refunds.Select(r => new ReportedRefund(RefundIdFor(r.IdempotencyKey), r.AmountMinor, IsPaydeskKey(r.IdempotencyKey) ? r.IdempotencyKey : null))],
            refunds.Sum(r => r.AmountMinor));
    }

    /// <summary>A refund made in the Mock provider's "dashboard" has a key of its own; one Paydesk asked for has Paydesk's refund id.</summary>
    public const string DashboardKeyPrefix = "mdash_";

    private static bool IsPaydeskKey(string key) => !key.StartsWith(DashboardKeyPrefix, StringComparison.Ordinal);

    private static async Task<ProviderRefundResult?> RefundMadeWith(PaydeskDb db, string key, CancellationToken ct) =>
        await db.MockRefunds.AsNoTracking().AnyAsync(r => r.IdempotencyKey == key, ct) ? ProviderRefundResult.Done(RefundIdFor(key)) : null;

    public static string RefundIdFor(string key) => "mre_" + key;

    public static PaymentStatus StatusOf(string chargeStatus) => chargeStatus switch
    {
        "open" or "pending" => PaymentStatus.Pending,
        "succeeded" => PaymentStatus.Succeeded,
        "failed" => PaymentStatus.Failed,
        "canceled" => PaymentStatus.Canceled,
        _ => PaymentStatus.Unknown,
    };

    public static string SignatureHeaderValue(string secret, long timestamp, string rawBody) => StripeSignature.HeaderValue(secret, timestamp, rawBody);
}
