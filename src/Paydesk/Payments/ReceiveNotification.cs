using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Core;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Payments;

/// <summary>What a provider is answered when its notification was taken.</summary>
/// <param name="Outcome">What became of it: <c>applied</c>, <c>duplicate</c> (seen before, ignored), <c>already</c>, <c>ignored</c>
/// (a move the payment's state machine refuses), <c>amount_mismatch</c>, <c>review</c>, <c>unknown_payment</c>…</param>
public sealed record NotificationReceived(bool Received, string Outcome);

/// <summary>
/// <c>POST /webhooks/{provider}/{accountId}</c>: verify the signature over the raw body, store the
/// event in the inbox under the provider's event id (a redelivery is acknowledged and ignored),
/// and apply it — all of it in one transaction, so an event is applied at most once.
/// </summary>
public sealed class ReceiveNotification(IServiceScopeFactory scopes, ProviderRegistry providers, TimeProvider time, ILogger<ReceiveNotification> log)
{
    public const int MaxBodyBytes = 64 * 1024;

    public async Task<IResult> Run(string providerName, string accountId, HttpRequest request, CancellationToken ct)
    {
        var provider = providers.Find(providerName);
        if (provider is null) return Refuse(StatusCodes.Status404NotFound, "Unknown provider", $"No provider '{providerName}' is enabled here.");

        if (request.ContentLength > MaxBodyBytes)
            return Refuse(StatusCodes.Status413PayloadTooLarge, "Request body too large", "A notification is at most 64 KiB.");
        // Without a Content-Length the limit holds while the body streams in.
        if (request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = MaxBodyBytes;
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var raw = await reader.ReadToEndAsync(ct);
        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);

        // The URL names the account before any tenant is known: its tenant is found the narrow way.
        ProviderAccount? account = null;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PaydeskDb>();
            if (await Installation.TenantOfProviderAccountAsync(db, accountId, provider.Name, ct) is { } tenantId)
            {
                db.Tenant.Set(tenantId, Role.TenantAdmin);
                account = await db.ProviderAccounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == accountId, ct);
            }
        }
        if (account is null) return Refuse(StatusCodes.Status404NotFound, "Unknown account", $"No {provider.Name} account '{accountId}'.");

        var check = provider.CheckNotification(account, headers, raw, time.GetUtcNow());
        if (check.IsIgnored)
        {
            log.LogInformation("A verified {Provider} notification for account {AccountId} needs nothing done: {Reason}", provider.Name, accountId, check.Refusal);
            return TypedResults.Ok(new NotificationReceived(true, "ignored_type"));
        }
        if (check.UnreadableField is { } field)
        {
            // Signed by the provider, so retrying will not make it readable: say what is wrong, once.
            log.LogWarning("A verified {Provider} notification for account {AccountId} is unreadable: {Field} {Reason}",
                provider.Name, accountId, field, check.Refusal);
            return (Problem.Invalid(field, check.Refusal!) with { Title = "Notification unreadable" }).ToHttp();
        }
        if (check.Notification is not { } notification)
        {
            log.LogWarning("Refused a {Provider} notification for account {AccountId}: {Reason}", provider.Name, accountId, check.Refusal);
            return Refuse(StatusCodes.Status400BadRequest, "Notification refused", "The notification could not be verified.");
        }

        string outcome;
        try
        {
            outcome = await ReceiveAsync(provider, account, notification, raw, headers, ct);
        }
        catch (Exception e) when (ProviderErrors.Classify(e) is { } failure)
        {
            // Nothing was stored: the provider sends it again, and Paydesk asks again.
            log.LogWarning(e, "Notification {EventId} could not be completed ({Trouble}); refused for now", notification.EventId, ProviderErrors.Describe(failure, provider.Name));
            return Refuse(StatusCodes.Status503ServiceUnavailable, "Try again later", $"Paydesk could not ask {provider.Name} about this notification; send it again.");
        }
        return provider.Acknowledge(notification, new NotificationReceived(true, outcome));
    }

    /// <summary>
    /// Takes a verified notification — delivered, or read from the provider's events list
    /// (<see cref="CatchUpEvents"/>) — into the inbox and applies it: what it leaves out asked of the
    /// provider first (<see cref="IPaymentProvider.CompleteAsync"/>, which throws on provider trouble,
    /// before anything is stored). Answers the outcome, <c>duplicate</c> when the inbox has it already.
    /// </summary>
    public async Task<string> ReceiveAsync(
        IPaymentProvider provider, ProviderAccount account, ProviderNotification notification, string raw, Dictionary<string, string> headers, CancellationToken ct)
    {
        notification = await provider.CompleteAsync(account, notification, ct);
        var providerSays = await ConfirmFailureAsync(provider, account, notification, ct);

        // Two deliveries of one event race on the inbox's unique key: the loser answers "duplicate".
        for (var attempt = 1; ; attempt++)
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(account.TenantId, Role.TenantAdmin);
            var db = scope.ServiceProvider.GetRequiredService<PaydeskDb>();
            try
            {
                // The provider gets its answer now; what the payment set going (fulfilment, an
                // automatic refund) was queued in the same transaction and runs on the workers.
                return await ApplyAsync(scope.ServiceProvider, db, account, notification, providerSays, raw, headers, ct);
            }
            catch (DbUpdateException e)
            {
                if (await IsInInbox(account, notification.EventId, ct)) return "duplicate";
                if (attempt >= 5) throw;
                log.LogInformation(e, "Notification {EventId} collided with another change; retrying", notification.EventId);
            }
        }
    }

    /// <summary>
    /// A failure can be older than a success that has not arrived yet (a delivery delayed, or
    /// retried after it failed), and a failed payment is final: so before a failure settles an
    /// unsettled payment, the provider is asked, outside any transaction, what became of it.
    /// Answers what the provider says when it has settled otherwise, else null (the notification
    /// stands: the provider agrees, cannot tell yet, or did not answer).
    /// </summary>
    private async Task<PaymentStatus?> ConfirmFailureAsync(
        IPaymentProvider provider, ProviderAccount account, ProviderNotification notification, CancellationToken ct)
    {
        if (notification.Status is not (PaymentStatus.Failed or PaymentStatus.Canceled or PaymentStatus.Expired)) return null;
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(account.TenantId, Role.TenantAdmin);
        var payment = await scope.ServiceProvider.GetRequiredService<PaydeskDb>().Payments.AsNoTracking()
            .FirstOrDefaultAsync(p => p.Id == notification.PaymentId && p.ProviderAccountId == account.Id, ct);
        if (payment is null || PaymentStates.IsSettled(payment.Status)) return null;
        try
        {
            var state = await provider.GetStateAsync(account, payment, ct);
            return PaymentStates.IsSettled(state.Status) && state.Status != notification.Status ? state.Status : null;
        }
        catch (Exception e) when (ProviderErrors.Classify(e) is { } failure)
        {
            log.LogWarning(e, "Notification {EventId}: the failure of payment {PaymentId} could not be confirmed ({Trouble}); it stands",
                notification.EventId, payment.Id, ProviderErrors.Describe(failure, provider.Name));
            return null;
        }
    }

    private async Task<string> ApplyAsync(
        IServiceProvider services, PaydeskDb db, ProviderAccount account, ProviderNotification notification, PaymentStatus? providerSays,
        string raw, Dictionary<string, string> headers, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await db.WebhookEvents.AnyAsync(e => e.Provider == account.Provider && e.AccountId == account.Id && e.ProviderEventId == notification.EventId, ct))
            return "duplicate";

        var now = time.GetUtcNow();
        var stored = new WebhookEvent
        {
            TenantId = "", Id = services.GetRequiredService<IdGenerator>().New("evt"), Provider = account.Provider, AccountId = account.Id,
            ProviderEventId = notification.EventId, RawBody = raw, Headers = JsonSerializer.Serialize(headers), ReceivedAt = now,
        };
        db.WebhookEvents.Add(stored);
        // The event's own insert decides a race between two deliveries of it.
        await db.SaveChangesAsync(ct);

        // Locked: a refund, a reconcile or another notification of this payment waits until this commits.
        var payment = await db.LockedAsync<Payment>(notification.PaymentId, ct) is { } found && found.ProviderAccountId == account.Id ? found : null;
        string outcome;
        if (payment is null)
        {
            outcome = "unknown_payment";
            log.LogWarning("Notification {EventId} names a payment {PaymentId} this account does not have", notification.EventId, notification.PaymentId);
        }
        else
        {
            var outcomes = services.GetRequiredService<PaymentOutcomes>();
            outcomes.Log(payment, OperationKind.Notification, $"{notification.Type} ({notification.EventId})", Api.Text.Cut(raw, 4000));
            payment.ProviderPaymentId ??= notification.ProviderPaymentId;
            var source = $"notification {notification.EventId}";
            var status = notification.Status;
            if (providerSays is { } said)
            {
                // An older failure: what the provider says now is what happened.
                outcomes.Log(payment, OperationKind.Response, $"{account.Provider} says {said.ToApi()}");
                (status, source) = (said, $"{source} ({notification.Status.ToApi()}, which {account.Provider} says is not so)");
            }
            // A card kept for renewals is the customer's from now on, whatever the notification does to the payment.
            if (notification.SavedMethod is { } saved && await services.GetRequiredService<SavedMethods>().KeepAsync(payment, saved, ct))
                outcomes.Log(payment, OperationKind.Notification, $"{account.Provider} kept the payment method {saved.Brand} •••• {saved.Last4} for later charges");
            if (notification.Dispute is { } dispute)
            {
                // Not a move of the payment: the money stays taken until the dispute is lost, and a person answers it.
                outcomes.Review(payment, $"{account.Provider} reports dispute {dispute.ProviderDisputeId} over " +
                    $"{new Money(dispute.AmountMinor, Currency.Parse(payment.Currency))} ({dispute.Reason}); answer it in {account.Provider}'s dashboard.");
                outcome = "dispute";
            }
            else
            {
                outcome = status is PaymentStatus.Refunded or PaymentStatus.PartiallyRefunded
                    ? await outcomes.ApplyRefundReportAsync(payment, notification.AmountMinor, notification.Currency, notification.Refund, source, ct)
                    : await outcomes.ApplyAsync(payment, status, notification.AmountMinor, notification.Currency, source, ct);
            }
        }
        stored.ProcessedAt = now;
        stored.Outcome = outcome;
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return outcome;
    }

    private async Task<bool> IsInInbox(ProviderAccount account, string eventId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(account.TenantId, Role.TenantAdmin);
        return await scope.ServiceProvider.GetRequiredService<PaydeskDb>().WebhookEvents
            .AnyAsync(e => e.Provider == account.Provider && e.AccountId == account.Id && e.ProviderEventId == eventId, ct);
    }

    private static IResult Refuse(int status, string title, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title);
}
