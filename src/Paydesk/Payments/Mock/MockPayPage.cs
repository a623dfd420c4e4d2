using System.Net;
using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Core;
using Paydesk.Storage;

namespace Paydesk.Payments.Mock;

/// <summary>
/// The Mock provider's hosted payment page, <c>/mock-pay/{paymentId}</c>. Each button is a form
/// post to <c>/mock-pay/{paymentId}/{action}</c>, so a script can pay exactly as a browser does.
/// </summary>
internal static class MockPayPage
{
    public static readonly string[] Actions = ["succeed", "decline", "cancel", "pending", "timeout"];
    public static readonly string[] Deliveries = ["normal", "twice", "late", "out_of_order"];
    public static readonly TimeSpan LateBy = TimeSpan.FromSeconds(20);

    // The strict policy, but the page posts its own form, which then sends the browser back to the
    // merchant's return address, wherever that is.
    private const string Policy = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'";

    public static void MapMockPay(this WebApplication app)
    {
        var page = app.MapGroup("/mock-pay/{paymentId}").ExcludeFromDescription();

        page.MapGet("/", async (string paymentId, PaydeskDb db, ProviderRegistry providers, HttpContext http, CancellationToken ct) =>
        {
            if (!providers.MockEnabled) return Results.NotFound();
            var charge = await db.MockCharges.AsNoTracking().FirstOrDefaultAsync(c => c.PaymentId == paymentId, ct);
            return charge is null ? Results.NotFound() : HtmlPages.Respond(http, Render(charge), Policy);
        });

        // What a person does in the provider's dashboard: gives money back without Paydesk asking.
        // The provider then notifies Paydesk of the refund, as it does of any refund.
        page.MapPost("/refund", async (string paymentId, HttpContext http, PaydeskDb db, ProviderRegistry providers, MockProvider mock,
            IdGenerator ids, CancellationToken ct) =>
        {
            if (!providers.MockEnabled) return Results.NotFound();
            var charge = await db.MockCharges.AsNoTracking().FirstOrDefaultAsync(c => c.PaymentId == paymentId, ct);
            if (charge is null) return Results.NotFound();
            var form = await RequestText.ReadFormAsync(http.Request, ct);
            var left = charge.AmountMinor - charge.RefundedMinor;
            var amountText = form?["amount"].FirstOrDefault();
            long amount = left;
            if (!string.IsNullOrEmpty(amountText) && (!long.TryParse(amountText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out amount) || amount <= 0))
                return Results.BadRequest("amount must be a positive whole number of minor units");
            var result = await mock.RefundChargeAsync(db, charge, amount, MockProvider.DashboardKeyPrefix + ids.New("re")[3..], ct);
            if (result.Outcome != RefundOutcome.Succeeded) return Results.BadRequest(result.Error);
            return Results.Redirect($"/mock-pay/{Uri.EscapeDataString(paymentId)}", permanent: false, preserveMethod: false);
        });

        page.MapPost("/{action}", async (string paymentId, string action, HttpContext http, PaydeskDb db, ProviderRegistry providers,
            MockNotifier notifier, TimeProvider time, CancellationToken ct) =>
        {
            if (!providers.MockEnabled || !Actions.Contains(action)) return Results.NotFound();
            var charge = await db.MockCharges.FirstOrDefaultAsync(c => c.PaymentId == paymentId, ct);
            if (charge is null) return Results.NotFound();
            var form = await RequestText.ReadFormAsync(http.Request, ct);
            var delivery = form?["delivery"].FirstOrDefault() ?? "normal";
            if (!Deliveries.Contains(delivery)) return Results.BadRequest($"delivery must be one of {string.Join(", ", Deliveries)}");

            var now = time.GetUtcNow();
            var events = new List<MockEvent>();
            MockEvent Event(string status, DateTimeOffset at) =>
                new(MockNotifier.NewEventId(), $"payment.{status}", charge.PaymentId, charge.Id, status, charge.AmountMinor, charge.Currency, at);

            var (to, captures) = action switch
            {
                // "timeout": the money moved, but the answer is lost; only asking the provider finds out.
                "succeed" or "timeout" => ("succeeded", 1),
                "decline" => ("failed", 0),
                "cancel" => ("canceled", 0),
                _ => ("pending", 0),
            };
            // Two presses at once (a double click, two tabs) take turns: each moves the charge only
            // from the status it saw, so one pays or cancels, and the other finds it closed and
            // reports nothing, as a real provider would.
            while (charge.Status is "open" or "pending")
            {
                var seen = charge.Status;
                var stored = PaydeskDb.Stored(now);
                var moved = await db.MockCharges.Where(c => c.Id == charge.Id && c.Status == seen)
                    .ExecuteUpdateAsync(u => u.SetProperty(c => c.Status, to).SetProperty(c => c.Captures, c => c.Captures + captures)
                        .SetProperty(c => c.UpdatedAt, stored), ct);
                if (moved == 0)
                {
                    await db.Entry(charge).ReloadAsync(ct);
                    continue;
                }
                charge.Status = to;
                if (action == "succeed" && delivery == "out_of_order") events.Add(Event("failed", now.AddSeconds(-30)));
                if (action != "timeout") events.Add(Event(to, now));
                break;
            }

            // Out of order: the newest event first, then the one it supersedes.
            var ordered = delivery == "out_of_order" ? Enumerable.Reverse(events).ToList() : events;
            var delay = TimeSpan.Zero;
            foreach (var e in ordered)
            {
                notifier.Enqueue(new MockDelivery(charge.NotifyUrl, charge.AccountId, e,
                    now + (delivery == "late" ? LateBy : delay), delivery == "twice" ? 2 : 1));
                // Spaced so that they arrive in this order.
                delay += TimeSpan.FromMilliseconds(300);
            }

            var back = charge.Status is "failed" or "canceled" ? charge.CancelUrl : charge.SuccessUrl;
            return Results.Redirect(back, permanent: false, preserveMethod: false);
        });
    }

