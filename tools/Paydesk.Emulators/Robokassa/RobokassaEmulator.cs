using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Paydesk.Emulators.Robokassa;

/// <summary>
/// A shop: its login, passwords #1 (payment links, SuccessURL) and #2 (ResultURL, OpStateExt), the
/// hash the cabinet is set to, and the addresses set in the cabinet (Robokassa takes none per payment).
/// </summary>
public sealed record RobokassaShop(string Login, string Password1, string Password2, string Hash, string? ResultUrl, string? SuccessUrl, string? FailUrl);

/// <summary>One invoice as Robokassa keeps it. <see cref="State"/> is OpStateExt's code: 5 made, 10 canceled, 100 paid, 60 returned.</summary>
public sealed class RobokassaInvoice
{
    public required string Login { get; init; }
    public required long InvId { get; init; }
    public required string OutSum { get; init; }
    public string? Description { get; init; }
    public bool IsTest { get; init; }
    public string? Culture { get; init; }
    public string? Email { get; init; }
    public string? Receipt { get; init; }
    public bool Recurring { get; init; }
    public long? PreviousInvoiceId { get; init; }
    public IReadOnlyList<KeyValuePair<string, string>> UserParameters { get; init; } = [];
    public int State { get; set; } = 5;
    public int Captures { get; set; }
    /// <summary>The payment link's <c>ExpirationDate</c>: after it the invoice cannot be paid.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
    /// <summary>The operation's key, as OpStateExt gives it once the invoice is paid.</summary>
    public string OpKey { get; } = Guid.NewGuid().ToString();
    /// <summary>Second receipts attached to the operation (the JSON Robokassa's fiscal service received).</summary>
    public List<JsonObject> SecondReceipts { get; } = [];
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset StateAt { get; set; }
}

/// <summary>What goes wrong with a shop's next ResultURL notification: sent twice, or never.</summary>

public sealed class RobokassaEmulator(Notifier notifier, TimeProvider time)
{
    private readonly Lock _lock = new();
    // Faults are the shop's: tests sharing the emulator break only their own calls.
    private readonly CallFaultQueue _faults = new();
    private readonly NotificationFaultQueue _notificationFaults = new();

    /// <summary>Makes the shop's next <paramref name="times"/> calls of <paramref name="method"/> (OpStateExt, Recurring, Receipt/Attach) go wrong.</summary>
    public void Inject(string login, string method, CallFault fault, int times = 1) => _faults.Inject(login, method, fault, times);

    /// <summary>Doubles, holds back or drops the shop's next ResultURL calls.</summary>
    public void Inject(string login, NotificationFault fault, int times = 1) => _notificationFaults.Inject(login, fault, times);

    internal InjectedFault? NextFault(string? login, string method) =>
        _faults.Next(login, method);

    /// <summary>A person returns the payment in the cabinet: the invoice is returned (OpStateExt state 60); Robokassa tells the shop nothing.</summary>
    public bool RefundInCabinet(string login, long invId)
    {
        lock (_lock)
        {
            if (!_invoices.TryGetValue((login, invId), out var invoice) || invoice.State != 100) return false;
            invoice.State = 60;
            invoice.StateAt = time.GetUtcNow();
            return true;
        }
    }

    /// <summary>The shop's invoices, oldest first.</summary>
    public IReadOnlyList<RobokassaInvoice> Invoices(string login)
    {
        lock (_lock) return [.. _invoices.Values.Where(i => i.Login == login).OrderBy(i => i.InvId)];
    }
    private readonly ConcurrentDictionary<string, RobokassaShop> _shops = new();
    private readonly Dictionary<(string Login, long InvId), RobokassaInvoice> _invoices = [];
    private readonly HashSet<(string Login, long InvId)> _declining = [];

    public RobokassaShop AddShop(string? login = null, string hash = "md5", string? resultUrl = null, string? successUrl = null, string? failUrl = null,
        string? password1 = null, string? password2 = null)
    {
        var shop = new RobokassaShop(login ?? "paydesk-" + RandomNumberGenerator.GetHexString(8, lowercase: true),
            password1 ?? RandomNumberGenerator.GetHexString(16, lowercase: true), password2 ?? RandomNumberGenerator.GetHexString(16, lowercase: true),
            hash, resultUrl, successUrl, failUrl);
        _shops[shop.Login] = shop;
        return shop;
    }

    /// <summary>Sets what the shop's cabinet says (the ResultURL, Success and Fail URLs).</summary>
    public void Configure(string login, string? resultUrl, string? successUrl, string? failUrl) =>
        _shops[login] = _shops[login] with { ResultUrl = resultUrl, SuccessUrl = successUrl, FailUrl = failUrl };

    public RobokassaShop? Shop(string login) => _shops.GetValueOrDefault(login);

