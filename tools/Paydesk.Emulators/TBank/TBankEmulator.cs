using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Paydesk.Emulators.TBank;

/// <summary>A terminal: the merchant's key and the password that signs what it sends and receives.</summary>
public sealed record TBankTerminal(string Key, string Password);

/// <summary>One payment as T-Bank keeps it: made by Init, paid on the hosted page or by Charge.</summary>
public sealed class TBankPayment
{
    public required long PaymentId { get; init; }
    public required string TerminalKey { get; init; }
    public required string OrderId { get; init; }
    public required long Amount { get; init; }
    /// <summary>What is left of the payment after cancellations and refunds (Cancel's <c>NewAmount</c>).</summary>
    public long Left { get; set; }
    public required string Status { get; set; }
    public string? Description { get; init; }
    public string? CustomerKey { get; init; }
    public bool Recurrent { get; init; }
    public string? NotificationUrl { get; init; }
    public string? SuccessUrl { get; init; }
    public string? FailUrl { get; init; }
    public string? Language { get; init; }
    public JsonObject? Receipt { get; init; }
    public DateTimeOffset DueAt { get; init; }
    public string? RebillId { get; set; }
    public string? CardId { get; set; }
    public string? Pan { get; set; }
    public string? ExpDate { get; set; }
    /// <summary>How many times money was taken for this payment: more than one is a double charge.</summary>
    public int Captures { get; set; }
    public List<JsonObject> ClosingReceipts { get; } = [];
    public List<JsonObject> CancelReceipts { get; } = [];
    internal Dictionary<string, JsonObject> CancelsByRequestId { get; } = [];
}

/// <summary>A card saved for recurring payments, charged by its <c>RebillId</c>.</summary>
public sealed record TBankRebill(string RebillId, string TerminalKey, string CustomerKey, string Pan, string ExpDate, bool Declines);

/// <summary>What to do to the next notifications: send each twice, send the next pair in reverse order, or not send them.</summary>

