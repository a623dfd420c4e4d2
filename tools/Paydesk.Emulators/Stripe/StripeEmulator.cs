using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Paydesk.Emulators.Stripe;

/// <summary>An account: its secret API key, and the webhook endpoint set in its dashboard with that endpoint's signing secret.</summary>
public sealed record StripeAccount(string SecretKey, string WebhookSecret, string? WebhookUrl);

/// <summary>An answer of the API: its HTTP status and JSON body.</summary>
public sealed record StripeAnswer(int Status, JsonObject Body);

/// <summary>
/// A subset of Stripe's API as its reference describes it, kept in memory: Checkout Sessions in
/// payment mode (with a hosted page to pay, be declined or go back) and in setup mode (a card
/// kept, with a SetupIntent, and nothing charged), PaymentIntents (and
/// off-session charges of a saved card), PaymentMethods, Refunds, Events, and webhook deliveries
/// signed <c>Stripe-Signature: t=…,v1=…</c> with the endpoint's secret, sent again until answered
/// 2xx. Requests are form-encoded with bracketed keys, as Stripe's clients send them; an
/// <c>Idempotency-Key</c> makes a second request with it answer the first's answer.
/// </summary>
public sealed class StripeEmulator(Notifier notifier, TimeProvider time)
{
    /// <summary>The API version events are written in: the one the official .NET client of the day pins (Stripe.net 53).</summary>
    public const string ApiVersion = "2026-10-28.endive";

    private readonly Lock _lock = new();
    private readonly ConcurrentDictionary<string, StripeAccount> _accounts = new();
    private readonly Dictionary<string, JsonObject> _objects = [];
    private readonly Dictionary<string, string> _ownerOf = [];
    private readonly List<(string Account, JsonObject Event)> _events = [];
    private readonly Dictionary<(string Account, string Key), StripeAnswer> _idempotent = [];
    private readonly HashSet<string> _declining = [];
    private readonly CallFaultQueue _faults = new();
    private readonly NotificationFaultQueue _notificationFaults = new();

    /// <summary>Where the hosted pages are, for the URLs the API answers.</summary>
    public string PublicUrl { get; set; } = EmulatorHost.DefaultUrl;

    /// <summary>The card every payment on the hosted page is made with: Visa 4242, 12/2034.</summary>
    public const string TestCardLast4 = "4242";

    public StripeAccount AddAccount(string? webhookUrl = null)
    {
        var account = new StripeAccount("sk_test_emu_" + RandomNumberGenerator.GetHexString(24, lowercase: true),
            "whsec_" + RandomNumberGenerator.GetHexString(32, lowercase: true), webhookUrl);
        _accounts[account.SecretKey] = account;
        return account;
    }

    /// <summary>Sets the webhook endpoint, as the dashboard does.</summary>
    public void SetWebhook(string secretKey, string? url) => _accounts[secretKey] = _accounts[secretKey] with { WebhookUrl = url };

    public StripeAccount? AccountOf(string? secretKey) => secretKey is null ? null : _accounts.GetValueOrDefault(secretKey);

    public void Inject(string secretKey, string method, CallFault fault, int times = 1) => _faults.Inject(secretKey, method, fault, times);

    /// <summary>Holds back the answer to the account's next call of <paramref name="method"/> (<c>GET /v1/refunds</c>) until it is released.</summary>
    public LateAnswer Hold(string secretKey, string method) => _faults.Hold(secretKey, method);

    /// <summary>Doubles, holds back or drops the account's next webhook deliveries.</summary>
    public void Inject(string secretKey, NotificationFault fault, int times = 1) => _notificationFaults.Inject(secretKey, fault, times);

    internal InjectedFault? NextFault(string secretKey, string method) =>
        _faults.Next(secretKey, method);

    /// <summary>Makes later off-session charges of this saved payment method fail (<c>card_declined</c>).</summary>
    public void Decline(string paymentMethodId)
    {
        lock (_lock) _declining.Add(paymentMethodId);
    }