    public RobokassaInvoice? Invoice(string login, long invId)
    {
        lock (_lock) return _invoices.GetValueOrDefault((login, invId));
    }

    /// <summary>Makes later recurring charges of a parent invoice's card fail.</summary>
    public void Decline(string login, long parentInvId)
    {
        lock (_lock) _declining.Add((login, parentInvId));
    }

    /// <summary>The payment page's request: an invoice made (or the same one shown again), or why not.</summary>
    public (RobokassaInvoice? Invoice, string? Error) Open(IReadOnlyDictionary<string, string> form)
    {
        var login = form.GetValueOrDefault("MerchantLogin");
        if (login is null || !_shops.TryGetValue(login, out var shop)) return (null, "Unknown MerchantLogin.");
        var outSum = form.GetValueOrDefault("OutSum");
        if (outSum is null || !decimal.TryParse(outSum, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var sum) || sum <= 0)
            return (null, "OutSum must be a positive amount with a dot.");
        var invIdText = form.GetValueOrDefault("InvId") ?? form.GetValueOrDefault("InvoiceID");
        if (!long.TryParse(invIdText, NumberStyles.None, CultureInfo.InvariantCulture, out var invId) || invId <= 0) return (null, "InvId must be a positive integer.");
        var receipt = form.GetValueOrDefault("Receipt");
        var user = UserParameters(form);
        // The shop URL-encodes the receipt's JSON, signs that, and sends that as the field's value.
        var signed = receipt is null ? new[] { login, outSum, invIdText!, shop.Password1 } : [login, outSum, invIdText!, receipt, shop.Password1];
        if (!Matches(form.GetValueOrDefault("SignatureValue"), Hash(shop.Hash, signed, user))) return (null, "SignatureValue is wrong.");
        if (form.GetValueOrDefault("Description") is { Length: > 100 }) return (null, "Description is longer than 100 characters.");
        DateTimeOffset? expires = null;
        if (form.GetValueOrDefault("ExpirationDate") is { Length: > 0 } expiration)
        {
            if (!DateTimeOffset.TryParse(expiration, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)) return (null, "ExpirationDate is not an ISO 8601 date.");
            if (at <= time.GetUtcNow()) return (null, "The invoice has expired.");
            expires = at;
        }
        lock (_lock)
        {
            if (_invoices.TryGetValue((login, invId), out var existing))
                return existing.State == 5 && existing.OutSum == outSum ? (existing, null) : (null, $"Invoice {invId} exists already.");
            var invoice = new RobokassaInvoice
            {
                Login = login, InvId = invId, OutSum = outSum, Description = form.GetValueOrDefault("Description"), IsTest = form.GetValueOrDefault("IsTest") == "1",
                Culture = form.GetValueOrDefault("Culture"), Email = form.GetValueOrDefault("Email"), Receipt = receipt is null ? null : Uri.UnescapeDataString(receipt),
                Recurring = string.Equals(form.GetValueOrDefault("Recurring"), "true", StringComparison.OrdinalIgnoreCase), UserParameters = user,
                CreatedAt = time.GetUtcNow(), StateAt = time.GetUtcNow(), ExpiresAt = expires,
            };
            _invoices[(login, invId)] = invoice;
            return (invoice, null);
        }
    }

    /// <summary>The customer on the page: pays (Robokassa calls the ResultURL, then sends them to SuccessURL), is declined, or gives up. Answers where the browser goes.</summary>
    public string? Act(string login, long invId, string action)
    {
        lock (_lock)
        {
            if (!_invoices.TryGetValue((login, invId), out var invoice) || !_shops.TryGetValue(login, out var shop)) return null;
            if (invoice.State == 5 && invoice.ExpiresAt <= time.GetUtcNow())
            {
                invoice.State = 10;
                invoice.StateAt = time.GetUtcNow();
            }
            if (invoice.State == 5)
            {
                if (action == "pay")
                {
                    Paid(shop, invoice);
                }
                else if (action == "cancel")
                {
                    invoice.State = 10;
                    invoice.StateAt = time.GetUtcNow();
                }
                // A declined card leaves the invoice open: the customer may try another.
            }
            var query = $"OutSum={invoice.OutSum}&InvId={invoice.InvId}&Culture={invoice.Culture ?? "ru"}{Query(invoice.UserParameters)}";
            if (invoice.State == 100)
                return Append(shop.SuccessUrl, $"{query}&SignatureValue={Hash(shop.Hash, [invoice.OutSum, invoice.InvId.ToString(CultureInfo.InvariantCulture), shop.Password1], invoice.UserParameters)}");
            return Append(shop.FailUrl, query);
        }
    }

