using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace Paydesk.Emulators.TBank;

/// <summary>T-Bank's API under its own paths (<c>/v2/Init</c>…, <c>/cashbox/SendClosingReceipt</c>), its hosted form, and the controls.</summary>
public static class TBankEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapPost("/v2/{method}", (string method, HttpContext http, TBankEmulator tbank) => Answer(method, http, tbank));
        app.MapPost("/cashbox/SendClosingReceipt", (HttpContext http, TBankEmulator tbank) => Answer("SendClosingReceipt", http, tbank));

        app.MapGet("/tbank/pay/{paymentId:long}", (long paymentId, TBankEmulator tbank) =>
            tbank.Payment(paymentId) is { } payment ? Results.Content(Form(payment), "text/html; charset=utf-8") : Results.NotFound());
        app.MapPost("/tbank/pay/{paymentId:long}", async (long paymentId, HttpContext http, TBankEmulator tbank) =>
        {
            var form = await http.Request.ReadFormAsync();
            var back = tbank.Act(paymentId, form["action"].ToString());
            return back is null ? Results.NotFound() : Results.Redirect(back);
        });

        var control = app.MapGroup("/_emulator/tbank");
        control.MapPost("/terminals", (TerminalInput? input, TBankEmulator tbank) => tbank.AddTerminal(input?.TerminalKey, input?.Password));
        control.MapGet("/terminals/{key}/payments", (string key, TBankEmulator tbank) => tbank.Payments(key).Select(View));
        control.MapPost("/payments/{paymentId:long}/refund", (long paymentId, long? amount, TBankEmulator tbank) => tbank.RefundInDashboard(paymentId, amount));
        control.MapPost("/rebills/{rebillId}/decline", (string rebillId, TBankEmulator tbank) => { tbank.Decline(rebillId); return Results.NoContent(); });
        control.MapPost("/faults", (FaultInput input, TBankEmulator tbank) =>
        {
            if (string.IsNullOrEmpty(input.TerminalKey)) return Results.BadRequest("terminalKey: the terminal whose calls or notifications to break");
            if (Enum.TryParse<NotificationFault>(input.Kind, ignoreCase: true, out var n)) tbank.Inject(input.TerminalKey, n, input.Times ?? 1);
            else if (input.Method is { } method && Enum.TryParse<CallFault>(input.Kind, ignoreCase: true, out var f)) tbank.Inject(input.TerminalKey, method, f, input.Times ?? 1);
            else return Results.BadRequest("kind: timeout, servererror or loseanswer with a method; duplicate, outoforder or drop for notifications");
            return Results.NoContent();
        });
    }

    public sealed record TerminalInput(string? TerminalKey, string? Password);

    public sealed record FaultInput(string TerminalKey, string Kind, string? Method, int? Times);

    private static object View(TBankPayment p) => new
    {
        p.PaymentId, p.OrderId, p.Amount, p.Left, p.Status, p.Captures, p.RebillId, p.CustomerKey,
        ClosingReceipts = p.ClosingReceipts.Count, Receipt = p.Receipt,
    };

    private static async Task<IResult> Answer(string method, HttpContext http, TBankEmulator tbank)
    {
        JsonObject? request;
        try
        {
            request = await JsonNode.ParseAsync(http.Request.Body) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            request = null;
        }
        if (request is null) return Results.Json(new JsonObject { ["Success"] = false, ["ErrorCode"] = "3", ["Message"] = "Неверный JSON." });

        return await CallFaults.AnswerAsync(http, tbank.NextFault((request["TerminalKey"] as JsonValue)?.ToString(), method), () => Results.Json(tbank.Call(method, request)));
    }

    private static string Form(TBankPayment p)
    {
        var amount = (p.Amount / 100m).ToString("N2", CultureInfo.GetCultureInfo("ru-RU"));
        var english = p.Language == "en";
        string T(string ru, string en) => english ? en : ru;
        var open = p.Status == "NEW";
        return $$"""
            <!doctype html>
            <html lang="{{(english ? "en" : "ru")}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{T("Оплата", "Payment")}} — T-Bank emulator</title>
            <style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem}button{display:block;width:100%;margin:.5rem 0;padding:.8rem;font-size:1rem}
            .pay{background:#ffdd2d;border:0}.muted{color:#555}</style></head>
            <body>
            <h1>{{T("Оплата заказа", "Pay for your order")}}</h1>
            <p class="muted">T-Bank emulator · {{T("заказ", "order")}} {{WebUtility.HtmlEncode(p.OrderId)}}</p>
            <p>{{WebUtility.HtmlEncode(p.Description ?? "")}}</p>
            <p><strong id="amount">{{amount}} ₽</strong></p>
            {{(open ? $$"""
            <p>{{T("Тестовая карта", "Test card")}}: 4300 0000 0000 0777, 12/30</p>
            <form method="post">
              <button class="pay" name="action" value="pay">{{T("Оплатить", "Pay")}}</button>
              <button name="action" value="decline">{{T("Оплатить картой, которую отклонят", "Pay with a card that is declined")}}</button>
              <button name="action" value="cancel">{{T("Отменить и вернуться в магазин", "Cancel and return to the shop")}}</button>
            </form>
            """ : $"<p id=\"status\">{WebUtility.HtmlEncode(p.Status)}</p>")}}
            </body></html>
            """;
    }
}
