using System.Buffers.Text;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Paydesk.Core;
using Paydesk.Payments.Fiscal;

namespace Paydesk.Payments.Robokassa;

public sealed class RobokassaOptions
{
    /// <summary>The payment page, recurring charges and <c>OpStateExt</c>: production by default; the emulator's address in tests and demos.</summary>
    public string BaseUrl { get; set; } = "https://auth.robokassa.ru";

    /// <summary>Robokassa's fiscal service (second receipts).</summary>
    public string FiscalUrl { get; set; } = "https://ws.roboxchange.com";

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Robokassa: the payment page reached by a signed link (<c>MerchantLogin</c>, <c>OutSum</c>,
/// <c>InvId</c>, <c>Receipt</c>, <c>Shp_payment</c> = Paydesk's payment id, password #1), the
/// ResultURL notification (password #2, answered <c>OK{InvId}</c>), <c>OpStateExt</c> for the
/// reconciler, recurring charges of a parent invoice paid with <c>Recurring=true</c>, and the
/// second (closing) receipt. Robokassa knows payments by the shop's number: Paydesk numbers them
/// per account (<see cref="INumbersPayments"/>), and the number is the provider's payment id.
/// Its return addresses are the shop's, set in the cabinet: they point at Paydesk
/// (<see cref="RobokassaReturns"/>), which sends the customer on to the payment's own.
/// </summary>
public sealed class RobokassaProvider(
    IHttpClientFactory http, IOptions<RobokassaOptions> options, ProviderSecrets secrets, PublicAddress address, TimeProvider time, ILogger<RobokassaProvider> log)
    : IPaymentProvider, INumbersPayments, INamesNoRefunds, IClosingReceiptProvider
{
    public const string ProviderName = "robokassa";
    public const string HttpClientName = "robokassa";

    /// <summary>The user parameter that carries Paydesk's payment id there and back.</summary>
    public const string PaymentParameter = "Shp_payment";

    /// <summary>Set on a payment whose card Robokassa keeps for recurring charges.</summary>
    public const string RecurringParameter = "Shp_recurring";

    /// <summary>How long a payment link can be paid (its <c>ExpirationDate</c>); after that an invoice Robokassa never saw is expired.</summary>
    public static readonly TimeSpan CheckoutLifetime = TimeSpan.FromHours(24);

    public string Name => ProviderName;

    public bool SendsReceipts => true;

    public bool Accepts(Currency currency) => currency.Code == "RUB";

    /// <summary>Robokassa keeps at most two receipts per payment: the second closes all it prepaid, once.</summary>
    public bool ClosesOncePerPayment => true;

    public Task<CheckoutSession> CreateCheckoutAsync(ProviderAccount account, CheckoutRequest request, CancellationToken ct)
    {
        if (request.Amount.Currency.Code != "RUB")
            throw new ProviderException(ProviderFailure.InvalidRequest, $"Robokassa takes payments in roubles only, not {request.Amount.Currency.Code}.");
        var number = request.Number ?? throw new InvalidOperationException("A Robokassa payment needs its number (InvId).");
        var (login, hash) = Shop(account);
        var invId = number.ToString(CultureInfo.InvariantCulture);
        var outSum = OutSum(request.Amount.Minor);
        var user = new List<KeyValuePair<string, string>> { new(PaymentParameter, request.PaymentId) };
        if (request.SaveMethod) user.Add(new(RecurringParameter, "1"));
        // The receipt is URL-encoded, signed so, and sent so (the form's value is the encoded text).
        var receipt = request.Receipt is { } r ? Uri.EscapeDataString(ReceiptFormats.Robokassa(r.Receipt, r.Taxation).ToJsonString()) : null;
        var fields = new List<KeyValuePair<string, string>>
        {
            new("MerchantLogin", login), new("OutSum", outSum), new("InvId", invId), new("Description", Api.Text.Cut(request.Description, 100)!),
            new("SignatureValue", RobokassaSignature.Payment(hash, login, outSum, invId, receipt, secrets.Credential(account, "password1"), user)),
            new("Culture", request.Language == "en" ? "en" : "ru"),
            new("ExpirationDate", (time.GetUtcNow() + CheckoutLifetime).ToString("yyyy-MM-ddTHH:mm:ss.fffffffzzz", CultureInfo.InvariantCulture)),
        };
        if (account.Mode == ProviderModes.Test) fields.Add(new("IsTest", "1"));
        if (receipt is not null) fields.Add(new("Receipt", receipt));
        if (request.Receipt?.Email is { } email) fields.Add(new("Email", email));
        if (request.SaveMethod) fields.Add(new("Recurring", "true"));
        fields.AddRange(user);
        var url = $"{options.Value.BaseUrl.TrimEnd('/')}/Merchant/Index.aspx?{Form(fields)}";
        return Task.FromResult(new CheckoutSession(invId, url));
    }

    public NotificationCheck CheckNotification(ProviderAccount account, IReadOnlyDictionary<string, string> headers, string rawBody, DateTimeOffset now)
    {
        var fields = QueryHelpers.ParseQuery(rawBody).ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var credentials = secrets.Credentials(account);
        if (!credentials.TryGetValue("password2", out var password2) || account.Login is null)
            return NotificationCheck.Refused("the account has no login and password #2 to verify with");
        if (!fields.TryGetValue("OutSum", out var outSum) || !fields.TryGetValue("InvId", out var invId))
            return NotificationCheck.Refused("OutSum or InvId is missing");
        if (!RobokassaSignature.Matches(fields.GetValueOrDefault("SignatureValue"), RobokassaSignature.Result(HashOf(account), outSum, invId, password2, UserParameters(fields))))
            return NotificationCheck.Refused("the SignatureValue does not match");
        // A test payment pays nothing: a live account takes none, whatever it is signed with.
        if (fields.GetValueOrDefault("IsTest") == "1" && account.Mode == ProviderModes.Live)
            return NotificationCheck.Refused("a test payment's notification for a live account");

        if (fields.GetValueOrDefault(PaymentParameter) is not { Length: > 0 } paymentId)
            return NotificationCheck.Unreadable(PaymentParameter, "is missing: the invoice was not made by Paydesk");
        if (Minor(outSum) is not { } amount) return NotificationCheck.Unreadable("OutSum", "is not an amount of roubles and kopecks");
        // Robokassa calls the ResultURL once an invoice is paid, and only then: its number names the event.
        return NotificationCheck.Verified(new ProviderNotification($"{invId}:paid", paymentId, invId, PaymentStatus.Succeeded, amount, "RUB", now, "ResultURL")
        {
            SavedMethod = fields.GetValueOrDefault(RecurringParameter) == "1" ? new SavedMethodReport(invId, "card", null, null, null) : null,
        });
    }

    /// <summary>Robokassa stops calling the ResultURL only on the body <c>OK{InvId}</c>.</summary>
    public IResult Acknowledge(ProviderNotification notification, NotificationReceived received) =>
        Results.Text($"OK{notification.ProviderPaymentId}", "text/plain");

    public async Task<ProviderPaymentState> GetStateAsync(ProviderAccount account, Payment payment, CancellationToken ct)
    {
        var state = await OpStateAsync(account, payment, ct);
        if (state is { } seen && seen.At < payment.CreatedAt - TimeSpan.FromMinutes(5))
            // An invoice of this number that moved before this payment existed is not this payment's: the shop
            // numbered invoices elsewhere too. Neither yes nor no; the reconciler gives up on it in time, for a person.
            throw new ProviderException(ProviderFailure.Outage,
                $"Robokassa's invoice {payment.ProviderPaymentId} changed at {seen.At:u}, before this payment was made: the shop numbers invoices elsewhere too.");
        return state switch
        {
            // Robokassa never saw the invoice: the customer has not opened the link. Once it has expired nobody can.
            null => time.GetUtcNow() - payment.CreatedAt > CheckoutLifetime + TimeSpan.FromMinutes(5)
                ? new ProviderPaymentState(PaymentStatus.Expired, null, null)
                : new ProviderPaymentState(PaymentStatus.Pending, null, null),
            // OpStateExt gives what the shop gets (after fees), not the invoice's sum: the ResultURL checks the amount.
            _ => new ProviderPaymentState(StatusOf(state.Value.Code), null, "RUB"),
        };
    }

    /// <summary><c>OpStateExt</c>: the invoice's state code, when it last changed, and its operation key; null when Robokassa has no such invoice.</summary>
    private async Task<(int Code, DateTimeOffset At, string? OpKey)?> OpStateAsync(ProviderAccount account, Payment payment, CancellationToken ct)
    {
        var invId = payment.ProviderPaymentId ?? throw new InvalidOperationException($"Robokassa payment {payment.Id} has no number.");
        var answer = await OpStateExtAsync(account, invId, ct);
        return answer.Result switch
        {
            0 => (answer.State ?? 0, answer.StateAt ?? DateTimeOffset.MaxValue, answer.OpKey),
            3 => null,
            _ => throw Refusal(answer.Result, "OpStateExt"),
        };
    }

    private async Task<(int Result, int? State, DateTimeOffset? StateAt, string? OpKey)> OpStateExtAsync(ProviderAccount account, string invoiceId, CancellationToken ct)
    {
        var (login, hash) = Shop(account);
        var query = Form([
            new("MerchantLogin", login), new("InvoiceID", invoiceId),
            new("Signature", RobokassaSignature.OpState(hash, login, invoiceId, secrets.Credential(account, "password2"))),
        ]);
        var body = await SendAsync(HttpMethod.Get, $"{options.Value.BaseUrl.TrimEnd('/')}/Merchant/WebService/Service.asmx/OpStateExt?{query}", null, "OpStateExt", ct);
        XElement root;
        try
        {
            root = XDocument.Parse(body).Root ?? throw new XmlAnswerException();
        }
        catch (Exception e) when (e is System.Xml.XmlException or XmlAnswerException)
        {
            throw new ProviderException(ProviderFailure.Outage, "Robokassa's OpStateExt answered something other than XML.");
        }
        int? Code(string parent) => root.Elements().FirstOrDefault(e => e.Name.LocalName == parent)?.Elements().FirstOrDefault(e => e.Name.LocalName == "Code") is { } c
            && int.TryParse(c.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
        var opKey = root.Elements().FirstOrDefault(e => e.Name.LocalName == "Info")?.Elements().FirstOrDefault(e => e.Name.LocalName == "OpKey")?.Value;
        var stateAt = root.Elements().FirstOrDefault(e => e.Name.LocalName == "State")?.Elements().FirstOrDefault(e => e.Name.LocalName == "StateDate") is { } date
            && DateTimeOffset.TryParse(date.Value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) ? at : (DateTimeOffset?)null;
        return (Code("Result") ?? 1000, Code("State"), stateAt, opKey);
    }

    public async Task<ProviderChargeResult> ChargeSavedMethodAsync(ProviderAccount account, Payment payment, string savedMethod, ReceiptRequest? receipt, CancellationToken ct)
    {
        // Asked first: a charge whose answer was lost is not made again.
        if (await OpStateAsync(account, payment, ct) is { } seen)
        {
            if (seen.At < payment.CreatedAt - TimeSpan.FromMinutes(5))
                return new ProviderChargeResult(PaymentStatus.Failed, payment.ProviderPaymentId,
                    $"Robokassa already has an invoice {payment.ProviderPaymentId} from before this payment: nothing was charged.");
            return new ProviderChargeResult(StatusOf(seen.Code), payment.ProviderPaymentId, seen.Code == 10 ? "Robokassa: the charge was declined" : null);
        }
        var (login, hash) = Shop(account);
        var invId = payment.ProviderPaymentId!;
        var outSum = OutSum(payment.AmountMinor);
        List<KeyValuePair<string, string>> user = [new(PaymentParameter, payment.Id)];
        // The charge's receipt, URL-encoded and signed as a payment link's is.
        var receiptText = receipt is { } r ? Uri.EscapeDataString(ReceiptFormats.Robokassa(r.Receipt, r.Taxation).ToJsonString()) : null;
        var fields = new List<KeyValuePair<string, string>>
        {
            new("MerchantLogin", login), new("InvoiceID", invId), new("PreviousInvoiceID", savedMethod), new("OutSum", outSum), new("Description", "Renewal"),
            // Signed as a payment link is, with the new invoice's number; PreviousInvoiceID is not signed.
            new("SignatureValue", RobokassaSignature.Payment(hash, login, outSum, invId, receiptText, secrets.Credential(account, "password1"), user)),
        };
        if (receiptText is not null) fields.Add(new("Receipt", receiptText));
        if (receipt?.Email is { } email) fields.Add(new("Email", email));
        fields.AddRange(user);
        var answer = (await SendAsync(HttpMethod.Post, $"{options.Value.BaseUrl.TrimEnd('/')}/Merchant/Recurring", Form(fields), "Recurring", ct)).Trim();
        // Accepted: the result comes through the ResultURL, or OpStateExt.
        return answer == $"OK{invId}"
            ? new ProviderChargeResult(PaymentStatus.Pending, invId, null)
            : new ProviderChargeResult(PaymentStatus.Failed, invId, $"Robokassa: {Api.Text.Cut(answer, 200)}");
    }

    public Task<ProviderRefundResult> RefundAsync(ProviderAccount account, Payment payment, Refund refund, ReceiptRequest? receipt, CancellationToken ct) =>
        Task.FromResult(ProviderRefundResult.No(
            "Paydesk does not send refunds to Robokassa yet: make it in Robokassa's cabinet, and Paydesk records it when it finds the invoice returned"));

    /// <summary>Robokassa names no refunds; <c>OpStateExt</c> says only whether the invoice was returned (state 60), in full.</summary>
    public async Task<ProviderRefunds> GetRefundsAsync(ProviderAccount account, Payment payment, CancellationToken ct)
    {
        var state = await OpStateAsync(account, payment, ct);
        return new ProviderRefunds([], state?.Code == 60 ? payment.AmountMinor : 0, Itemized: false);
    }

    public async Task<ConnectionCheck> CheckConnectionAsync(ProviderAccount account, CancellationToken ct)
    {
        try
        {
            // An invoice that cannot exist: Robokassa checks the shop and the signature before it looks for it.
            var answer = await OpStateExtAsync(account, "0", ct);
            return answer.Result switch
            {
                0 or 3 => new ConnectionCheck(true, "Robokassa accepted the shop's login, password #2 and hash; password #1 is checked by the first payment."),
                _ => new ConnectionCheck(false, Refusal(answer.Result, "OpStateExt").Message),
            };
        }
        catch (Exception e) when (ProviderErrors.Classify(e) is { } failure)
        {
            return new ConnectionCheck(false, $"{ProviderErrors.Describe(failure, "Robokassa")}. {e.Message}");
        }
    }

    /// <summary>
    /// The second receipt (<c>RoboFiscal/Receipt/Attach</c>): <c>full_payment</c> for everything the
    /// payment prepaid, offset against it (<c>payments</c> type 2), numbered with its own id.
    /// </summary>
    public async Task SendClosingReceiptAsync(ProviderAccount account, Payment payment, ClosingReceipt closing, ReceiptRequest receipt, CancellationToken ct)
    {
        var (login, hash) = Shop(account);
        var json = SecondReceipt(login, closing.Number ?? throw new InvalidOperationException($"Closing receipt {closing.Id} has no number."),
            payment.ProviderPaymentId!, address.Url.ToString(), receipt);
        var body = FiscalBody(json.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }),
            secrets.Credential(account, "password1"), hash);
        var answer = await SendAsync(HttpMethod.Post, $"{options.Value.FiscalUrl.TrimEnd('/')}/RoboFiscal/Receipt/Attach", body, "Receipt/Attach", ct, "application/json");
        string? code;
        try
        {
            code = JsonNode.Parse(answer)?["ResultCode"]?.ToString();
        }
        catch (JsonException)
        {
            code = null;
        }
        switch (code)
        {
            case "0" or "1" or "2":
                return;
            case "1000" or null:
                throw new ProviderException(ProviderFailure.Outage, $"Robokassa's Receipt/Attach answered {Api.Text.Cut(answer, 200)}.");
            default:
                throw new ProviderException(ProviderFailure.InvalidRequest, $"Robokassa refused the second receipt: {Api.Text.Cut(answer, 200)}.");
        }
    }

    /// <summary>The second receipt's request as Robokassa's fiscal service takes it.</summary>
    public static JsonObject SecondReceipt(string login, long number, string originInvId, string siteUrl, ReceiptRequest receipt)
    {
        var json = ReceiptFormats.Robokassa(receipt.Receipt, receipt.Taxation);
        var total = receipt.Receipt.Total.ToMajor();
        var client = new JsonObject();
        if (receipt.Email is not null) client["email"] = receipt.Email;
        if (receipt.Phone is not null) client["phone"] = receipt.Phone;
        var vats = new JsonArray();
        foreach (var vat in receipt.Receipt.Items.GroupBy(i => i.Vat))
            vats.Add(new JsonObject
            {
                ["type"] = ReceiptFormats.Tax(vat.Key),
                ["sum"] = JsonValue.Create(new Money(vat.Sum(i => FiscalVats.Included(i.AmountMinor, vat.Key)), receipt.Receipt.Total.Currency).ToMajor()),
            });
        return new JsonObject
        {
            ["merchantId"] = login, ["id"] = number.ToString(CultureInfo.InvariantCulture), ["originId"] = originInvId, ["operation"] = "sell",
            ["sno"] = json["sno"]!.DeepClone(), ["url"] = siteUrl, ["total"] = JsonValue.Create(total), ["items"] = json["items"]!.DeepClone(),
            ["client"] = client, ["payments"] = new JsonArray(new JsonObject { ["type"] = 2, ["sum"] = JsonValue.Create(total) }), ["vats"] = vats,
        };
    }

    /// <summary>
    /// A RoboFiscal request's body: the JSON in base64url, a dot, and the hex hash of that text with
    /// password #1 after it, itself in base64url (both without padding).
    /// </summary>
    public static string FiscalBody(string json, string password1, RobokassaHash hash)
    {
        var encoded = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));
        var signature = RobokassaSignature.Compute(hash, [encoded + password1]);
        return encoded + "." + Base64Url.EncodeToString(Encoding.ASCII.GetBytes(signature));
    }

    /// <summary>OpStateExt's state codes: 5 made, 10 canceled (no money), 20 held, 50 paid and being credited, 60 returned, 80 suspended, 100 paid.</summary>
    public static PaymentStatus StatusOf(int state) => state switch
    {
        5 or 20 or 50 or 80 => PaymentStatus.Pending,
        10 => PaymentStatus.Canceled,
        60 => PaymentStatus.Refunded,
        100 => PaymentStatus.Succeeded,
        _ => PaymentStatus.Unknown,
    };

    /// <summary>OpStateExt's result codes other than 0 (found) and 3 (no such invoice).</summary>
    private static ProviderException Refusal(int result, string method) => result switch
    {
        1 => new ProviderException(ProviderFailure.Authentication, $"Robokassa's {method}: the signature is wrong: check password #2 and the hash algorithm."),
        2 => new ProviderException(ProviderFailure.Authentication, $"Robokassa's {method}: no shop with this login."),
        _ => new ProviderException(ProviderFailure.Outage, $"Robokassa's {method} answered result code {result}."),
    };

    /// <summary>Rubles with a dot and two decimals, as <c>OutSum</c> is written (<c>1500.00</c>).</summary>
    public static string OutSum(long kopecks) => (kopecks / 100m).ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>An <c>OutSum</c> in kopecks, or null when it is not a whole number of them.</summary>
    public static long? Minor(string outSum) =>
        decimal.TryParse(outSum, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var rubles) && rubles * 100 == decimal.Truncate(rubles * 100)
            ? (long)(rubles * 100)
            : null;

    private (string Login, RobokassaHash Hash) Shop(ProviderAccount account) =>
        (account.Login ?? throw new ProviderException(ProviderFailure.Authentication, $"The Robokassa account {account.Id} has no shop login; set it on the payment providers page."),
            HashOf(account));

    public static RobokassaHash HashOf(ProviderAccount account) => account.HashAlgorithm switch
    {
        "sha256" => RobokassaHash.Sha256,
        "sha512" => RobokassaHash.Sha512,
        _ => RobokassaHash.Md5,
    };

    private static List<KeyValuePair<string, string>> UserParameters(Dictionary<string, string> fields) =>
        [.. fields.Where(f => f.Key.StartsWith("shp_", StringComparison.OrdinalIgnoreCase))];

    private static string Form(IEnumerable<KeyValuePair<string, string>> fields) =>
        string.Join('&', fields.Select(f => $"{Uri.EscapeDataString(f.Key)}={Uri.EscapeDataString(f.Value)}"));

    private async Task<string> SendAsync(HttpMethod method, string url, string? body, string what, CancellationToken ct, string contentType = "application/x-www-form-urlencoded")
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue(contentType));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.Timeout);
        using var response = await http.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
        if (!response.IsSuccessStatusCode)
        {
            log.LogInformation("Robokassa {Method} answered HTTP {Status}", what, (int)response.StatusCode);
            throw new ProviderException(ProviderErrors.ForHttpStatus(response.StatusCode), $"Robokassa's {what} answered HTTP {(int)response.StatusCode}.");
        }
        return await response.Content.ReadAsStringAsync(timeout.Token);
    }

    private sealed class XmlAnswerException : Exception;
}
