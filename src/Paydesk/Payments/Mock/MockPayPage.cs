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

    // The page's policy, but its form then sends the browser back to the merchant's return address,
    // wherever that is: a redirect after a form is held to form-action.
    private const string Policy = "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'";

    public static void MapMockPay(this WebApplication app)
    {
        var page = app.MapGroup("/mock-pay/{paymentId}").ExcludeFromDescription();

        page.MapGet("/", async (string paymentId, PaydeskDb db, ProviderRegistry providers, HttpContext http, CancellationToken ct) =>
        {
            if (!providers.MockEnabled) return Results.NotFound();
            var charge = await db.MockCharges.AsNoTracking().FirstOrDefaultAsync(c => c.PaymentId == paymentId, ct);
            return charge is null ? Results.NotFound() : HtmlPages.Page<MockPayView>(http, new { Charge = charge }, Policy);
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

        // The customer's bank disputes the charge; the provider tells the merchant.
        page.MapPost("/dispute", async (string paymentId, PaydeskDb db, ProviderRegistry providers, MockNotifier notifier, TimeProvider time, CancellationToken ct) =>
        {
            if (!providers.MockEnabled) return Results.NotFound();
            var charge = await db.MockCharges.AsNoTracking().FirstOrDefaultAsync(c => c.PaymentId == paymentId, ct);
            if (charge is null || charge.Status != "succeeded") return Results.NotFound();
            var at = time.GetUtcNow();
            notifier.Enqueue(new MockDelivery(charge.NotifyUrl, charge.AccountId,
                new MockEvent(MockNotifier.NewEventId(), "payment.disputed", charge.PaymentId, charge.Id, "succeeded", charge.AmountMinor, charge.Currency, at,
                    Dispute: new MockDisputeEvent("mdp_" + charge.Id, charge.AmountMinor, "fraudulent")),
                at, 1));
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
            // A checkout that keeps the card: which one the customer pays with decides how later charges go.
            var card = (form?["card"].FirstOrDefault() ?? "pays") switch
            {
                "pays" => MockSavedMethod.Pays,
                "declines" => MockSavedMethod.Declines,
                _ => null,
            };
            if (card is null) return Results.BadRequest("card must be pays or declines");
            // Each kept card is the customer's own at the provider: an id of its own, as a real provider's.
            card = card with { Id = $"{card.Id}_{charge.Id}" };

            var now = time.GetUtcNow();
            var events = new List<MockEvent>();
            MockEvent Event(string status, DateTimeOffset at) =>
                new(MockNotifier.NewEventId(), $"payment.{status}", charge.PaymentId, charge.Id, status, charge.AmountMinor, charge.Currency, at);

            var (to, captures) = action switch
            {
                // "timeout": the money moved, but the answer is lost; only asking the provider finds out.
                // A checkout of nothing (a free trial's) keeps the card and moves no money.
                "succeed" or "timeout" => ("succeeded", charge.AmountMinor > 0 ? 1 : 0),
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
                if (action != "timeout") events.Add(Event(to, now) with { SavedMethod = to == "succeeded" && charge.KeepsMethod ? card : null });
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
}