    /// <summary><c>/Merchant/Recurring</c>: a child charge of a paid parent made with <c>Recurring=true</c>. Answers the body Robokassa answers.</summary>
    public string Recur(IReadOnlyDictionary<string, string> form)
    {
        var login = form.GetValueOrDefault("MerchantLogin");
        if (login is null || !_shops.TryGetValue(login, out var shop)) return "ERROR: unknown MerchantLogin";
        var outSum = form.GetValueOrDefault("OutSum") ?? "";
        var invIdText = form.GetValueOrDefault("InvoiceID") ?? form.GetValueOrDefault("InvId") ?? "";
        if (!long.TryParse(invIdText, NumberStyles.None, CultureInfo.InvariantCulture, out var invId)) return "ERROR: InvoiceID";
        if (!long.TryParse(form.GetValueOrDefault("PreviousInvoiceID"), NumberStyles.None, CultureInfo.InvariantCulture, out var parentId)) return "ERROR: PreviousInvoiceID";
        var receipt = form.GetValueOrDefault("Receipt");
        var signed = receipt is null ? new[] { login, outSum, invIdText, shop.Password1 } : [login, outSum, invIdText, receipt, shop.Password1];
        if (!Matches(form.GetValueOrDefault("SignatureValue"), Hash(shop.Hash, signed, UserParameters(form)))) return "ERROR: SignatureValue";
        lock (_lock)
        {
            if (!_invoices.TryGetValue((login, parentId), out var parent) || parent.State != 100 || !parent.Recurring)
                return "ERROR: the previous invoice is not a paid recurring one";
            if (_invoices.TryGetValue((login, invId), out var again)) return again.PreviousInvoiceId == parentId ? $"OK{invId}" : "ERROR: InvoiceID is used";
            var child = new RobokassaInvoice
            {
                Login = login, InvId = invId, OutSum = outSum, Description = form.GetValueOrDefault("Description"), Receipt = receipt is null ? null : Uri.UnescapeDataString(receipt),
                PreviousInvoiceId = parentId, UserParameters = UserParameters(form), CreatedAt = time.GetUtcNow(), StateAt = time.GetUtcNow(),
            };
            _invoices[(login, invId)] = child;
            // Accepted now; the result comes through the ResultURL (or OpStateExt).
            if (_declining.Contains((login, parentId)))
            {
                child.State = 10;
                child.StateAt = time.GetUtcNow();
            }
            else
            {
                Paid(shop, child);
            }
            return $"OK{invId}";
        }
    }

    /// <summary><c>OpStateExt</c>: the invoice's state as XML, the request signed with password #2.</summary>
    public string OpStateExt(string? login, string? invoiceId, string? signature)
    {
        if (login is null || !_shops.TryGetValue(login, out var shop)) return StateXml(2, null);
        if (!Matches(signature, Hash(shop.Hash, [login, invoiceId ?? "", shop.Password2], []))) return StateXml(1, null);
        if (!long.TryParse(invoiceId, NumberStyles.None, CultureInfo.InvariantCulture, out var invId)) return StateXml(3, null);
        lock (_lock) return StateXml(0, _invoices.GetValueOrDefault((login, invId)));
    }