    public JsonObject? Find(string id)
    {
        lock (_lock) return _objects.GetValueOrDefault(id)?.DeepClone().AsObject();
    }

    /// <summary>The account's events, oldest first.</summary>
    public IReadOnlyList<JsonObject> EventsOf(string secretKey)
    {
        lock (_lock) return [.. _events.Where(e => e.Account == secretKey).Select(e => e.Event.DeepClone().AsObject())];
    }

    /// <summary>The refunds made of a PaymentIntent, through the API or in the dashboard.</summary>
    public IReadOnlyList<JsonObject> RefundsOf(string paymentIntentId)
    {
        lock (_lock) return [.. _objects.Values.Where(o => o["object"]?.ToString() == "refund" && o["payment_intent"]?.ToString() == paymentIntentId).Select(o => o.DeepClone().AsObject())];
    }

    /// <summary>How many charges moved money: the succeeded PaymentIntents of the account.</summary>
    public int CapturesOf(string secretKey)
    {
        lock (_lock) return _objects.Values.Count(o => o["object"]?.ToString() == "payment_intent" && o["status"]?.ToString() == "succeeded"
            && _ownerOf.GetValueOrDefault(o["id"]!.ToString()) == secretKey);
    }

    /// <summary>
    /// One API call: the account's fault first, then the idempotency key's earlier answer, else the
    /// call itself. <paramref name="form"/> is the request's fields, nested from Stripe's bracketed keys.
    /// </summary>
    public StripeAnswer Call(StripeAccount account, string method, string path, JsonObject form, string? idempotencyKey)
    {
        lock (_lock)
        {
            if (method == "POST" && idempotencyKey is not null && _idempotent.TryGetValue((account.SecretKey, idempotencyKey), out var earlier)) return earlier;
            var answer = Route(account, method, path, form);
            if (method == "POST" && idempotencyKey is not null && answer.Status < 500) _idempotent[(account.SecretKey, idempotencyKey)] = answer;
            return answer;
        }
    }

    private StripeAnswer Route(StripeAccount account, string method, string path, JsonObject form)
    {
        var parts = path.Trim('/').Split('/');
        return (method, parts) switch
        {
            ("POST", ["v1", "checkout", "sessions"]) => CreateSession(account, form),
            ("GET", ["v1", "checkout", "sessions", var id]) => Get(account, id, "checkout.session"),
            ("POST", ["v1", "checkout", "sessions", var id, "expire"]) => ExpireSession(account, id),
            ("GET", ["v1", "payment_intents", var id]) => Get(account, id, "payment_intent"),
            ("POST", ["v1", "payment_intents"]) => ChargeOffSession(account, form),
            ("GET", ["v1", "payment_methods", var id]) => Get(account, id, "payment_method"),
            ("GET", ["v1", "setup_intents", var id]) => Get(account, id, "setup_intent"),
            ("POST", ["v1", "refunds"]) => CreateRefund(account, form),
            ("GET", ["v1", "refunds"]) => List(account, "refund", o => o["payment_intent"]?.ToString() == form["payment_intent"]?.ToString(), form),
            ("GET", ["v1", "events"]) => List(account, "event", o => EventOfType(o, form), form),
            _ => Error(404, "invalid_request_error", "resource_missing", $"Unrecognized request URL ({method}: /{path.Trim('/')})."),
        };
    }

