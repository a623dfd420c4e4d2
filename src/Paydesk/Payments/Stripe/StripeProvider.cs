using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Paydesk.Core;
using global::Stripe;
using global::Stripe.Checkout;

namespace Paydesk.Payments.Stripe;

public sealed class StripeOptions
{
    /// <summary>Stripe's API: production by default; the emulator's address in tests and demos.</summary>
    public string BaseUrl { get; set; } = "https://api.stripe.com";

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Stripe through its official client (Stripe.net), a client per account: Checkout Sessions in
/// payment mode, or setup mode when nothing is due now (a free trial's card), (Paydesk's payment id as <c>client_reference_id</c> and in the metadata of the
/// session and its PaymentIntent; the payment's idempotency key as Stripe's), webhooks verified by
/// <see cref="StripeSignature"/> and read here (checkout completed, paid later, failed or expired;
/// PaymentIntents of off-session charges; charges refunded), refunds with the refund's id as their
/// idempotency key and in their metadata, off-session charges of the card a session saved.
/// </summary>
public sealed class StripeProvider(IHttpClientFactory http, IOptions<StripeOptions> options, ProviderSecrets secrets, TimeProvider time)
    : IPaymentProvider, IListsEvents
{
    public const string ProviderName = "stripe";
    public const string HttpClientName = "stripe";

    /// <summary>The metadata key that carries Paydesk's payment id (and a refund's, <see cref="RefundKey"/>).</summary>
    public const string PaymentKey = "paydesk_payment";
    public const string RefundKey = "paydesk_refund";

    /// <summary>How long a checkout session can be paid: Stripe allows 30 minutes to 24 hours.</summary>
    public static readonly TimeSpan CheckoutLifetime = TimeSpan.FromHours(23);

    public string Name => ProviderName;

    public bool Accepts(Currency currency) => true;

    /// <summary>A Checkout Session in setup mode keeps a card (on a customer made for it) and charges nothing.</summary>
    public bool KeepsCardsWithoutCharge => true;

    public async Task<CheckoutSession> CreateCheckoutAsync(ProviderAccount account, CheckoutRequest request, CancellationToken ct)
    {
        var metadata = new Dictionary<string, string> { [PaymentKey] = request.PaymentId };
        var locale = request.Language is "en" or "ru" or "ro" or "de" or "fr" or "es" ? request.Language : null;
        if (request.Amount.IsZero)
        {
            // Nothing due now (a free trial): setup mode keeps the card for the charges after it.
            var setup = await CallAsync(() => new SessionService(Client(account)).CreateAsync(new SessionCreateOptions
            {
                Mode = "setup", Currency = request.Amount.Currency.Code.ToLowerInvariant(), CustomerCreation = "always",
                SuccessUrl = request.SuccessUrl, CancelUrl = request.CancelUrl, ClientReferenceId = request.PaymentId, Metadata = metadata,
                SetupIntentData = new() { Metadata = metadata, Description = Api.Text.Cut(request.Description, 500) },
                ExpiresAt = (time.GetUtcNow() + CheckoutLifetime).UtcDateTime, Locale = locale,
            }, new RequestOptions { IdempotencyKey = request.IdempotencyKey }, ct));
            return new CheckoutSession(setup.Id, setup.Url);
        }
        var session = await CallAsync(() => new SessionService(Client(account)).CreateAsync(new SessionCreateOptions
        {
            Mode = "payment", SuccessUrl = request.SuccessUrl, CancelUrl = request.CancelUrl, ClientReferenceId = request.PaymentId, Metadata = metadata,
            LineItems =
            [
                new()
                {
                    Quantity = 1,
                    PriceData = new() { Currency = request.Amount.Currency.Code.ToLowerInvariant(), UnitAmount = request.Amount.Minor, ProductData = new() { Name = Api.Text.Cut(request.Description, 250) } },
                },
            ],
            PaymentIntentData = new() { Metadata = metadata, SetupFutureUsage = request.SaveMethod ? "off_session" : null },
            ExpiresAt = (time.GetUtcNow() + CheckoutLifetime).UtcDateTime, Locale = locale,
        }, new RequestOptions { IdempotencyKey = request.IdempotencyKey }, ct));
        return new CheckoutSession(session.Id, session.Url);
    }

    /// <summary>The events Paydesk reads (and asks the events list for); any other is answered 2xx and left alone.</summary>
    public static readonly string[] EventTypes =
    [
        "checkout.session.completed", "checkout.session.async_payment_succeeded", "checkout.session.async_payment_failed", "checkout.session.expired",
        "payment_intent.succeeded", "payment_intent.payment_failed", "setup_intent.succeeded", "setup_intent.setup_failed", "charge.refunded", "charge.dispute.created",
    ];

    public NotificationCheck CheckNotification(ProviderAccount account, IReadOnlyDictionary<string, string> headers, string rawBody, DateTimeOffset now)
    {
        if (!headers.TryGetValue(StripeSignature.Header, out var header)) return NotificationCheck.Refused($"no {StripeSignature.Header} header");
        if (StripeSignature.Refusal(header, rawBody, () => secrets.Reveal(account, ProviderSecret.Webhook), now) is { } refusal) return NotificationCheck.Refused(refusal);
        return ReadEvent(rawBody, now);
    }

    public NotificationCheck ReadEvent(string rawBody, DateTimeOffset now)
    {
        JsonObject? e;
        try
        {
            e = JsonNode.Parse(rawBody) as JsonObject;
        }
        catch (JsonException)
        {
            return NotificationCheck.Unreadable("body", "is not JSON");
        }
        if (e?["id"]?.ToString() is not { } eventId || e["type"]?.ToString() is not { } type || e["data"]?["object"] is not JsonObject o)
            return NotificationCheck.Unreadable("data.object", "is missing");
        var paymentId = o["metadata"]?[PaymentKey]?.ToString() ?? o["client_reference_id"]?.ToString();
        var at = e["created"] is JsonValue created && created.TryGetValue<long>(out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : now;
        ProviderNotification Note(PaymentStatus status, long? amount) => new(eventId, paymentId!, o["id"]?.ToString(), status, amount,
            o["currency"]?.ToString().ToUpperInvariant() ?? "", at, type);
        long? Long(string name) => o[name] is JsonValue v && v.TryGetValue<long>(out var n) ? n : null;
        SavedMethodReport? Kept() => o["customer"]?.ToString() is { Length: > 0 } customer && o["payment_method"]?.ToString() is { Length: > 0 } method
            ? new SavedMethodReport($"{customer}/{method}", null, null, null, null)
            : null;

        var note = type switch
        {
            "checkout.session.completed" => Note(o["payment_status"]?.ToString() is "paid" or "no_payment_required" ? PaymentStatus.Succeeded : PaymentStatus.Pending, Long("amount_total")),
            "checkout.session.async_payment_succeeded" => Note(PaymentStatus.Succeeded, Long("amount_total")),
            "checkout.session.async_payment_failed" => Note(PaymentStatus.Failed, null),
            "checkout.session.expired" => Note(PaymentStatus.Expired, null),
            "payment_intent.succeeded" => Note(PaymentStatus.Succeeded, Long("amount")) with { SavedMethod = Kept() },
            "payment_intent.payment_failed" => Note(PaymentStatus.Failed, null),
            // A setup-mode checkout's card, kept with no charge (a free trial): nothing was taken, so there is no amount to check.
            "setup_intent.succeeded" => Note(PaymentStatus.Succeeded, null) with { SavedMethod = Kept() },
            "setup_intent.setup_failed" => Note(PaymentStatus.Failed, null),
            "charge.refunded" => Note(Long("amount_refunded") >= Long("amount") ? PaymentStatus.Refunded : PaymentStatus.PartiallyRefunded, null),
            // A dispute carries no metadata of Paydesk's: its PaymentIntent's does (CompleteAsync asks for it).
            "charge.dispute.created" when o["payment_intent"]?.ToString() is { Length: > 0 } intent => Note(PaymentStatus.Succeeded, null) with
            {
                PaymentId = paymentId ?? "", ProviderPaymentId = intent, LookUp = paymentId is null ? intent : null,
                Dispute = new ReportedDispute(o["id"]?.ToString() ?? "", Long("amount") ?? 0, o["reason"]?.ToString() ?? "unknown"),
            },
            _ => null,
        };
        if (note is null) return NotificationCheck.Ignored($"Paydesk takes no action on '{type}'");
        if (note.Dispute is not null) return NotificationCheck.Verified(note);
        if (paymentId is null) return NotificationCheck.Unreadable($"data.object.metadata.{PaymentKey}", "is missing: the object was not made by Paydesk");
        return NotificationCheck.Verified(note);
    }

    /// <summary>
    /// A dispute's payment, from its PaymentIntent's metadata; the brand, last four digits and expiry
    /// of a kept card, from its PaymentMethod (when Stripe cannot say, the card is kept without them).
    /// </summary>
    public async Task<ProviderNotification> CompleteAsync(ProviderAccount account, ProviderNotification notification, CancellationToken ct)
    {
        if (notification.LookUp is { } intentId)
        {
            var intent = await CallAsync(() => new PaymentIntentService(Client(account)).GetAsync(intentId, null, null, ct));
            notification = notification with { PaymentId = intent.Metadata?.GetValueOrDefault(PaymentKey) ?? "", LookUp = null };
        }
        if (notification.SavedMethod is { Brand: null } saved && saved.ProviderMethodId.Split('/', 2) is [_, var methodId])
        {
            try
            {
                var card = (await new PaymentMethodService(Client(account)).GetAsync(methodId, null, null, ct)).Card;
                if (card is not null)
                    notification = notification with
                    {
                        SavedMethod = saved with { Brand = card.Brand, Last4 = card.Last4, ExpMonth = (int)card.ExpMonth, ExpYear = (int)card.ExpYear },
                    };
            }
            catch (Exception e) when (ProviderErrors.Classify(e is StripeException s ? Failure(s) : e) is not null)
            {
                // The card is kept all the same: renewals need only its id.
            }
        }
        return notification;
    }

    /// <summary>Stripe takes any 2xx; Paydesk says what it made of the event, as it tells its own callers.</summary>
    public IResult Acknowledge(ProviderNotification notification, NotificationReceived received) => TypedResults.Ok(received);

    /// <summary>
    /// The events list, newest first a page of 100 at a time (<c>starting_after</c> the last of a
    /// page while <c>has_more</c>), filtered to <see cref="EventTypes"/> and made oldest first.
    /// </summary>
    public async Task<IReadOnlyList<string>> EventsSinceAsync(ProviderAccount account, DateTimeOffset since, CancellationToken ct)
    {
        var client = Client(account);
        var filter = $"created[gte]={since.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}&limit=100" +
                     string.Concat(EventTypes.Select((t, i) => $"&types[{i.ToString(CultureInfo.InvariantCulture)}]={Uri.EscapeDataString(t)}"));
        var events = new List<string>();
        for (string? after = null; ;)
        {
            var path = $"/v1/events?{filter}{(after is null ? "" : $"&starting_after={Uri.EscapeDataString(after)}")}";
            var page = await CallAsync(() => client.RawRequestAsync(HttpMethod.Get, path, null, null, ct));
            var list = JsonNode.Parse(page.Content) as JsonObject ?? throw new JsonException("Stripe's events list is not a JSON object.");
            var data = list["data"] as JsonArray ?? throw new JsonException("Stripe's events list has no data.");
            events.AddRange(data.OfType<JsonObject>().Select(o => o.ToJsonString()));
            if (list["has_more"]?.GetValue<bool>() != true || data.Count == 0) break;
            after = data[^1]?["id"]?.ToString();
        }
        events.Reverse();
        return events;
    }

    public async Task<ProviderPaymentState> GetStateAsync(ProviderAccount account, Payment payment, CancellationToken ct)
    {
        var client = Client(account);
        switch (payment.ProviderPaymentId)
        {
            // The session was never made, or its answer never came: Paydesk never gave anyone its page, so nothing can be paid.
            case null:
                return new ProviderPaymentState(PaymentStatus.Canceled, null, null);
            case { } id when id.StartsWith("cs_", StringComparison.Ordinal):
                var session = await CallAsync(() => new SessionService(client).GetAsync(id, null, null, ct));
                return (session.Status, session.PaymentStatus) switch
                {
                    // A setup-mode session (a card kept for a free trial) has no amount.
                    ("complete", "paid" or "no_payment_required") => new ProviderPaymentState(PaymentStatus.Succeeded, session.AmountTotal, session.Currency?.ToUpperInvariant()),
                    ("expired", _) => new ProviderPaymentState(PaymentStatus.Expired, null, null),
                    _ => new ProviderPaymentState(PaymentStatus.Pending, null, null),
                };
            case { } id:
                var intent = await CallAsync(() => new PaymentIntentService(client).GetAsync(id, null, null, ct));
                return new ProviderPaymentState(StatusOf(intent.Status), intent.Status == "succeeded" ? intent.Amount : null, intent.Currency.ToUpperInvariant());
        }
    }

    public async Task<ProviderChargeResult> ChargeSavedMethodAsync(ProviderAccount account, Payment payment, string savedMethod, ReceiptRequest? receipt, CancellationToken ct)
    {
        var (customer, method) = savedMethod.Split('/', 2) is [var c, var m] ? (c, m) : throw new ArgumentException("A Stripe saved method is customer/payment method.", nameof(savedMethod));
        try
        {
            var intent = await new PaymentIntentService(Client(account)).CreateAsync(new PaymentIntentCreateOptions
            {
                Amount = payment.AmountMinor, Currency = payment.Currency.ToLowerInvariant(), Customer = customer, PaymentMethod = method,
                OffSession = true, Confirm = true, Metadata = new() { [PaymentKey] = payment.Id },
            }, new RequestOptions { IdempotencyKey = payment.IdempotencyKey }, ct);
            return new ProviderChargeResult(StatusOf(intent.Status), intent.Id, null);
        }
        catch (StripeException e) when (e.StripeError?.Type == "card_error")
        {
            return new ProviderChargeResult(PaymentStatus.Failed, e.StripeError.PaymentIntent?.Id, $"Stripe: {e.StripeError.Code}: {e.StripeError.Message}");
        }
        catch (StripeException e)
        {
            throw Failure(e);
        }
    }

    public async Task<ProviderRefundResult> RefundAsync(ProviderAccount account, Payment payment, Refund refund, ReceiptRequest? receipt, CancellationToken ct)
    {
        if (await PaymentIntentOfAsync(account, payment, ct) is not { } intent) return ProviderRefundResult.No("Stripe has no charge for this payment");
        try
        {
            var made = await new RefundService(Client(account)).CreateAsync(new RefundCreateOptions
            {
                PaymentIntent = intent, Amount = refund.AmountMinor, Metadata = new() { [RefundKey] = refund.Id, [PaymentKey] = payment.Id },
            }, new RequestOptions { IdempotencyKey = refund.Id }, ct);
            return ProviderRefundResult.Done(made.Id);
        }
        catch (StripeException e) when (e.HttpStatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound or HttpStatusCode.PaymentRequired)
        {
            return ProviderRefundResult.No($"Stripe: {e.StripeError?.Code}: {e.StripeError?.Message}");
        }
        catch (StripeException e)
        {
            throw Failure(e);
        }
    }

    public async Task<ProviderRefunds> GetRefundsAsync(ProviderAccount account, Payment payment, CancellationToken ct)
    {
        if (await PaymentIntentOfAsync(account, payment, ct) is not { } intent) return new ProviderRefunds([], 0);
        var listed = await CallAsync(() => new RefundService(Client(account)).ListAsync(new RefundListOptions { PaymentIntent = intent, Limit = 100 }, null, ct));
        var refunds = listed.Data.Where(r => r.Status is "succeeded" or "pending")
            .Select(r => new ReportedRefund(r.Id, r.Amount, r.Metadata?.GetValueOrDefault(RefundKey))).ToList();
        return new ProviderRefunds(refunds, refunds.Sum(r => r.AmountMinor));
    }

    public async Task<ConnectionCheck> CheckConnectionAsync(ProviderAccount account, CancellationToken ct)
    {
        try
        {
            // A PaymentIntent that cannot exist: Stripe checks the key before it looks for it.
            await new PaymentIntentService(Client(account)).GetAsync("pi_paydesk_connection_check", null, null, ct);
            return new ConnectionCheck(true, "Stripe accepted the secret key.");
        }
        catch (StripeException e) when (e.HttpStatusCode == HttpStatusCode.NotFound)
        {
            return new ConnectionCheck(true, "Stripe accepted the secret key.");
        }
        catch (Exception e) when (ProviderErrors.Classify(e is StripeException s ? Failure(s) : e) is { } failure)
        {
            return new ConnectionCheck(false, $"{ProviderErrors.Describe(failure, "Stripe")}. {(e is StripeException se ? se.StripeError?.Message : e.Message)}");
        }
    }

    /// <summary>The PaymentIntent that took the money: the payment's own, or its checkout session's (null while it has none).</summary>
    private async Task<string?> PaymentIntentOfAsync(ProviderAccount account, Payment payment, CancellationToken ct) =>
        payment.ProviderPaymentId switch
        {
            null => null,
            { } id when id.StartsWith("cs_", StringComparison.Ordinal) => (await CallAsync(() => new SessionService(Client(account)).GetAsync(id, null, null, ct))).PaymentIntentId,
            { } id => id,
        };

    public static PaymentStatus StatusOf(string status) => status switch
    {
        "succeeded" => PaymentStatus.Succeeded,
        "processing" or "requires_action" or "requires_confirmation" or "requires_capture" => PaymentStatus.Pending,
        "requires_payment_method" => PaymentStatus.Failed,
        "canceled" => PaymentStatus.Canceled,
        _ => PaymentStatus.Unknown,
    };

    /// <summary>What a Stripe error means for Paydesk, as <see cref="ProviderErrors"/> reads provider trouble.</summary>
    public static ProviderException Failure(StripeException e) => new(
        e.StripeError?.Type == "card_error" ? ProviderFailure.Declined : ProviderErrors.ForHttpStatus(e.HttpStatusCode),
        $"Stripe answered {(int)e.HttpStatusCode}: {e.StripeError?.Code} {e.StripeError?.Message}".Trim());

    private static async Task<T> CallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (StripeException e)
        {
            throw Failure(e);
        }
    }

    private StripeClient Client(ProviderAccount account)
    {
        var client = http.CreateClient(HttpClientName);
        client.Timeout = options.Value.Timeout;
        return new StripeClient(secrets.Credential(account, "secretKey"), httpClient: new SystemNetHttpClient(client, 2), apiBase: options.Value.BaseUrl.TrimEnd('/'));
    }
}