    private static string Render(MockCharge charge)
    {
        var money = new Money(charge.AmountMinor, Currency.Parse(charge.Currency)).ToString();
        var amount = WebUtility.HtmlEncode(money);
        var description = WebUtility.HtmlEncode(charge.Description);
        var id = WebUtility.HtmlEncode(charge.PaymentId);
        var open = charge.Status is "open" or "pending";
        string Button(string action, string label, string style) =>
            $"""<button name="action" formaction="/mock-pay/{id}/{action}" class="{style}">{label}</button>""";
        var body = $$"""
          <span class="badge">Mock provider — no real money moves</span>
          <h1>{{amount}}</h1>
          <p>{{description}}</p>
          <p>Payment <code>{{id}}</code> · status <strong>{{WebUtility.HtmlEncode(charge.Status)}}</strong></p>
          {{(open ? $"""
          <form method="post">
            {Button("succeed", "Pay", "pay")}
            {Button("decline", "Decline the card", "no")}
            {Button("cancel", "Cancel and go back", "no")}
            {Button("pending", "Leave it pending", "other")}
            {Button("timeout", "Charge, then lose the answer", "other")}
            <fieldset><legend>Deliver the notification</legend>
              <label><input type="radio" name="delivery" value="normal" checked> normally</label>
              <label><input type="radio" name="delivery" value="twice"> twice</label>
              <label><input type="radio" name="delivery" value="late"> late ({LateBy.TotalSeconds:0} s)</label>
              <label><input type="radio" name="delivery" value="out_of_order"> out of order (an older failure after the success)</label>
            </fieldset>
          </form>
          """ : "<p>This checkout is closed.</p>")}}
          {{(charge.Status == "succeeded" && charge.RefundedMinor < charge.AmountMinor ? $"""
          <form method="post" action="/mock-pay/{id}/refund" class="dashboard">
            <p>Provider dashboard · refunded so far {WebUtility.HtmlEncode(new Money(charge.RefundedMinor, Currency.Parse(charge.Currency)).ToString())}</p>
            <label>Refund (minor units) <input name="amount" inputmode="numeric" value="{charge.AmountMinor - charge.RefundedMinor}"></label>
            <button class="no">Refund from the dashboard</button>
          </form>
          """ : "")}}
          """;
        return HtmlPages.Document($"Mock payment · {money}", Style, body);
    }

    private const string Style = """
        body { font: 16px/1.5 system-ui, sans-serif; background: #f4f5f7; color: #1d2330; margin: 0; }
        main { max-width: 28rem; margin: 3rem auto; background: #fff; border-radius: 12px; padding: 2rem; box-shadow: 0 2px 12px #0001; }
        .badge { display: inline-block; font-size: .75rem; background: #fff4d6; color: #7a5a00; padding: .1rem .5rem; border-radius: 999px; }
        h1 { font-size: 2rem; margin: .5rem 0 0; } p { color: #525a6b; }
        button { display: block; width: 100%; margin: .5rem 0; padding: .75rem; border: 0; border-radius: 8px; font-size: 1rem; cursor: pointer; }
        .pay { background: #1a7f4b; color: #fff; } .no { background: #f1d4d4; color: #7a1f1f; } .other { background: #e7e9ee; color: #1d2330; }
        fieldset { border: 1px solid #e1e4ea; border-radius: 8px; margin-top: 1rem; } label { display: block; font-size: .9rem; }
        .dashboard { border-top: 1px dashed #e1e4ea; margin-top: 1.5rem; } input { font-size: 1rem; padding: .4rem; width: 10rem; }
        """;
}