    /// <summary>
    /// <c>RoboFiscal/Receipt/Attach</c>: a second receipt, the JSON in base64url, a dot, and the
    /// base64url of the hex hash of that text with password #1. At most two receipts per operation.
    /// Answers the JSON Robokassa answers.
    /// </summary>
    public string AttachReceipt(string body)
    {
        static string Answer(string code, string description) => new JsonObject { ["ResultCode"] = code, ["ResultDescription"] = description }.ToJsonString();
        var parts = body.Trim().Split('.');
        if (parts.Length != 2) return Answer("1000", "The body is not base64url.base64url");
        JsonObject? receipt;
        try
        {
            receipt = JsonNode.Parse(Base64Url.DecodeFromChars(parts[0])) as JsonObject;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return Answer("1000", "The receipt is not base64url JSON");
        }
        var login = receipt?["merchantId"]?.ToString();
        if (receipt is null || login is null || !_shops.TryGetValue(login, out var shop)) return Answer("1000", "Unknown merchantId");
        var expected = Base64Url.EncodeToString(Encoding.ASCII.GetBytes(Hash(shop.Hash, [parts[0] + shop.Password1], [])));
        if (!Matches(parts[1], expected.ToLowerInvariant()) || parts[1] != expected) return Answer("1000", "The signature is wrong");
        if (receipt["operation"]?.ToString() != "sell") return Answer("3", "operation must be sell");
        if (!long.TryParse(receipt["originId"]?.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var originId)
            || !long.TryParse(receipt["id"]?.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id == originId)
            return Answer("3", "id and originId must be different whole numbers");
        if (receipt["items"] is not JsonArray { Count: > 0 } items || items.Any(i => i?["payment_method"]?.ToString() != "full_payment"))
            return Answer("3", "A second receipt's items must all be full_payment");
        lock (_lock)
        {
            if (!_invoices.TryGetValue((login, originId), out var origin) || origin.State != 100) return Answer("3", "No paid operation with this originId");
            if (origin.SecondReceipts.Any(r => r["id"]?.ToString() == receipt["id"]?.ToString())) return Answer("0", "ok");
            // The first receipt, sent with the payment, is one of the two.
            if (origin.SecondReceipts.Count + (origin.Receipt is null ? 0 : 1) >= 2) return Answer("3", "At most two receipts per operation");
            origin.SecondReceipts.Add(receipt);
        }
        return Answer("0", "ok");
    }

    private void Paid(RobokassaShop shop, RobokassaInvoice invoice)
    {
        invoice.State = 100;
        invoice.StateAt = time.GetUtcNow();
        invoice.Captures++;
        if (shop.ResultUrl is null) return;
        var id = invoice.InvId.ToString(CultureInfo.InvariantCulture);
        var fields = new List<KeyValuePair<string, string>>
        {
            new("OutSum", invoice.OutSum), new("InvId", id), new("Fee", "0.00"), new("EMail", invoice.Email ?? ""),
            new("SignatureValue", Hash(shop.Hash, [invoice.OutSum, id, shop.Password2], invoice.UserParameters).ToUpperInvariant()),
            new("PaymentMethod", "BankCard"), new("IncCurrLabel", "BankCardPSR"),
        };
        fields.AddRange(invoice.UserParameters);
        var body = string.Join('&', fields.Select(f => $"{Uri.EscapeDataString(f.Key)}={Uri.EscapeDataString(f.Value)}"));
        var (copies, delay) = _notificationFaults.Delivery(shop.Login);
        for (var i = 0; i < copies; i++)
            notifier.Send(new Notification("Robokassa", shop.ResultUrl, body, "application/x-www-form-urlencoded", $"OK{id}", delay));
    }

    private static string StateXml(int result, RobokassaInvoice? invoice)
    {
        // OutSum in Info is what the shop gets: the invoice's sum less Robokassa's fee (3.5 % here).
        var shopSum = invoice is null ? "" : Math.Round(decimal.Parse(invoice.OutSum, CultureInfo.InvariantCulture) * 0.965m, 2).ToString("0.00", CultureInfo.InvariantCulture);
        var state = invoice is null ? "" : $"<State><Code>{invoice.State}</Code><RequestDate>{invoice.CreatedAt:O}</RequestDate><StateDate>{invoice.StateAt:O}</StateDate></State>" +
            $"<Info><IncCurrLabel>BankCardPSR</IncCurrLabel><IncSum>{invoice.OutSum}</IncSum><IncAccount>430000******0777</IncAccount><PaymentMethod><Code>BankCard</Code></PaymentMethod><OutCurrLabel>RUB</OutCurrLabel><OutSum>{shopSum}</OutSum><OpKey>{invoice.OpKey}</OpKey></Info>";
        var code = invoice is null && result == 0 ? 3 : result;
        return $"<?xml version=\"1.0\" encoding=\"utf-8\"?><OperationStateResponse xmlns=\"http://merchant.roboxchange.com/WebService/\"><Result><Code>{code}</Code></Result>{state}</OperationStateResponse>";
    }

    private static List<KeyValuePair<string, string>> UserParameters(IReadOnlyDictionary<string, string> form) =>
        [.. form.Where(f => f.Key.StartsWith("Shp_", StringComparison.OrdinalIgnoreCase)).OrderBy(f => f.Key, StringComparer.Ordinal)];

    private static string Query(IEnumerable<KeyValuePair<string, string>> user) =>
        string.Concat(user.Select(p => $"&{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));

    private static string? Append(string? url, string query) => url is null ? null : url + (url.Contains('?') ? "&" : "?") + query;

    /// <summary>Robokassa's signature, computed here on its own: fields joined by ':', then the sorted <c>Shp_name=value</c> pairs, hashed, hex.</summary>
    public static string Hash(string algorithm, IEnumerable<string> fields, IEnumerable<KeyValuePair<string, string>> user)
    {
        var text = string.Join(':', fields.Concat(user.Select(p => $"{p.Key}={p.Value}").Order(StringComparer.Ordinal)));
        var bytes = Encoding.UTF8.GetBytes(text);
        return Convert.ToHexStringLower(algorithm switch
        {
            "sha256" => SHA256.HashData(bytes),
            "sha512" => SHA512.HashData(bytes),
            _ => MD5.HashData(bytes),
        });
    }

    private static bool Matches(string? given, string expected) =>
        given is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given.ToLowerInvariant()), Encoding.UTF8.GetBytes(expected));
}
