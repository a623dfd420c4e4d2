using System.Globalization;
using System.Net;

namespace Paydesk.Emulators.Robokassa;

/// <summary>Robokassa's paths (<c>/Merchant/Index.aspx</c>, <c>/Merchant/Recurring</c>, <c>OpStateExt</c>), the page's buttons, and the controls.</summary>
public static class RobokassaEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapMethods("/Merchant/Index.aspx", ["GET", "POST"], async (HttpContext http, RobokassaEmulator robokassa) =>
        {
            var (invoice, error) = robokassa.Open(await FieldsAsync(http));
            return invoice is null
                ? Results.Content(Page("Ошибка", $"<p id=\"error\">{WebUtility.HtmlEncode(error)}</p>"), "text/html; charset=utf-8", statusCode: 400)
                : Results.Content(Form(invoice), "text/html; charset=utf-8");
        });
        app.MapPost("/robokassa/pay/{login}/{invId:long}", async (string login, long invId, HttpContext http, RobokassaEmulator robokassa) =>
        {
            var form = await http.Request.ReadFormAsync();
            var back = robokassa.Act(login, invId, form["action"].ToString());
            return back is null ? Results.NotFound() : Results.Redirect(back);
        });
        app.MapPost("/Merchant/Recurring", async (HttpContext http, RobokassaEmulator robokassa) =>
        {
            var f = await FieldsAsync(http);
            return await CallFaults.AnswerAsync(http, robokassa.NextFault(f.GetValueOrDefault("MerchantLogin"), "Recurring"), () => Results.Text(robokassa.Recur(f)));
        });
        app.MapMethods("/Merchant/WebService/Service.asmx/OpStateExt", ["GET", "POST"], async (HttpContext http, RobokassaEmulator robokassa) =>
        {
            var f = await FieldsAsync(http);
            return await CallFaults.AnswerAsync(http, robokassa.NextFault(f.GetValueOrDefault("MerchantLogin"), "OpStateExt"), () => Results.Content(
                robokassa.OpStateExt(f.GetValueOrDefault("MerchantLogin"), f.GetValueOrDefault("InvoiceID"), f.GetValueOrDefault("Signature")), "text/xml; charset=utf-8"));
        });
        app.MapPost("/RoboFiscal/Receipt/Attach", async (HttpContext http, RobokassaEmulator robokassa) =>
        {
            var body = await new StreamReader(http.Request.Body).ReadToEndAsync();
            var login = MerchantOf(body);
            return await CallFaults.AnswerAsync(http, robokassa.NextFault(login, "Receipt/Attach"), () => Results.Content(robokassa.AttachReceipt(body), "application/json"));
        });

        var control = app.MapGroup("/_emulator/robokassa");
        control.MapPost("/shops", (ShopInput? input, RobokassaEmulator robokassa) =>
            robokassa.AddShop(input?.Login, input?.Hash ?? "md5", input?.ResultUrl, input?.SuccessUrl, input?.FailUrl));
        // What the shop's owner sets in the cabinet's technical settings: the Result, Success and Fail URLs.
        control.MapPut("/shops/{login}", (string login, ShopInput input, RobokassaEmulator robokassa) =>
        {
            if (robokassa.Shop(login) is null) return Results.NotFound();
            robokassa.Configure(login, input.ResultUrl, input.SuccessUrl, input.FailUrl);
            return Results.Ok(robokassa.Shop(login));
        });
        control.MapPost("/shops/{login}/refund/{invId:long}", (string login, long invId, RobokassaEmulator robokassa) =>
            robokassa.RefundInCabinet(login, invId) ? Results.NoContent() : Results.NotFound());
        control.MapPost("/shops/{login}/faults/{method}/{fault}", (string login, string method, CallFault fault, RobokassaEmulator robokassa) =>
        {
            robokassa.Inject(login, method.Replace('-', '/'), fault);
            return Results.NoContent();
        });
        control.MapPost("/shops/{login}/faults/ResultURL/{fault}", (string login, NotificationFault fault, RobokassaEmulator robokassa) =>
        {
            robokassa.Inject(login, fault);
            return Results.NoContent();
        });
        control.MapPost("/shops/{login}/decline/{parentInvId:long}", (string login, long parentInvId, RobokassaEmulator robokassa) =>
        {
            robokassa.Decline(login, parentInvId);
            return Results.NoContent();
        });
    }

    /// <summary>The shop a RoboFiscal body names (its merchantId), to find the shop's faults; null when unreadable.</summary>
    private static string? MerchantOf(string body)
    {
        try
        {
            return System.Text.Json.Nodes.JsonNode.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(body.Split('.')[0]))?["merchantId"]?.ToString();
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    public sealed record ShopInput(string? Login, string? Hash, string? ResultUrl, string? SuccessUrl, string? FailUrl);

    /// <summary>The query string's fields and, for a POST, the form's, the form's winning.</summary>
    private static async Task<Dictionary<string, string>> FieldsAsync(HttpContext http)
    {
        var fields = http.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        if (http.Request.HasFormContentType)
            foreach (var (key, value) in await http.Request.ReadFormAsync())
                fields[key] = value.ToString();
        return fields;
    }

    private static string Form(RobokassaInvoice invoice)
    {
        var english = invoice.Culture == "en";
        string T(string ru, string en) => english ? en : ru;
        var amount = decimal.Parse(invoice.OutSum, CultureInfo.InvariantCulture).ToString("N2", CultureInfo.GetCultureInfo("ru-RU"));
        var body = invoice.State == 5
            ? $"""
              <p>{WebUtility.HtmlEncode(invoice.Description ?? "")}</p>
              <p><strong id="amount">{amount} ₽</strong>{(invoice.IsTest ? $" <em>({T("тестовый платёж", "test payment")})</em>" : "")}</p>
              <form method="post" action="/robokassa/pay/{Uri.EscapeDataString(invoice.Login)}/{invoice.InvId}">
                <button class="pay" name="action" value="pay">{T("Оплатить картой", "Pay by card")}</button>
                <button name="action" value="decline">{T("Оплатить картой, которую отклонят", "Pay with a card that is declined")}</button>
                <button name="action" value="cancel">{T("Вернуться в магазин", "Return to the shop")}</button>
              </form>
              """
            : $"<p id=\"status\">{invoice.State}</p>";
        return Page($"{T("Оплата счёта", "Invoice")} {invoice.InvId}", body, english);
    }

    private static string Page(string title, string body, bool english = false) => $$"""
        <!doctype html>
        <html lang="{{(english ? "en" : "ru")}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{WebUtility.HtmlEncode(title)}} — Robokassa emulator</title>
        <style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem}button{display:block;width:100%;margin:.5rem 0;padding:.8rem;font-size:1rem}.pay{background:#3cb371;color:#fff;border:0}</style></head>
        <body><h1>{{WebUtility.HtmlEncode(title)}}</h1><p>Robokassa emulator</p>{{body}}</body></html>
        """;
}