/// <summary>
/// T-Bank's acquiring API v2 as its documentation describes it: Init, the hosted payment form,
/// Charge by RebillId, GetState, CheckOrder, Cancel (with ExternalRequestId), the cashbox's
/// SendClosingReceipt, and notifications signed with the terminal's Token, sent until answered
/// <c>OK</c>. Kept in memory; one lock, since an emulator need not be fast.
/// </summary>
public sealed class TBankEmulator(Notifier notifier, TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly ConcurrentDictionary<string, TBankTerminal> _terminals = new();
    private readonly Dictionary<long, TBankPayment> _payments = [];
    private readonly Dictionary<string, TBankRebill> _rebills = [];
    // Faults are the terminal's: tests sharing the emulator break only their own calls.
    private readonly CallFaultQueue _faults = new();
    private readonly NotificationFaultQueue _notificationFaults = new();
    private long _nextPaymentId = 7_000_000;
    private long _nextRebillId = 900_000;
    private readonly ConcurrentDictionary<string, int> _calls = new();

    /// <summary>Where the hosted payment form is reached; the address the emulator listens on.</summary>
    public string PublicUrl { get; set; } = EmulatorHost.DefaultUrl;

    /// <summary>The API calls a terminal made (a test checks the adapter does not call more than it must).</summary>
    public int CallsOf(string terminalKey) => _calls.GetValueOrDefault(terminalKey);

    public TBankTerminal AddTerminal(string? key = null, string? password = null)
    {
        var terminal = new TBankTerminal(key ?? "Paydesk" + RandomNumberGenerator.GetHexString(8) + "DEMO", password ?? RandomNumberGenerator.GetHexString(20, lowercase: true));
        _terminals[terminal.Key] = terminal;
        return terminal;
    }

    /// <summary>Breaks the terminal's next calls of <paramref name="method"/>.</summary>
    public void Inject(string terminalKey, string method, CallFault fault, int times = 1) => _faults.Inject(terminalKey, method, fault, times);

    /// <summary>Doubles, reorders or drops the terminal's next notifications.</summary>
    public void Inject(string terminalKey, NotificationFault fault, int times = 1) => _notificationFaults.Inject(terminalKey, fault, times);

    internal InjectedFault? NextFault(string? terminalKey, string method) =>
        _faults.Next(terminalKey, method);

    public IReadOnlyList<TBankPayment> Payments(string terminalKey)
    {
        lock (_lock) return [.. _payments.Values.Where(p => p.TerminalKey == terminalKey).OrderBy(p => p.PaymentId)];
    }

    public TBankPayment? Payment(long paymentId)
    {
        lock (_lock) return _payments.GetValueOrDefault(paymentId);
    }

    /// <summary>Makes a saved card decline from now on (an expired or blocked card, no money on it).</summary>
    public void Decline(string rebillId)
    {
        lock (_lock) if (_rebills.TryGetValue(rebillId, out var rebill)) _rebills[rebillId] = rebill with { Declines = true };
    }

    /// <summary>Answers one API call: the request's terminal and Token checked first, as T-Bank does.</summary>
    public JsonObject Call(string method, JsonObject request)
    {
        var key = (request["TerminalKey"] as JsonValue)?.ToString();
        if (key is not null) _calls.AddOrUpdate(key, 1, (_, n) => n + 1);
        if (key is null || !_terminals.TryGetValue(key, out var terminal)) return Error("202", "Терминал не найден.", "Unknown TerminalKey.");
        if (!TokenIsRight(request, terminal.Password)) return Error("204", "Неверный токен. Проверьте пару TerminalKey/SecretKey.", "The Token does not match.");
        lock (_lock)
        {
            return method switch
            {
                "Init" => Init(terminal, request),
                "Charge" => Charge(terminal, request),
                "GetState" => GetState(terminal, request),
                "CheckOrder" => CheckOrder(terminal, request),
                "Cancel" => Cancel(terminal, request, byDashboard: false),
                "SendClosingReceipt" => SendClosingReceipt(terminal, request),
                _ => Error("9", "Метод не поддерживается.", $"{method} is not emulated."),
            };
        }
    }

    private JsonObject Init(TBankTerminal terminal, JsonObject r)
    {
        if (Long(r, "Amount") is not { } amount || amount <= 0) return Error("3", "Неверные параметры.", "Amount must be a positive number of kopecks.");
        if (Text(r, "OrderId") is not { Length: > 0 and <= 36 } orderId) return Error("3", "Неверные параметры.", "OrderId is required, at most 36 characters.");
        var recurrent = Text(r, "Recurrent") == "Y";
        var customerKey = Text(r, "CustomerKey");
        if (recurrent && string.IsNullOrEmpty(customerKey)) return Error("3", "Неверные параметры.", "CustomerKey is required with Recurrent=Y.");
        var receipt = r["Receipt"] as JsonObject;
        if (receipt is not null && ReceiptProblem(receipt, amount) is { } problem) return Error("308", "Неверные параметры чека.", problem);
        var now = time.GetUtcNow();
        var due = now.AddHours(24);
        if (Text(r, "RedirectDueDate") is { } given)
        {
            if (!DateTimeOffset.TryParse(given, CultureInfo.InvariantCulture, DateTimeStyles.None, out due) || due < now.AddMinutes(1) || due > now.AddDays(90))
                return Error("3", "Неверные параметры.", "RedirectDueDate must be 1 minute to 90 days ahead.");
        }
        var payment = new TBankPayment
        {
            PaymentId = ++_nextPaymentId, TerminalKey = terminal.Key, OrderId = orderId, Amount = amount, Left = amount, Status = "NEW",
            Description = Text(r, "Description"), CustomerKey = customerKey, Recurrent = recurrent, NotificationUrl = Text(r, "NotificationURL"),
            SuccessUrl = Text(r, "SuccessURL"), FailUrl = Text(r, "FailURL"), Language = Text(r, "Language"), Receipt = receipt?.DeepClone().AsObject(),
            DueAt = due,
        };
        _payments[payment.PaymentId] = payment;
        var answer = Ok(payment);
        answer["PaymentURL"] = $"{PublicUrl.TrimEnd('/')}/tbank/pay/{payment.PaymentId}";
        return answer;
    }

    private JsonObject Charge(TBankTerminal terminal, JsonObject r)
    {
        if (Find(terminal, r) is not { } payment) return Error("7", "Неверный статус транзакции.", "No such PaymentId.");
        if (payment.Status != "NEW") return Error("8", "Неверный статус транзакции.", $"Charge needs a NEW payment; this one is {payment.Status}.");
        if (Text(r, "RebillId") is not { } rebillId || !_rebills.TryGetValue(rebillId, out var rebill) || rebill.TerminalKey != terminal.Key)
            return Error("3", "Неверные параметры.", "No such RebillId on this terminal.");
        (payment.Pan, payment.ExpDate, payment.CardId) = (rebill.Pan, rebill.ExpDate, "card-" + rebillId);
        if (rebill.Declines)
        {
            payment.Status = "REJECTED";
            Notify(payment, success: false, errorCode: "1051");
            var refused = Error("1051", "Недостаточно средств на карте.", "The card was declined.");
            refused["Status"] = "REJECTED";
            refused["PaymentId"] = payment.PaymentId.ToString(CultureInfo.InvariantCulture);
            return refused;
        }
        payment.Status = "CONFIRMED";
        payment.Captures++;
        NotifyPaid(payment);
        return Ok(payment);
    }

    private JsonObject GetState(TBankTerminal terminal, JsonObject r)
    {
        if (Find(terminal, r) is not { } payment) return Error("7", "Неверный статус транзакции.", "No such PaymentId.");
        Expire(payment);
        return Ok(payment);
    }

    private JsonObject CheckOrder(TBankTerminal terminal, JsonObject r)
    {
        var orderId = Text(r, "OrderId");
        var payments = new JsonArray();
        foreach (var p in _payments.Values.Where(p => p.TerminalKey == terminal.Key && p.OrderId == orderId).OrderBy(p => p.PaymentId))
        {
            Expire(p);
            payments.Add(new JsonObject
            {
                ["PaymentId"] = p.PaymentId.ToString(CultureInfo.InvariantCulture), ["Amount"] = p.Left, ["Status"] = p.Status, ["Success"] = true, ["ErrorCode"] = "0",
            });
        }
        return new JsonObject { ["TerminalKey"] = terminal.Key, ["OrderId"] = orderId, ["Success"] = true, ["ErrorCode"] = "0", ["Payments"] = payments };
    }

    private JsonObject Cancel(TBankTerminal terminal, JsonObject r, bool byDashboard)
    {
        if (Find(terminal, r) is not { } payment) return Error("7", "Неверный статус транзакции.", "No such PaymentId.");
        var requestId = byDashboard ? null : Text(r, "ExternalRequestId");
        // A cancellation asked for again under its ExternalRequestId is not made twice: the payment's state is the answer.
        if (requestId is { Length: > 0 } && payment.CancelsByRequestId.ContainsKey(requestId))
        {
            var again = Ok(payment);
            again["ExternalRequestId"] = requestId;
            return again;
        }
        Expire(payment);
        var before = payment.Left;
        switch (payment.Status)
        {
            case "NEW":
                payment.Status = "CANCELED";
                payment.Left = 0;
                break;
            case "CONFIRMED" or "PARTIAL_REFUNDED":
                var amount = Long(r, "Amount") ?? payment.Left;
                if (amount <= 0 || amount > payment.Left)
                    return Error("3", "Неверные параметры.", $"Amount must be between 1 and {payment.Left}, what is left of the payment.");
                if (r["Receipt"] is JsonObject receipt)
                {
                    if (ReceiptProblem(receipt, amount) is { } problem) return Error("308", "Неверные параметры чека.", problem);
                    payment.CancelReceipts.Add(receipt.DeepClone().AsObject());
                }
                payment.Left -= amount;
                payment.Status = payment.Left == 0 ? "REFUNDED" : "PARTIAL_REFUNDED";
                break;
            default:
                return Error("8", "Неверный статус транзакции.", $"A {payment.Status} payment cannot be cancelled.");
        }
        var answer = Ok(payment);
        answer.Remove("Amount");
        answer["OriginalAmount"] = before;
        answer["NewAmount"] = payment.Left;
        if (requestId is { Length: > 0 })
        {
            answer["ExternalRequestId"] = requestId;
            payment.CancelsByRequestId[requestId] = answer;
        }
        Notify(payment, success: true, errorCode: "0");
        return answer;
    }

    private JsonObject SendClosingReceipt(TBankTerminal terminal, JsonObject r)
    {
        if (Find(terminal, r) is not { } payment) return Error("7", "Неверный статус транзакции.", "No such PaymentId.");
        if (payment.Status != "CONFIRMED") return Error("8", "Неверный статус транзакции.", "A closing receipt needs a CONFIRMED payment.");
        var prepaid = payment.Receipt?["Items"]?.AsArray().Any(i => i?["PaymentMethod"]?.GetValue<string>() is "full_prepayment" or "prepayment" or "advance") == true;
        if (!prepaid) return Error("3", "Неверные параметры.", "The payment's Init receipt had no prepayment item to close.");
        if (r["Receipt"] is not JsonObject receipt || receipt["Items"] is not JsonArray items || items.Count == 0)
            return Error("308", "Неверные параметры чека.", "Receipt with Items is required.");
        if (items.Any(i => i?["PaymentMethod"]?.GetValue<string>() != "full_payment"))
            return Error("308", "Неверные параметры чека.", "A closing receipt's items are full_payment.");
        if (ReceiptProblem(receipt, null) is { } problem) return Error("308", "Неверные параметры чека.", problem);
        payment.ClosingReceipts.Add(receipt.DeepClone().AsObject());
        return new JsonObject { ["Success"] = true, ["ErrorCode"] = "0" };
    }

    /// <summary>The customer on the hosted form: pays with the test card, is declined, or gives up.</summary>
    public string? Act(long paymentId, string action)
    {
        lock (_lock)
        {
            if (!_payments.TryGetValue(paymentId, out var payment)) return null;
            Expire(payment);
            if (payment.Status != "NEW") return payment.Status == "CONFIRMED" ? payment.SuccessUrl : payment.FailUrl;
            (payment.Pan, payment.ExpDate, payment.CardId) = ("430000******0777", "1230", "card-" + payment.PaymentId);
            switch (action)
            {
                case "pay":
                    payment.Status = "CONFIRMED";
                    payment.Captures++;
                    if (payment.Recurrent)
                    {
                        payment.RebillId = (++_nextRebillId).ToString(CultureInfo.InvariantCulture);
                        _rebills[payment.RebillId] = new TBankRebill(payment.RebillId, payment.TerminalKey, payment.CustomerKey!, payment.Pan, payment.ExpDate, false);
                    }
                    NotifyPaid(payment);
                    return payment.SuccessUrl;
                case "decline":
                    payment.Status = "REJECTED";
                    Notify(payment, success: false, errorCode: "1051");
                    return payment.FailUrl;
                default:
                    payment.Status = "CANCELED";
                    payment.Left = 0;
                    Notify(payment, success: true, errorCode: "0");
                    return payment.FailUrl;
            }
        }
    }

    /// <summary>A refund made by a person in T-Bank's dashboard: Paydesk hears of it only by notification.</summary>
    public JsonObject RefundInDashboard(long paymentId, long? amount)
    {
        lock (_lock)
        {
            if (!_payments.TryGetValue(paymentId, out var payment)) return Error("7", "Неверный статус транзакции.", "No such PaymentId.");
            var request = new JsonObject { ["PaymentId"] = paymentId.ToString(CultureInfo.InvariantCulture) };
            if (amount is { } a) request["Amount"] = a;
            return Cancel(_terminals[payment.TerminalKey], request, byDashboard: true);
        }
    }

    public TBankPayment? PaymentByOrder(string orderId)
    {
        lock (_lock) return _payments.Values.LastOrDefault(p => p.OrderId == orderId);
    }

    /// <summary>A payment whose form was never paid lapses at its RedirectDueDate.</summary>
    private void Expire(TBankPayment payment)
    {
        if (payment.Status == "NEW" && time.GetUtcNow() > payment.DueAt)
        {
            payment.Status = "DEADLINE_EXPIRED";
            Notify(payment, success: false, errorCode: "101");
        }
    }

    /// <summary>A one-stage payment: T-Bank sends AUTHORIZED and CONFIRMED together.</summary>
    private void NotifyPaid(TBankPayment payment)
    {
        var authorized = Notification(payment, "AUTHORIZED", true, "0");
        var confirmed = Notification(payment, "CONFIRMED", true, "0");
        if (_notificationFaults.Next(payment.TerminalKey, NotificationFault.OutOfOrder) is not null)
        {
            Deliver(payment, confirmed, TimeSpan.Zero);
            Deliver(payment, authorized, NotificationFaultQueue.Overtaken);
            return;
        }
        Deliver(payment, authorized, TimeSpan.Zero);
        Deliver(payment, confirmed, TimeSpan.Zero);
    }

    private void Notify(TBankPayment payment, bool success, string errorCode) =>
        Deliver(payment, Notification(payment, payment.Status, success, errorCode), TimeSpan.Zero);

    private JsonObject Notification(TBankPayment payment, string status, bool success, string errorCode)
    {
        var n = new JsonObject
        {
            ["TerminalKey"] = payment.TerminalKey, ["OrderId"] = payment.OrderId, ["Success"] = success, ["Status"] = status,
            ["PaymentId"] = payment.PaymentId, ["ErrorCode"] = errorCode, ["Amount"] = status is "PARTIAL_REFUNDED" or "REFUNDED" ? payment.Left : payment.Amount,
        };
        if (payment.CardId is not null) n["CardId"] = payment.CardId;
        if (payment.Pan is not null) n["Pan"] = payment.Pan;
        if (payment.ExpDate is not null) n["ExpDate"] = payment.ExpDate;
        if (payment.RebillId is not null && status is "AUTHORIZED" or "CONFIRMED") n["RebillId"] = payment.RebillId;
        n["Token"] = Token(n, _terminals[payment.TerminalKey].Password);
        return n;
    }

    private void Deliver(TBankPayment payment, JsonObject notification, TimeSpan delay)
    {
        if (payment.NotificationUrl is null) return;
        var copies = _notificationFaults.Next(payment.TerminalKey, NotificationFault.Duplicate, NotificationFault.Drop) switch
        {
            NotificationFault.Duplicate => 2,
            NotificationFault.Drop => 0,
            _ => 1,
        };
        for (var i = 0; i < copies; i++)
            notifier.Send(new Notification("T-Bank", payment.NotificationUrl, notification.ToJsonString(), "application/json", "OK", delay));
    }

    private TBankPayment? Find(TBankTerminal terminal, JsonObject r) =>
        Text(r, "PaymentId") is { } id && long.TryParse(id, CultureInfo.InvariantCulture, out var paymentId)
        && _payments.TryGetValue(paymentId, out var payment) && payment.TerminalKey == terminal.Key ? payment : null;

    /// <summary>What is wrong with a receipt (FFD 1.05), or null: each item's Price × Quantity is its Amount, and the Amounts add up to the payment's.</summary>
    private static string? ReceiptProblem(JsonObject receipt, long? amount)
    {
        if (Text(receipt, "Taxation") is null) return "Receipt.Taxation is required.";
        if (Text(receipt, "Email") is null && Text(receipt, "Phone") is null) return "Receipt.Email or Receipt.Phone is required.";
        if (receipt["Items"] is not JsonArray { Count: > 0 } items) return "Receipt.Items is required.";
        long sum = 0;
        foreach (var item in items.OfType<JsonObject>())
        {
            var price = Long(item, "Price");
            var quantity = item["Quantity"]?.GetValue<decimal>();
            var itemAmount = Long(item, "Amount");
            if (Text(item, "Name") is not { Length: > 0 and <= 128 }) return "Each item has a Name of at most 128 characters.";
            if (price is null || quantity is null || itemAmount is null) return "Each item has Price, Quantity and Amount.";
            if (price * quantity != itemAmount) return $"Item '{Text(item, "Name")}': Price × Quantity is not Amount.";
            if (Text(item, "Tax") is null) return "Each item has a Tax.";
            sum += itemAmount.Value;
        }
        return amount is { } total && sum != total ? $"The items add up to {sum}, not the Amount {total}." : null;
    }

    private static JsonObject Ok(TBankPayment payment) => new()
    {
        ["Success"] = true, ["ErrorCode"] = "0", ["TerminalKey"] = payment.TerminalKey, ["Status"] = payment.Status,
        ["PaymentId"] = payment.PaymentId.ToString(CultureInfo.InvariantCulture), ["OrderId"] = payment.OrderId, ["Amount"] = payment.Left,
    };

    private static JsonObject Error(string code, string message, string details) =>
        new() { ["Success"] = false, ["ErrorCode"] = code, ["Message"] = message, ["Details"] = details };

    private static string? Text(JsonObject o, string name) => o[name] is JsonValue v
        ? v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : v.ToJsonString()
        : null;

    private static long? Long(JsonObject o, string name) => o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var n) ? n
        : o[name] is JsonValue s && s.GetValueKind() == JsonValueKind.Number ? (long?)s.GetValue<decimal>() : null;

    /// <summary>
    /// T-Bank's Token, computed here on its own from the documentation (not shared with Paydesk's):
    /// root scalars and Password, sorted by name, values joined, SHA-256, lower-case hex.
    /// </summary>
    public static string Token(JsonObject fields, string password)
    {
        var pairs = fields.Where(f => f.Key != "Token" && f.Value is JsonValue)
            .Select(f => (f.Key, Value: f.Value!.GetValueKind() switch
            {
                JsonValueKind.String => f.Value.GetValue<string>(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => f.Value.ToJsonString(),
            }))
            .Append((Key: "Password", Value: password))
            .OrderBy(p => p.Key, StringComparer.Ordinal);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Concat(pairs.Select(p => p.Value)))));
    }

    private static bool TokenIsRight(JsonObject request, string password) =>
        request["Token"] is JsonValue token && token.GetValueKind() == JsonValueKind.String
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token.GetValue<string>()), Encoding.UTF8.GetBytes(Token(request, password)));
}