    /// <summary>
    /// A Checkout Session. In payment mode its line items make the amount; in setup mode it keeps a
    /// card and charges nothing: it takes a currency and no line items (Stripe refuses them there),
    /// and <c>customer_creation=always</c> makes the customer the card is attached to, as an
    /// off-session charge later needs.
    /// </summary>
    private StripeAnswer CreateSession(StripeAccount account, JsonObject form)
    {
        var mode = form["mode"]?.ToString();
        if (mode is not ("payment" or "setup")) return Error(400, "invalid_request_error", "parameter_invalid_string", "The emulator takes mode=payment or mode=setup only.", "mode");
        if (form["success_url"] is null) return Error(400, "invalid_request_error", "parameter_missing", "success_url is required.", "success_url");
        long? total = null;
        string? currency = null;
        if (mode == "setup")
        {
            if (form["line_items"] is not null) return Error(400, "invalid_request_error", "parameter_invalid_string", "line_items cannot be used in setup mode.", "line_items");
            if (form["currency"] is null) return Error(400, "invalid_request_error", "parameter_missing", "currency is required in setup mode.", "currency");
            currency = form["currency"]!.ToString().ToLowerInvariant();
        }
        else
        {
            if (form["line_items"] is not JsonObject { Count: > 0 } items) return Error(400, "invalid_request_error", "parameter_missing", "line_items are required.", "line_items");
            total = 0;
            foreach (var (_, item) in items)
            {
                var price = item?["price_data"];
                if (price?["unit_amount"] is null || price["currency"] is null) return Error(400, "invalid_request_error", "parameter_missing", "line_items[][price_data] needs unit_amount and currency.", "line_items");
                total += long.Parse(price["unit_amount"]!.ToString(), CultureInfo.InvariantCulture) * long.Parse(item!["quantity"]?.ToString() ?? "1", CultureInfo.InvariantCulture);
                currency = price["currency"]!.ToString().ToLowerInvariant();
            }
        }
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var expiresAt = form["expires_at"] is { } e ? long.Parse(e.ToString(), CultureInfo.InvariantCulture) : now + 24 * 3600;
        if (expiresAt < now + 30 * 60 || expiresAt > now + 24 * 3600)
            return Error(400, "invalid_request_error", "parameter_invalid_integer", "expires_at must be 30 minutes to 24 hours from now.", "expires_at");
        var id = New("cs_test_");
        var session = new JsonObject
        {
            ["id"] = id, ["object"] = "checkout.session", ["mode"] = mode, ["status"] = "open", ["payment_status"] = mode == "setup" ? "no_payment_required" : "unpaid",
            ["amount_total"] = total, ["currency"] = currency, ["client_reference_id"] = form["client_reference_id"]?.ToString(),
            ["customer_email"] = form["customer_email"]?.ToString(), ["metadata"] = form["metadata"]?.DeepClone() ?? new JsonObject(),
            ["success_url"] = form["success_url"]!.ToString(), ["cancel_url"] = form["cancel_url"]?.ToString(), ["locale"] = form["locale"]?.ToString(),
            ["expires_at"] = expiresAt, ["created"] = now, ["livemode"] = false, ["payment_intent"] = null, ["customer"] = null,
            ["url"] = $"{PublicUrl.TrimEnd('/')}/stripe/pay/{id}",
        };
        if (mode == "setup")
        {
            session["setup_intent"] = null;
            session["customer_creation"] = form["customer_creation"]?.ToString() ?? "if_required";
            session["setup_intent_metadata"] = form["setup_intent_data"]?["metadata"]?.DeepClone();
        }
        else
        {
            session["setup_future_usage"] = form["payment_intent_data"]?["setup_future_usage"]?.ToString();
            session["payment_intent_metadata"] = form["payment_intent_data"]?["metadata"]?.DeepClone();
        }
        Keep(account, session);
        return new StripeAnswer(200, Public(session));
    }

    private StripeAnswer ExpireSession(StripeAccount account, string id)
    {
        if (Owned(account, id, "checkout.session") is not { } session) return Missing(id);
        if (session["status"]!.ToString() != "open") return Error(400, "invalid_request_error", "checkout_session_unexpirable", $"Session {id} is {session["status"]}.");
        session["status"] = "expired";
        Emit(account, "checkout.session.expired", Public(session));
        return new StripeAnswer(200, Public(session));
    }

