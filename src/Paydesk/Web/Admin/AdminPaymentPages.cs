using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Api.Pages;
using Paydesk.Core;
using Paydesk.Invoices;
using Paydesk.Orders;
using Paydesk.Payments;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Web.Admin;

public sealed record PaymentListRow(string Id, string Customer, string Amount, string Status, string Tone, string Provider, string Created);

public sealed record OperationRow(string When, string Kind, string Summary);

public sealed record RefundRow(string Id, string Amount, string Status, string Tone, string Reason, string When);

/// <summary>The part of a payment's page that follows it: its status, its operations log and its refunds.</summary>
/// <param name="Url">Where the part reads itself again while <paramref name="Waiting"/>.</param>
/// <param name="Waiting">The payment is not settled yet (created, pending, unknown): the part asks again every two seconds.</param>
public sealed record PaymentLiveView(
    AdminFrame Frame, string Url, bool Waiting, string Status, string Tone, string Amount, string? Refunded, string? Review,
    IReadOnlyList<OperationRow> Operations, IReadOnlyList<RefundRow> Refunds);

/// <summary>
/// <c>/admin/{tenant}/payments</c>: the tenant's payments, newest first, and each with its
/// operations log and refunds; while one is not settled its page follows it (htmx). An admin may
/// ask the provider about it at once, as <c>POST /api/v1/payments/{id}/reconcile</c> does.
/// </summary>
internal static partial class AdminPages
{
    public static void MapPaymentPages(this RouteGroupBuilder admin)
    {
        admin.MapGet("/payments", async (string slug, HttpContext http, PaydeskDb db, CancellationToken ct) =>
        {
            var opening = await OpenAsync(http, db, slug, ct);
            if (opening.Staff is not { } staff) return opening.Refusal(http);
            var (tenant, frame, _) = staff;
            var culture = frame.Culture;
            var zone = Display.Zone(tenant.TimeZone);
            var statuses = AdminWords.All.For(culture).PaymentStatuses;
            var payments = await db.Payments.AsNoTracking().OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id).Take(100).ToListAsync(ct);
            var names = await CustomerNamesAsync(db, payments.Select(p => p.CustomerId), ct);
            return HtmlPages.Page<PaymentsView>(http, new
            {
                Frame = frame,
                Rows = payments.Select(p => new PaymentListRow(p.Id, names.GetValueOrDefault(p.CustomerId, p.CustomerId),
                    Display.Amount(p.AmountMinor, p.Currency, culture), statuses[p.Status], ToneOf(p.Status), p.Provider, Display.Date(p.CreatedAt, zone, culture))).ToList(),
            });
        });

        admin.MapGet("/payments/{id}", async (string slug, string id, string? done, string? error, HttpContext http, PaydeskDb db, CancellationToken ct) =>
        {
            var opening = await OpenAsync(http, db, slug, ct);
            if (opening.Staff is not { } staff) return opening.Refusal(http);
            if (await LiveAsync(db, staff, id, ct) is not { } live) return Results.NotFound();
            var payment = await db.Payments.AsNoTracking().FirstAsync(p => p.Id == id, ct);
            var names = await CustomerNamesAsync(db, [payment.CustomerId], ct);
            var culture = staff.Frame.Culture;
            return HtmlPages.Page<PaymentView>(http, new
            {
                Live = live, PaymentId = payment.Id, Customer = names.GetValueOrDefault(payment.CustomerId, payment.CustomerId),
                CustomerId = Uri.EscapeDataString(payment.CustomerId), payment.Provider,
                OrderId = payment.Purpose.StartsWith(OrderPurpose.Prefix, StringComparison.Ordinal) ? payment.Purpose[OrderPurpose.Prefix.Length..] : null,
                Created = Display.Date(payment.CreatedAt, Display.Zone(staff.Tenant.TimeZone), culture),
                CanCheck = staff.Role == Role.TenantAdmin,
                Notice = error ?? (done is null ? null : AdminWords.All.For(culture).Done), NoticeIsError = error is not null,
            });
        });

