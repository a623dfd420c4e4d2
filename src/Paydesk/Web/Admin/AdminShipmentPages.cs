using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Api.Pages;
using Paydesk.Core;
using Paydesk.Entitlements;
using Paydesk.Invoices;
using Paydesk.Storage;

namespace Paydesk.Web.Admin;

public sealed record ShipmentRow(
    string Id, string Product, int Quantity, string? OrderId, string Customer, string? Address, ShipmentStatus State, string Status, string Tone,
    string? Carrier, string? TrackingNumber, string? TrackingUrl, string Created);

/// <summary>
/// <c>/admin/{tenant}/shipments</c>: what is to be sent to customers, newest first; staff mark
/// one shipped (carrier, tracking number and link, each optional) while it is placed, and
/// delivered once shipped, through <see cref="MoveShipment"/> as the API's <c>ship</c> and
/// <c>deliver</c> do — the customer is told of the parcel once.
/// </summary>
internal static partial class AdminPages
{
    public static void MapShipmentPages(this RouteGroupBuilder admin)
    {
        admin.MapGet("/shipments", async (string slug, string? done, string? error, HttpContext http, PaydeskDb db, CancellationToken ct) =>
        {
            var opening = await OpenAsync(http, db, slug, ct);
            if (opening.Staff is not { } staff) return opening.Refusal(http);
            var (tenant, frame, _) = staff;
            var culture = frame.Culture;
            var zone = Display.Zone(tenant.TimeZone);
            var statuses = AdminOperationsWords.All.For(culture).ShipmentStatuses;
            var shipments = await db.Shipments.AsNoTracking().OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id).Take(100).ToListAsync(ct);
            var productIds = shipments.Select(s => s.ProductId).Distinct().ToList();
            var products = await db.Products.AsNoTracking().Where(p => productIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
            var names = await CustomerNamesAsync(db, shipments.Select(s => s.CustomerId), ct);
            return HtmlPages.Page<ShipmentsView>(http, new
            {
                Frame = frame,
                Rows = shipments.Select(s => new ShipmentRow(s.Id, products.GetValueOrDefault(s.ProductId, s.ProductId), s.Quantity,
                    s.SourceKind == Source.OrderKind ? s.SourceId : null, names.GetValueOrDefault(s.CustomerId, s.CustomerId),
                    s.Address is null ? null : string.Join(", ", s.Address.Lines()), s.Status, statuses[s.Status],
                    s.Status switch { ShipmentStatus.Delivered => "good", ShipmentStatus.Shipped => "", ShipmentStatus.Canceled => "bad", _ => "warn" },
                    s.Carrier, s.TrackingNumber, s.TrackingUrl, Display.Date(s.CreatedAt, zone, culture))).ToList(),
                Notice = error ?? (done is null ? null : AdminWords.All.For(culture).Done), NoticeIsError = error is not null,
            });
        });

        admin.MapPost("/shipments/{id}/ship", async (string slug, string id, HttpContext http, PaydeskDb db, MoveShipment move, Audit audit, CancellationToken ct) =>
        {
            var opening = await OpenAsync(http, db, slug, ct);
            if (opening.Staff is not { } staff) return opening.Refusal(http);
            if (await Visitors.FormAsync(http, ct) is not { } form) return Results.BadRequest();
            string? Field(string name) => form[name].ToString().Trim() is { Length: > 0 } text ? text : null;
            return await MoveAsync(db, staff, audit, id, "ship",
                () => move.ShipAsync(id, new ShipInput(Field("carrier"), Field("trackingNumber"), Field("trackingUrl"), null), ct), ct);
        });

        admin.MapPost("/shipments/{id}/deliver", async (string slug, string id, HttpContext http, PaydeskDb db, MoveShipment move, Audit audit, CancellationToken ct) =>
        {
            var opening = await OpenAsync(http, db, slug, ct);
            if (opening.Staff is not { } staff) return opening.Refusal(http);
            if (await Visitors.FormAsync(http, ct) is null) return Results.BadRequest();
            return await MoveAsync(db, staff, audit, id, "deliver", () => move.DeliverAsync(id, ct), ct);
        });
    }

    /// <summary>One step of a shipment, written to the audit log with the shipment before and after; back to the list, with what went wrong if anything did.</summary>
    private static async Task<IResult> MoveAsync(PaydeskDb db, Staff staff, Audit audit, string id, string action, Func<Task<Result<ShipmentView>>> step, CancellationToken ct)
    {
        var back = $"{staff.Frame.Root}/shipments";
        var before = await db.Shipments.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (before is null) return Results.NotFound();
        var moved = await step();
        if (moved.Problem is { } problem)
        {
            var first = problem.Errors?.FirstOrDefault();
            var text = first is { } field ? $"{field.Key} {field.Value.FirstOrDefault()}" : problem.Detail ?? problem.Title;
            return Results.LocalRedirect($"{back}?error={Uri.EscapeDataString(text)}");
        }
        var after = moved.Value!;
        await audit.RecordAsync(db, staff.User, action, "shipment", id,
            new { status = before.Status.ToString().ToLowerInvariant(), carrier = before.Carrier, trackingNumber = before.TrackingNumber, trackingUrl = before.TrackingUrl },
            new { status = after.Status, carrier = after.Carrier, trackingNumber = after.TrackingNumber, trackingUrl = after.TrackingUrl }, ct);
        return Results.LocalRedirect($"{back}?done={action}");
    }
}
