using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace Paydesk.Emulators.Stripe;

/// <summary>Stripe's API paths (<c>/v1/…</c>, Bearer secret key), the hosted checkout page, and the controls under <c>/_emulator/stripe</c>.</summary>
public static class StripeEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapMethods("/v1/{**path}", ["GET", "POST"], async (string path, HttpContext http, StripeEmulator stripe) =>
        {
            var key = KeyOf(http.Request.Headers.Authorization.ToString());
            if (stripe.AccountOf(key) is not { } account)
                return Answer(StripeEmulator.Error(401, "invalid_request_error", "api_key_invalid", "Invalid API Key provided."));
            var fields = http.Request.Query.Select(q => KeyValuePair.Create(q.Key, q.Value.ToString())).ToList();
            if (http.Request.HasFormContentType)
                fields.AddRange((await http.Request.ReadFormAsync()).Select(f => KeyValuePair.Create(f.Key, f.Value.ToString())));
            var call = () => stripe.Call(account, http.Request.Method, "/v1/" + path, Nest(fields), http.Request.Headers["Idempotency-Key"].FirstOrDefault());
            return await CallFaults.AnswerAsync(http, stripe.NextFault(account.SecretKey, FaultName(http.Request.Method, path)), () => Answer(call()),
                Answer(StripeEmulator.Error(500, "api_error", "internal", "An error occurred with our connection to Stripe.")));
        });

        app.MapGet("/stripe/pay/{id}", (string id, StripeEmulator stripe) =>
            stripe.Session(id) is { } session ? Results.Content(Page(session, null), "text/html; charset=utf-8") : Results.NotFound());
        app.MapPost("/stripe/pay/{id}", async (string id, HttpContext http, StripeEmulator stripe) =>
        {
            var form = await http.Request.ReadFormAsync();
            var (redirect, error) = stripe.Act(id, form["action"].ToString());
            if (redirect is not null) return Results.Redirect(redirect);
            return stripe.Session(id) is { } session
                ? Results.Content(Page(session, error), "text/html; charset=utf-8", statusCode: 402)
                : Results.NotFound();
        });

        var control = app.MapGroup("/_emulator/stripe");
        control.MapPost("/accounts", (AccountInput? input, StripeEmulator stripe) => stripe.AddAccount(input?.WebhookUrl));
        control.MapPut("/accounts/{secretKey}", (string secretKey, AccountInput input, StripeEmulator stripe) =>
        {
            if (stripe.AccountOf(secretKey) is null) return Results.NotFound();
            stripe.SetWebhook(secretKey, input.WebhookUrl);
            return Results.Ok(stripe.AccountOf(secretKey));
        });
        control.MapPost("/accounts/{secretKey}/payment_intents/{id}/refund", (string secretKey, string id, long? amount, StripeEmulator stripe) =>
            Answer(stripe.RefundInDashboard(secretKey, id, amount)));
        control.MapPost("/accounts/{secretKey}/payment_intents/{id}/dispute", (string secretKey, string id, StripeEmulator stripe) =>
            Answer(stripe.Dispute(secretKey, id)));
        control.MapPost("/accounts/{secretKey}/faults/{fault}", (string secretKey, string fault, string? method, StripeEmulator stripe) =>
        {
            if (Enum.TryParse<NotificationFault>(fault, ignoreCase: true, out var webhook)) stripe.Inject(secretKey, webhook);
            else if (method is not null && Enum.TryParse<CallFault>(fault, ignoreCase: true, out var call)) stripe.Inject(secretKey, method, call);
            else return Results.BadRequest("fault: timeout, servererror, loseanswer or late (answered a minute late) with ?method=POST /v1/…; duplicate, outoforder or drop for webhooks");
            return Results.NoContent();
        });
    }

    public sealed record AccountInput(string? WebhookUrl);

    /// <summary>The secret key, as a bearer token (the clients) or a basic user name with no password (<c>curl -u sk_…:</c>).</summary>
    private static string? KeyOf(string authorization)
    {
        if (authorization.StartsWith("Bearer ", StringComparison.Ordinal)) return authorization[7..];
        if (!authorization.StartsWith("Basic ", StringComparison.Ordinal)) return null;
        try
        {
            return System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..])).Split(':')[0];
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The name a fault is injected under: the method and the path with ids left out (<c>POST /v1/refunds</c>, <c>GET /v1/checkout/sessions</c>).</summary>
    public static string FaultName(string method, string path) =>
        $"{method} /v1/{string.Join('/', path.Trim('/').Split('/').Where(p => !p.Contains('_', StringComparison.Ordinal) || p is "payment_intents" or "payment_methods"))}";

    /// <summary>
    /// Stripe's form encoding made a tree: <c>line_items[0][price_data][currency]=usd</c> becomes
    /// <c>{"line_items":{"0":{"price_data":{"currency":"usd"}}}}</c> (a list's items keyed by index).
    /// </summary>
    public static JsonObject Nest(IEnumerable<KeyValuePair<string, string>> fields)
    {
        var root = new JsonObject();
        foreach (var (key, value) in fields)
        {
            var names = key.Replace("]", "", StringComparison.Ordinal).Split('[');
            var node = root;
            for (var i = 0; i < names.Length - 1; i++)
            {
                if (node[names[i]] is not JsonObject child) node[names[i]] = child = new JsonObject();
                node = child;
            }
            node[names[^1]] = value;
        }
        return root;
    }

    private static IResult Answer(StripeAnswer answer) =>
        Results.Content(answer.Body.ToJsonString(), "application/json", statusCode: answer.Status);

    private static string Page(JsonObject session, string? error)
    {
        // Setup mode keeps the card and charges nothing: there is no amount to show.
        var setup = session["mode"]?.ToString() == "setup";
        var amount = setup ? 0 : session["amount_total"]!.GetValue<long>() / 100m;
        var currency = session["currency"]!.ToString().ToUpperInvariant();
        var open = session["status"]!.ToString() == "open";
        var body = open
            ? $"""
              <p id="amount">{(setup ? "Save your card for later payments; nothing is charged now." : $"{amount.ToString("N2", CultureInfo.InvariantCulture)} {currency}")}</p>
              {(error is null ? "" : $"<p id=\"error\" role=\"alert\">{WebUtility.HtmlEncode(error)}</p>")}
              <p>Card: Visa •••• {StripeEmulator.TestCardLast4}, 12/34</p>
              <form method="post">
                <button class="pay" name="action" value="pay">{(setup ? "Save card" : "Pay")}</button>
                <button name="action" value="decline">Pay with a card that is declined</button>
                <button name="action" value="cancel">Back</button>
              </form>
              """
            : $"<p id=\"status\">{WebUtility.HtmlEncode(session["status"]!.ToString())}</p>";
        return $$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Checkout — Stripe emulator</title>
            <style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem}button{display:block;width:100%;margin:.5rem 0;padding:.8rem;font-size:1rem}.pay{background:#635bff;color:#fff;border:0}</style></head>
            <body><h1>Checkout</h1><p>Stripe emulator</p>{{body}}</body></html>
            """;
    }
}