        // What htmx reads every two seconds while the payment is not settled.
        admin.MapGet("/payments/{id}/live", async (string slug, string id, HttpContext http, PaydeskDb db, CancellationToken ct) =>
        {
            var opening = await OpenAsync(http, db, slug, ct);
            if (opening.Staff is not { } staff) return opening.Refusal(http);
            return await LiveAsync(db, staff, id, ct) is { } live ? HtmlPages.Page<PaymentLive>(http, new { View = live }) : Results.NotFound();
        });

        admin.MapPost("/payments/{id}/reconcile", async (string slug, string id, HttpContext http, PaydeskDb db, ReconcilePayment reconcile, Audit audit, CancellationToken ct) =>
        {
            var (act, refusal) = await AdminPages.ActAsync(http, db, slug, $"payments/{Uri.EscapeDataString(id)}", ct);
            if (act is null) return refusal;
            var (staff, _, back) = act;
            var before = await db.Payments.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
            if (before is null || await reconcile.CheckNowAsync(id, ct) is not { } reconciled) return Results.NotFound();
            var after = reconciled.Payment;
            await audit.RecordAsync(db, staff.User, "reconcile", "payment", id,
                new { status = before.Status.ToApi(), checkAttempts = before.CheckAttempts, reviewReason = before.ReviewReason },
                new { status = after.Status.ToApi(), checkAttempts = after.CheckAttempts, reviewReason = after.ReviewReason }, ct);
            return Results.LocalRedirect($"{back}?done=reconcile");
        });
    }

    /// <summary>The payment's status, operations and refunds as its page shows them; null when the tenant has no such payment.</summary>
    private static async Task<PaymentLiveView?> LiveAsync(PaydeskDb db, Staff staff, string id, CancellationToken ct)
    {
        var payment = await db.Payments.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
        if (payment is null) return null;
        var frame = staff.Frame;
        var culture = frame.Culture;
        var zone = Display.Zone(staff.Tenant.TimeZone);
        var w = AdminOperationsWords.All.For(culture);
        string When(DateTimeOffset at) => NodaTime.Instant.FromDateTimeOffset(at).InZone(zone).ToDateTimeOffset().ToString("G", culture);
        var operations = (await db.PaymentOperations.AsNoTracking().Where(o => o.PaymentId == id).ToListAsync(ct))
            .OrderBy(o => o.CreatedAt).ThenBy(o => o.Id, StringComparer.Ordinal)
            .Select(o => new OperationRow(When(o.CreatedAt), o.Kind.ToString().ToLowerInvariant(), o.Summary)).ToList();
        var refunds = (await db.Refunds.AsNoTracking().Where(r => r.PaymentId == id).ToListAsync(ct))
            .OrderBy(r => r.CreatedAt).ThenBy(r => r.Id, StringComparer.Ordinal)
            .Select(r => new RefundRow(r.Id, Display.Amount(r.AmountMinor, r.Currency, culture), w.RefundStatuses[r.Status],
                r.Status switch { RefundStatus.Succeeded => "good", RefundStatus.Failed => "bad", _ => "warn" }, r.Error is null ? r.Reason : $"{r.Reason} — {r.Error}",
                When(r.CreatedAt))).ToList();
        return new PaymentLiveView(frame, $"{frame.Root}/payments/{Uri.EscapeDataString(id)}/live", !PaymentStates.IsSettled(payment.Status),
            AdminWords.All.For(culture).PaymentStatuses[payment.Status], ToneOf(payment.Status), Display.Amount(payment.AmountMinor, payment.Currency, culture),
            payment.RefundedMinor > 0 ? Display.Amount(payment.RefundedMinor, payment.Currency, culture) : null,
            payment.ReviewReason is null ? null : w.NeedsReview(payment.ReviewReason), operations, refunds);
    }

    private static string ToneOf(PaymentStatus status) => status switch
    {
        PaymentStatus.Succeeded => "good",
        PaymentStatus.Failed or PaymentStatus.Canceled or PaymentStatus.Expired => "bad",
        PaymentStatus.Refunded or PaymentStatus.PartiallyRefunded => "",
        _ => "warn",
    };

    private static async Task<Dictionary<string, string>> CustomerNamesAsync(PaydeskDb db, IEnumerable<string> customerIds, CancellationToken ct)
    {
        var ids = customerIds.Distinct().ToList();
        return await db.Customers.AsNoTracking().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, ct);
    }
}