    /// <summary>The customer on the hosted page: pays (card 4242), is declined, or goes back. Answers where the browser goes, or the page's error.</summary>
    public (string? Redirect, string? Error) Act(string sessionId, string action)
    {
        lock (_lock)
        {
            if (!_objects.TryGetValue(sessionId, out var session) || !_accounts.TryGetValue(_ownerOf[sessionId], out var account)) return (null, "No such session.");
            if (session["status"]!.ToString() == "open" && session["expires_at"]!.GetValue<long>() <= time.GetUtcNow().ToUnixTimeSeconds())
            {
                session["status"] = "expired";
                Emit(account, "checkout.session.expired", Public(session));
            }
            if (session["status"]!.ToString() == "expired") return (null, "This checkout session has expired.");
            if (action == "cancel" || session["status"]!.ToString() == "complete" && action != "pay")
                return (session["cancel_url"]?.ToString(), null);
            if (action == "decline") return (null, "Your card was declined.");
            if (session["status"]!.ToString() == "open" && session["mode"]!.ToString() == "setup")
            {
                // The card is kept, nothing is charged; without a customer made for it, it cannot be charged later.
                var customer = session["customer_creation"]?.ToString() == "always" ? New("cus_") : null;
                var card = NewCard(account, customer);
                var setup = new JsonObject
                {
                    ["id"] = New("seti_"), ["object"] = "setup_intent", ["status"] = "succeeded", ["usage"] = "off_session", ["customer"] = customer,
                    ["payment_method"] = card["id"]!.ToString(), ["metadata"] = session["setup_intent_metadata"]?.DeepClone() ?? new JsonObject(),
                    ["created"] = time.GetUtcNow().ToUnixTimeSeconds(), ["livemode"] = false,
                };
                Keep(account, setup);
                session["status"] = "complete";
                session["setup_intent"] = setup["id"]!.ToString();
                session["customer"] = customer;
                Emit(account, "setup_intent.succeeded", setup.DeepClone().AsObject());
                Emit(account, "checkout.session.completed", Public(session));
            }
            else if (session["status"]!.ToString() == "open")
            {
                var saved = session["setup_future_usage"]?.ToString() is "off_session" or "on_session";
                var customer = saved ? New("cus_") : null;
                var method = NewCard(account, customer);
                var intent = NewIntent(account, session["amount_total"]!.GetValue<long>(), session["currency"]!.ToString(), customer, method["id"]!.ToString(),
                    session["payment_intent_metadata"] as JsonObject, "succeeded");
                session["status"] = "complete";
                session["payment_status"] = "paid";
                session["payment_intent"] = intent["id"]!.ToString();
                session["customer"] = customer;
                Emit(account, "payment_intent.succeeded", intent.DeepClone().AsObject());
                Emit(account, "checkout.session.completed", Public(session));
            }
            return (session["success_url"]!.ToString().Replace("{CHECKOUT_SESSION_ID}", sessionId, StringComparison.Ordinal), null);
        }
    }

    /// <summary>The session as the hosted page shows it.</summary>
    public JsonObject? Session(string id)
    {
        lock (_lock) return _objects.TryGetValue(id, out var s) && s["object"]?.ToString() == "checkout.session" ? Public(s) : null;
    }

    private StripeAnswer ChargeOffSession(StripeAccount account, JsonObject form)
    {
        var method = form["payment_method"]?.ToString();
        if (method is null || Owned(account, method, "payment_method") is not { } card) return Error(400, "invalid_request_error", "resource_missing", $"No such PaymentMethod: '{method}'", "payment_method");
        if (form["amount"] is null || form["currency"] is null) return Error(400, "invalid_request_error", "parameter_missing", "amount and currency are required.", "amount");
        if (form["confirm"]?.ToString() != "true" || form["off_session"]?.ToString() != "true")
            return Error(400, "invalid_request_error", "parameter_invalid_string", "The emulator charges saved cards with confirm=true and off_session=true only.", "confirm");
        if (card["customer"]?.ToString() is not { } customer || form["customer"]?.ToString() != customer)
            return Error(400, "invalid_request_error", "parameter_invalid_string", "The PaymentMethod is not attached to this customer.", "customer");
        var declined = _declining.Contains(method);
        var intent = NewIntent(account, long.Parse(form["amount"]!.ToString(), CultureInfo.InvariantCulture), form["currency"]!.ToString().ToLowerInvariant(),
            customer, method, form["metadata"] as JsonObject, declined ? "requires_payment_method" : "succeeded");
        if (!declined)
        {
            Emit(account, "payment_intent.succeeded", intent.DeepClone().AsObject());
            return new StripeAnswer(200, intent.DeepClone().AsObject());
        }
        intent["last_payment_error"] = new JsonObject { ["type"] = "card_error", ["code"] = "card_declined", ["decline_code"] = "insufficient_funds", ["message"] = "Your card has insufficient funds." };
        Emit(account, "payment_intent.payment_failed", intent.DeepClone().AsObject());
        var error = Error(402, "card_error", "card_declined", "Your card has insufficient funds.");
        error.Body["error"]!["decline_code"] = "insufficient_funds";
        error.Body["error"]!["payment_intent"] = intent.DeepClone();
        return error;
    }

