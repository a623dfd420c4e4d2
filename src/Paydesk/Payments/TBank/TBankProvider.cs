using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Paydesk.Core;
using Paydesk.Payments.Fiscal;

namespace Paydesk.Payments.TBank;

public sealed class TBankOptions
{
    /// <summary>Where T-Bank's API is: production by default; the emulator's address in tests and demos.</summary>
    public string BaseUrl { get; set; } = "https://securepay.tinkoff.ru";

    /// <summary>How long to wait for an answer; T-Bank itself waits 10 s for a notification's.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// T-Bank's acquiring API v2 (<c>Init</c>, <c>Charge</c>, <c>GetState</c>, <c>CheckOrder</c>,
/// <c>Cancel</c>, the cashbox's <c>SendClosingReceipt</c>), every request signed with the
/// terminal's <see cref="TBankToken"/>. Paydesk's payment id is T-Bank's <c>OrderId</c>; T-Bank's
/// <c>PaymentId</c> is the provider's payment id. One-stage payments only (<c>PayType</c> is the
/// terminal's, which Paydesk expects to be one-stage): <c>CONFIRMED</c> is paid.
/// </summary>
public sealed class TBankProvider(IHttpClientFactory http, IOptions<TBankOptions> options, ProviderSecrets secrets, ILogger<TBankProvider> log)
    : IPaymentProvider, IClosingReceiptProvider, INamesNoRefunds
{
    public const string ProviderName = "tbank";
    public const string HttpClientName = "tbank";

    public string Name => ProviderName;

    public bool SendsReceipts => true;

    public bool Accepts(Currency currency) => currency.Code == "RUB";

    /// <summary>T-Bank closes a prepayment part by part: one receipt per session used.</summary>
    public bool ClosesOncePerPayment => false;

    public async Task<CheckoutSession> CreateCheckoutAsync(ProviderAccount account, CheckoutRequest request, CancellationToken ct)
    {
        if (request.Amount.Currency.Code != "RUB")
            throw new ProviderException(ProviderFailure.InvalidRequest, $"T-Bank takes payments in roubles only, not {request.Amount.Currency.Code}.");
        var init = new JsonObject
        {
            ["Amount"] = request.Amount.Minor, ["OrderId"] = request.PaymentId, ["Description"] = Api.Text.Cut(request.Description, 140),
            ["NotificationURL"] = request.NotifyUrl, ["SuccessURL"] = request.SuccessUrl, ["FailURL"] = request.CancelUrl,
        };
        if (request.Language is "ru" or "en") init["Language"] = request.Language;
        if (request.SaveMethod)
        {
            init["Recurrent"] = "Y";
            init["CustomerKey"] = request.CustomerId;
        }
        if (request.Receipt is { } receipt) init["Receipt"] = ReceiptFormats.TBank(receipt.Receipt, receipt.Taxation, receipt.Email, receipt.Phone);
        var answer = await CallAsync(account, "v2/Init", init, ct);
        var url = Text(answer, "PaymentURL") ?? throw new ProviderException(ProviderFailure.Outage, "T-Bank's Init answered without a PaymentURL.");
        return new CheckoutSession(Text(answer, "PaymentId")!, url);
    }

    public NotificationCheck CheckNotification(ProviderAccount account, IReadOnlyDictionary<string, string> headers, string rawBody, DateTimeOffset now)
    {
        JsonObject? fields;
        try
        {
            fields = JsonNode.Parse(rawBody) as JsonObject;
        }
        catch (JsonException)
        {
            return NotificationCheck.Refused("the body is not JSON");
        }
        if (fields is null) return NotificationCheck.Refused("the body is not a JSON object");
        var credentials = secrets.Credentials(account);
        if (!credentials.TryGetValue("password", out var password) || !credentials.TryGetValue("terminalKey", out var terminalKey))
            return NotificationCheck.Refused("the account has no terminal key and password to verify with");
        if (Text(fields, "TerminalKey") != terminalKey) return NotificationCheck.Refused("the notification is for another terminal");
        if (!TBankToken.Verify(fields, password)) return NotificationCheck.Refused("the Token does not match");

        if (Text(fields, "OrderId") is not { Length: > 0 } orderId) return NotificationCheck.Unreadable("OrderId", "is missing");
        if (Text(fields, "PaymentId") is not { Length: > 0 } paymentId) return NotificationCheck.Unreadable("PaymentId", "is missing");
        if (Text(fields, "Status") is not { Length: > 0 } tbankStatus) return NotificationCheck.Unreadable("Status", "is missing");
        if (Long(fields, "Amount") is not { } amount) return NotificationCheck.Unreadable("Amount", "is missing or not a whole number of kopecks");
        var status = StatusOf(tbankStatus);
        var refund = status is PaymentStatus.Refunded or PaymentStatus.PartiallyRefunded;
        // T-Bank sends no event id: a payment's status and what is left of it name one event, so a redelivery is known.
        return NotificationCheck.Verified(new ProviderNotification(
            $"{paymentId}:{tbankStatus}:{amount}", orderId, paymentId, status, refund ? null : amount, "RUB", now, tbankStatus)
        {
            // Sent with AUTHORIZED and CONFIRMED when Init asked for Recurrent: what renewals charge.
            SavedMethod = Text(fields, "RebillId") is { Length: > 0 } rebill && status != PaymentStatus.Failed
                ? SavedMethodReport.FromCard(rebill, Text(fields, "Pan"), Text(fields, "ExpDate"))
                : null,
        });
    }

    /// <summary>T-Bank stops resending only on HTTP 200 with the body <c>OK</c>.</summary>
    public IResult Acknowledge(ProviderNotification notification, NotificationReceived received) => Results.Text("OK", "text/plain");

    public async Task<ProviderPaymentState> GetStateAsync(ProviderAccount account, Payment payment, CancellationToken ct)
    {
        var (status, amount) = await StateAsync(account, payment, ct);
        return status is null
            ? new ProviderPaymentState(PaymentStatus.Canceled, null, null) // Init never reached T-Bank: nothing can be paid.
            : new ProviderPaymentState(StatusOf(status), status is "CONFIRMED" ? amount : null, "RUB");
    }

    /// <summary>
    /// The payment at T-Bank: by its PaymentId when Paydesk heard it, else by OrderId (an Init whose
    /// answer was lost) — the latest of the order's payments. Null when T-Bank has none.
    /// </summary>
    private async Task<(string? Status, long? Amount)> StateAsync(ProviderAccount account, Payment payment, CancellationToken ct)
    {
        if (payment.ProviderPaymentId is { } id)
        {
            var state = await CallAsync(account, "v2/GetState", new JsonObject { ["PaymentId"] = id }, ct);
            return (Text(state, "Status"), Long(state, "Amount"));
        }
        var order = await CallAsync(account, "v2/CheckOrder", new JsonObject { ["OrderId"] = payment.Id }, ct);
        var latest = (order["Payments"] as JsonArray)?.OfType<JsonObject>().MaxBy(p => Long(p, "PaymentId") ?? 0);
        return latest is null ? (null, null) : (Text(latest, "Status"), Long(latest, "Amount"));
    }

    public async Task<ProviderChargeResult> ChargeSavedMethodAsync(ProviderAccount account, Payment payment, string savedMethod, ReceiptRequest? receipt, CancellationToken ct)
    {
        // Asked first: a charge whose answer was lost is not made again.
        var order = await CallAsync(account, "v2/CheckOrder", new JsonObject { ["OrderId"] = payment.Id }, ct);
        var earlier = (order["Payments"] as JsonArray)?.OfType<JsonObject>().MaxBy(p => Long(p, "PaymentId") ?? 0);
        string paymentId;
        if (earlier is not null && Text(earlier, "Status") is { } seen && seen != "NEW")
            return new ProviderChargeResult(StatusOf(seen), Text(earlier, "PaymentId"), StatusOf(seen) == PaymentStatus.Failed ? $"T-Bank: {seen}" : null);
        if (earlier is not null)
        {
            paymentId = Text(earlier, "PaymentId")!;
        }
        else
        {
            var fields = new JsonObject
            {
                ["Amount"] = payment.AmountMinor, ["OrderId"] = payment.Id, ["Description"] = "Renewal", ["CustomerKey"] = payment.CustomerId,
            };
            // The charge's receipt goes with its Init, as a checkout's does.
            if (receipt is not null) fields["Receipt"] = ReceiptFormats.TBank(receipt.Receipt, receipt.Taxation, receipt.Email, receipt.Phone);
            var init = await CallAsync(account, "v2/Init", fields, ct);
            paymentId = Text(init, "PaymentId")!;
        }
        try
        {
            var charged = await CallAsync(account, "v2/Charge", new JsonObject { ["PaymentId"] = paymentId, ["RebillId"] = savedMethod }, ct);
            return new ProviderChargeResult(StatusOf(Text(charged, "Status") ?? ""), paymentId, null);
        }
        catch (ProviderException e) when (e.Failure == ProviderFailure.Declined)
        {
            return new ProviderChargeResult(PaymentStatus.Failed, paymentId, e.Message);
        }
    }

    public async Task<ProviderRefundResult> RefundAsync(ProviderAccount account, Payment payment, Refund refund, ReceiptRequest? receipt, CancellationToken ct)
    {
        if (payment.ProviderPaymentId is not { } id) return ProviderRefundResult.No("T-Bank never named this payment; there is nothing to refund");
        // ExternalRequestId makes Cancel idempotent: asked again, T-Bank answers with the payment's state and refunds nothing more.
        var cancel = new JsonObject { ["PaymentId"] = id, ["Amount"] = refund.AmountMinor, ["ExternalRequestId"] = refund.Id };
        // A partial cancellation names what it gives back; a full one does not (T-Bank repeats the payment's receipt).
        if (receipt is not null && refund.AmountMinor != payment.AmountMinor)
            cancel["Receipt"] = ReceiptFormats.TBank(receipt.Receipt, receipt.Taxation, receipt.Email, receipt.Phone);
        await CallAsync(account, "v2/Cancel", cancel, ct);
        return ProviderRefundResult.Done(RefundIdFor(refund.Id));
    }

    /// <summary>T-Bank names no refunds: a refund Paydesk asked for is known by the id Paydesk gave it.</summary>
    public static string RefundIdFor(string refundId) => "tbank:" + refundId;

    public async Task<ProviderRefunds> GetRefundsAsync(ProviderAccount account, Payment payment, CancellationToken ct)
    {
        var (status, left) = await StateAsync(account, payment, ct);
        var refunded = status switch
        {
            "REFUNDED" => payment.AmountMinor,
            "PARTIAL_REFUNDED" when left is { } amount => payment.AmountMinor - amount,
            _ => 0,
        };
        return new ProviderRefunds([], refunded, Itemized: false);
    }

    public async Task<ConnectionCheck> CheckConnectionAsync(ProviderAccount account, CancellationToken ct)
    {
        try
        {
            // A payment that cannot exist: T-Bank checks the Token before it looks for it.
            await CallAsync(account, "v2/GetState", new JsonObject { ["PaymentId"] = "0" }, ct);
            return new ConnectionCheck(true, "T-Bank accepted the terminal key and password.");
        }
        catch (Exception e) when (ProviderErrors.Classify(e) is { } failure)
        {
            return failure is ProviderFailure.InvalidRequest or ProviderFailure.Declined
                ? new ConnectionCheck(true, "T-Bank accepted the terminal key and password.")
                : new ConnectionCheck(false, $"{ProviderErrors.Describe(failure, "T-Bank")}. {e.Message}");
        }
    }

    /// <summary>Sends a closing receipt (items <c>full_payment</c>) for a payment whose Init receipt prepaid them.</summary>
    public async Task SendClosingReceiptAsync(ProviderAccount account, Payment payment, ClosingReceipt closing, ReceiptRequest receipt, CancellationToken ct)
    {
        if (payment.ProviderPaymentId is not { } id) throw new ProviderException(ProviderFailure.InvalidRequest, "T-Bank never named this payment.");
        await CallAsync(account, "cashbox/SendClosingReceipt", new JsonObject
        {
            ["PaymentId"] = id, ["Receipt"] = ReceiptFormats.TBank(receipt.Receipt, receipt.Taxation, receipt.Email, receipt.Phone),
        }, ct);
    }

    public static PaymentStatus StatusOf(string status) => status switch
    {
        "NEW" or "FORM_SHOWED" or "AUTHORIZING" or "3DS_CHECKING" or "3DS_CHECKED" or "AUTHORIZED" or "PAY_CHECKING" or "CONFIRMING"
            or "REVERSING" or "PARTIAL_REVERSED" => PaymentStatus.Pending,
        // Paid, and part of it on its way back.
        "CONFIRMED" or "REFUNDING" => PaymentStatus.Succeeded,
        "PARTIAL_REFUNDED" => PaymentStatus.PartiallyRefunded,
        "REFUNDED" => PaymentStatus.Refunded,
        "REVERSED" or "CANCELED" => PaymentStatus.Canceled,
        "DEADLINE_EXPIRED" => PaymentStatus.Expired,
        "REJECTED" or "AUTH_FAIL" => PaymentStatus.Failed,
        _ => PaymentStatus.Unknown,
    };

    /// <summary>What T-Bank's <c>ErrorCode</c> means for Paydesk (the list is T-Bank's, abridged to the kinds).</summary>
    public static ProviderFailure FailureOf(string code) => code switch
    {
        // The terminal is unknown or blocked, or the Token is wrong: the password is.
        "202" or "204" or "205" => ProviderFailure.Authentication,
        // The bank's own refusals (insufficient funds, card blocked, 3-D Secure failed…).
        "101" or "1006" or "1012" or "1013" or "1014" or "1030" or "1034" or "1041" or "1043" or "1051" or "1054" or "1057" or "1065"
            or "1082" or "1089" or "1091" or "1096" => ProviderFailure.Declined,
        _ when code.StartsWith("10", StringComparison.Ordinal) && code.Length == 4 => ProviderFailure.Declined,
        "9999" => ProviderFailure.Outage,
        _ => ProviderFailure.InvalidRequest,
    };

    /// <summary>One signed call; an answer that is not <c>Success</c> becomes a <see cref="ProviderException"/> of its kind.</summary>
    private async Task<JsonObject> CallAsync(ProviderAccount account, string method, JsonObject body, CancellationToken ct)
    {
        body["TerminalKey"] = secrets.Credential(account, "terminalKey");
        body["Token"] = TBankToken.Compute(body, secrets.Credential(account, "password"));
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(options.Value.BaseUrl.TrimEnd('/') + "/"), method))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.Timeout);
        using var response = await http.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
        if (!response.IsSuccessStatusCode)
            throw new ProviderException(ProviderErrors.ForHttpStatus(response.StatusCode), $"T-Bank's {method} answered HTTP {(int)response.StatusCode}.");
        var answer = await JsonNode.ParseAsync(await response.Content.ReadAsStreamAsync(timeout.Token), cancellationToken: timeout.Token) as JsonObject
            ?? throw new ProviderException(ProviderFailure.Outage, $"T-Bank's {method} answered something other than a JSON object.");
        if (answer["Success"] is JsonValue success && success.GetValueKind() == JsonValueKind.True) return answer;
        var code = Text(answer, "ErrorCode") ?? "";
        var failure = FailureOf(code);
        log.LogInformation("T-Bank {Method} for account {AccountId}: error {Code} {Message}", method, account.Id, code, Text(answer, "Message"));
        throw new ProviderException(failure, $"T-Bank's {method}: error {code}: {Text(answer, "Message")} {Text(answer, "Details")}".Trim());
    }

    private static string? Text(JsonObject o, string name) => o[name] is JsonValue v
        ? v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : v.ToJsonString()
        : null;

    private static long? Long(JsonObject o, string name) => o[name] is JsonValue v
        ? v.GetValueKind() switch
        {
            JsonValueKind.Number when v.TryGetValue<long>(out var n) => n,
            JsonValueKind.String when long.TryParse(v.GetValue<string>(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) => n,
            _ => null,
        }
        : null;
}
