using System.Net;
using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Core;
using Paydesk.Storage;

namespace Paydesk.Payments;

/// <summary>
/// Where a provider sends the customer back. These pages only read: arriving here proves
/// nothing, so nothing is marked paid — only a verified notification (or the reconciler) does that.
/// </summary>
internal static class ReturnPages
{
    public static void MapPaymentReturnPages(this WebApplication app)
    {
        app.MapGet("/pay/{paymentId}/{outcome}", async (string paymentId, string outcome, PaydeskDb db, HttpContext http, CancellationToken ct) =>
        {
            if (outcome is not ("success" or "canceled")) return Results.NotFound();
            // No API key here: the payment's id names its tenant, and the page reads as that tenant's staff would.
            if (await Installation.TenantOfPaymentAsync(db, paymentId, ct) is not { } tenantId) return Results.NotFound();
            db.Tenant.Set(tenantId, Tenancy.Role.Staff);
            var payment = await db.Payments.AsNoTracking().FirstOrDefaultAsync(p => p.Id == paymentId, ct);
            if (payment is null) return Results.NotFound();
            var (title, text) = payment.Status switch
            {
                PaymentStatus.Succeeded => ("Payment received", "Thank you. A confirmation is on its way to you."),
                PaymentStatus.Failed or PaymentStatus.Canceled or PaymentStatus.Expired => ("Payment not completed", "Nothing was charged. You can try again."),
                _ when outcome == "canceled" => ("Payment not completed", "Nothing was charged. You can try again."),
                _ => ("Confirming your payment…", "We are waiting for the payment provider to confirm it. This page does not need to stay open."),
            };
            var amount = WebUtility.HtmlEncode(payment.Amount.ToString());
            return HtmlPages.Respond(http, HtmlPages.Document(title, Style,
                $"<h1>{title}</h1><p>{text}</p><p>{amount} · <code>{WebUtility.HtmlEncode(payment.Id)}</code> · {payment.Status.ToApi()}</p>"));
        }).ExcludeFromDescription();
    }

    private const string Style = """
        body { font: 16px/1.5 system-ui, sans-serif; background: #f4f5f7; color: #1d2330; margin: 0; }
        main { max-width: 28rem; margin: 3rem auto; background: #fff; border-radius: 12px; padding: 2rem; box-shadow: 0 2px 12px #0001; }
        """;
}