    private StripeAnswer CreateRefund(StripeAccount account, JsonObject form) =>
        Refund(account, form["payment_intent"]?.ToString(), form["amount"] is { } a ? long.Parse(a.ToString(), CultureInfo.InvariantCulture) : null,
            form["metadata"] as JsonObject, form["reason"]?.ToString());

    /// <summary>A person refunds in the dashboard: the same refund, with no metadata from the shop.</summary>
    public StripeAnswer RefundInDashboard(string secretKey, string paymentIntentId, long? amount)
    {
        lock (_lock) return _accounts.TryGetValue(secretKey, out var account) ? Refund(account, paymentIntentId, amount, null, "requested_by_customer") : Missing(paymentIntentId);
    }

    private StripeAnswer Refund(StripeAccount account, string? intentId, long? amount, JsonObject? metadata, string? reason)
    {
        if (intentId is null || Owned(account, intentId, "payment_intent") is not { } intent) return Error(400, "invalid_request_error", "resource_missing", $"No such payment_intent: '{intentId}'", "payment_intent");
        if (intent["status"]!.ToString() != "succeeded") return Error(400, "invalid_request_error", "charge_not_refundable", "The PaymentIntent did not succeed.");
        var charge = _objects[intent["latest_charge"]!.ToString()];
        var left = charge["amount"]!.GetValue<long>() - charge["amount_refunded"]!.GetValue<long>();
        var give = amount ?? left;
        if (give <= 0 || give > left)
            return Error(400, "invalid_request_error", "charge_already_refunded", $"Refund amount ({give}) is greater than unrefunded amount on charge ({left}).", "amount");
        var refund = new JsonObject
        {
            ["id"] = New("re_"), ["object"] = "refund", ["amount"] = give, ["currency"] = intent["currency"]!.ToString(), ["charge"] = charge["id"]!.ToString(),
            ["payment_intent"] = intentId, ["status"] = "succeeded", ["reason"] = reason, ["metadata"] = metadata?.DeepClone() ?? new JsonObject(),
            ["created"] = time.GetUtcNow().ToUnixTimeSeconds(),
        };
        Keep(account, refund);
        charge["amount_refunded"] = charge["amount_refunded"]!.GetValue<long>() + give;
        charge["refunded"] = charge["amount_refunded"]!.GetValue<long>() == charge["amount"]!.GetValue<long>();
        Emit(account, "refund.created", refund.DeepClone().AsObject());
        Emit(account, "charge.refunded", charge.DeepClone().AsObject());
        return new StripeAnswer(200, refund.DeepClone().AsObject());
    }

    /// <summary>The customer's bank disputes a charge: <c>charge.dispute.created</c>.</summary>
    public StripeAnswer Dispute(string secretKey, string paymentIntentId)
    {
        lock (_lock)
        {
            if (!_accounts.TryGetValue(secretKey, out var account) || Owned(account, paymentIntentId, "payment_intent") is not { } intent) return Missing(paymentIntentId);
            var charge = _objects[intent["latest_charge"]!.ToString()];
            var dispute = new JsonObject
            {
                ["id"] = New("dp_"), ["object"] = "dispute", ["amount"] = charge["amount"]!.GetValue<long>(), ["currency"] = charge["currency"]!.ToString(),
                ["charge"] = charge["id"]!.ToString(), ["payment_intent"] = paymentIntentId, ["reason"] = "fraudulent", ["status"] = "needs_response",
                ["created"] = time.GetUtcNow().ToUnixTimeSeconds(),
            };
            Keep(account, dispute);
            Emit(account, "charge.dispute.created", dispute.DeepClone().AsObject());
            return new StripeAnswer(200, dispute);
        }
    }

    private JsonObject NewCard(StripeAccount account, string? customer)
    {
        var card = new JsonObject
        {
            ["id"] = New("pm_"), ["object"] = "payment_method", ["type"] = "card", ["customer"] = customer,
            ["card"] = new JsonObject { ["brand"] = "visa", ["last4"] = TestCardLast4, ["exp_month"] = 12, ["exp_year"] = 2034 },
            ["created"] = time.GetUtcNow().ToUnixTimeSeconds(),
        };
        Keep(account, card);
        return card;
    }

    private JsonObject NewIntent(StripeAccount account, long amount, string currency, string? customer, string method, JsonObject? metadata, string status)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var intent = new JsonObject
        {
            ["id"] = New("pi_"), ["object"] = "payment_intent", ["amount"] = amount, ["amount_received"] = status == "succeeded" ? amount : 0,
            ["currency"] = currency, ["customer"] = customer, ["payment_method"] = method, ["status"] = status,
            ["metadata"] = metadata?.DeepClone() ?? new JsonObject(), ["created"] = now, ["livemode"] = false, ["latest_charge"] = null,
        };
        if (status == "succeeded")
        {
            var charge = new JsonObject
            {
                ["id"] = New("ch_"), ["object"] = "charge", ["amount"] = amount, ["amount_refunded"] = 0L, ["refunded"] = false, ["currency"] = currency,
                ["payment_intent"] = intent["id"]!.ToString(), ["payment_method"] = method, ["status"] = "succeeded", ["paid"] = true,
                ["metadata"] = metadata?.DeepClone() ?? new JsonObject(), ["created"] = now,
            };
            Keep(account, charge);
            intent["latest_charge"] = charge["id"]!.ToString();
        }
        Keep(account, intent);
        return intent;
    }

    private StripeAnswer Get(StripeAccount account, string id, string kind) =>
        Owned(account, id, kind) is { } found ? new StripeAnswer(200, Public(found)) : Missing(id);

    /// <summary>
    /// A list as Stripe pages it: newest first, <c>limit</c> (1–100, default 10) at a time, the page
    /// after <c>starting_after</c>'s object, <c>created[gte]</c> honoured, <c>has_more</c> when a page is left.
    /// </summary>
    private StripeAnswer List(StripeAccount account, string kind, Func<JsonObject, bool> matches, JsonObject form)
    {
        IEnumerable<JsonObject> all = kind == "event"
            ? _events.Where(e => e.Account == account.SecretKey).Select(e => e.Event)
            : _objects.Values.Where(o => o["object"]?.ToString() == kind && _ownerOf[o["id"]!.ToString()] == account.SecretKey).OrderBy(o => o["created"]!.GetValue<long>());
        long? since = form["created"]?["gte"] is { } gte ? long.Parse(gte.ToString(), CultureInfo.InvariantCulture) : null;
        var limit = form["limit"] is { } l ? int.Parse(l.ToString(), CultureInfo.InvariantCulture) : 10;
        if (limit is < 1 or > 100) return Error(400, "invalid_request_error", "parameter_invalid_integer", "limit must be between 1 and 100.", "limit");
        var newestFirst = all.Where(matches).Where(o => since is null || o["created"]!.GetValue<long>() >= since).Reverse().ToList();
        if (form["starting_after"]?.ToString() is { } after)
        {
            var at = newestFirst.FindIndex(o => o["id"]!.ToString() == after);
            if (at < 0) return Error(400, "invalid_request_error", "resource_missing", $"No such {kind}: '{after}'", "starting_after");
            newestFirst = newestFirst[(at + 1)..];
        }
        var data = new JsonArray([.. newestFirst.Take(limit).Select(o => (JsonNode)Public(o))]);
        return new StripeAnswer(200, new JsonObject { ["object"] = "list", ["data"] = data, ["has_more"] = newestFirst.Count > limit, ["url"] = $"/v1/{kind}s" });
    }

    /// <summary>The events list's <c>type</c> (one, <c>*</c> wildcards allowed) or <c>types</c> (up to 20) filter.</summary>
    private static bool EventOfType(JsonObject e, JsonObject form)
    {
        var type = e["type"]!.ToString();
        static bool Like(string type, string pattern) => pattern.EndsWith('*') ? type.StartsWith(pattern[..^1], StringComparison.Ordinal) : type == pattern;
        if (form["type"]?.ToString() is { } one) return Like(type, one);
        return form["types"] is not JsonObject types || types.Any(t => t.Value?.ToString() == type);
    }

    private JsonObject? Owned(StripeAccount account, string id, string kind) =>
        _objects.TryGetValue(id, out var o) && o["object"]?.ToString() == kind && _ownerOf[id] == account.SecretKey ? o : null;

    private void Keep(StripeAccount account, JsonObject o)
    {
        _objects[o["id"]!.ToString()] = o;
        _ownerOf[o["id"]!.ToString()] = account.SecretKey;
    }

    /// <summary>Records an event and delivers it to the account's endpoint, signed, until answered 2xx.</summary>
    private void Emit(StripeAccount account, string type, JsonObject data)
    {
        var created = time.GetUtcNow().ToUnixTimeSeconds();
        var e = new JsonObject
        {
            ["id"] = New("evt_"), ["object"] = "event", ["api_version"] = ApiVersion, ["created"] = created,
            ["data"] = new JsonObject { ["object"] = data }, ["livemode"] = false, ["pending_webhooks"] = account.WebhookUrl is null ? 0 : 1,
            ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null }, ["type"] = type,
        };
        _events.Add((account.SecretKey, e));
        if (account.WebhookUrl is null) return;
        var body = e.ToJsonString();
        var (copies, delay) = _notificationFaults.Delivery(account.SecretKey);
        for (var i = 0; i < copies; i++)
            notifier.Send(new Notification("Stripe", account.WebhookUrl, body, "application/json", "", delay)
            {
                Headers = new Dictionary<string, string> { ["Stripe-Signature"] = Signature(account.WebhookSecret, created, body) },
            });
    }

    /// <summary>Stripe's signature header, computed here on its own: <c>t=…,v1=</c>hex HMAC-SHA256 of <c>"{t}.{body}"</c>.</summary>
    public static string Signature(string secret, long timestamp, string body) =>
        $"t={timestamp.ToString(CultureInfo.InvariantCulture)},v1={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp.ToString(CultureInfo.InvariantCulture)}.{body}")))}";

    /// <summary>An object as the API answers it, without what the emulator keeps for itself.</summary>
    private static JsonObject Public(JsonObject o)
    {
        var copy = o.DeepClone().AsObject();
        copy.Remove("setup_future_usage");
        copy.Remove("payment_intent_metadata");
        copy.Remove("setup_intent_metadata");
        return copy;
    }

    private static StripeAnswer Missing(string id) => Error(404, "invalid_request_error", "resource_missing", $"No such object: '{id}'", "id");

    public static StripeAnswer Error(int status, string type, string code, string message, string? param = null) =>
        new(status, new JsonObject { ["error"] = new JsonObject { ["type"] = type, ["code"] = code, ["message"] = message, ["param"] = param } });

    private static string New(string prefix) => prefix + RandomNumberGenerator.GetHexString(24, lowercase: true);
}
