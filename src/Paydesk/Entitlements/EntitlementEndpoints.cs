using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Core;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Entitlements;

public sealed record EntitlementView(
    string Id, string CustomerId, string OrderId, string Type, string Status, string? Feature, string? ServiceId,
    int? SessionsTotal, int? SessionsUsed, int? SessionsRemaining, long? Tokens, DateTimeOffset StartsAt, DateTimeOffset? EndsAt)
{
    public static EntitlementView From(Entitlement e) => new(
        e.Id, e.CustomerId, e.OrderId, e.Kind.ToString().ToLowerInvariant(), e.Status.ToApi(), e.FeatureKey, e.ServiceId,
        e.SessionsTotal, e.Kind == EntitlementKind.Sessions ? e.SessionsUsed : null, e.SessionsTotal - e.SessionsUsed, e.Tokens, e.StartsAt, e.EndsAt);
}

public sealed record ShipmentView(string Id, string CustomerId, string OrderId, string ProductId, int Quantity, string Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static ShipmentView From(Shipment s) =>
        new(s.Id, s.CustomerId, s.OrderId, s.ProductId, s.Quantity, s.Status.ToString().ToLowerInvariant(), s.CreatedAt, s.UpdatedAt);
}

internal static class EntitlementEndpoints
{
    public static void MapEntitlements(this RouteGroupBuilder api)
    {
        var entitlements = api.MapGroup("/entitlements").WithTags("Entitlements").RequireAuthorization(Policies.Any);
        entitlements.MapGet("/", async (PageRequest page, string? customerId, string? orderId, PaydeskDb db, CancellationToken ct) =>
        {
            var query = db.Tenant.IsCustomer ? db.Entitlements.Where(e => e.CustomerId == db.Tenant.CustomerId) : db.Entitlements;
            if (customerId is not null) query = query.Where(e => e.CustomerId == customerId);
            if (orderId is not null) query = query.Where(e => e.OrderId == orderId);
            return (await page.Run(query, EntitlementView.From, ct)).Ok();
        }).Lists<EntitlementView>();

        var shipments = api.MapGroup("/shipments").WithTags("Shipments").RequireAuthorization(Policies.Any);
        shipments.MapGet("/", async (PageRequest page, string? orderId, PaydeskDb db, CancellationToken ct) =>
        {
            var query = db.Tenant.IsCustomer ? db.Shipments.Where(s => s.CustomerId == db.Tenant.CustomerId) : db.Shipments;
            if (orderId is not null) query = query.Where(s => s.OrderId == orderId);
            return (await page.Run(query, ShipmentView.From, ct)).Ok();
        }).Lists<ShipmentView>();

        foreach (var (action, to, from) in new[] { ("ship", ShipmentStatus.Shipped, ShipmentStatus.Placed), ("deliver", ShipmentStatus.Delivered, ShipmentStatus.Shipped) })
        {
            shipments.MapPost($"/{{id}}/{action}", async (string id, PaydeskDb db, TimeProvider time, CancellationToken ct) =>
            {
                var shipment = await db.Shipments.FirstOrDefaultAsync(s => s.Id == id, ct);
                if (shipment is null) return Problem.NotFound("shipment", id).ToHttp();
                if (shipment.Status == to) return TypedResults.Ok(ShipmentView.From(shipment));
                if (shipment.Status != from)
                    return Problem.Conflict($"The shipment is {shipment.Status.ToString().ToLowerInvariant()}; it moves placed → shipped → delivered.").ToHttp();
                shipment.Status = to;
                shipment.UpdatedAt = time.GetUtcNow();
                await db.SaveChangesAsync(ct);
                return TypedResults.Ok(ShipmentView.From(shipment));
            }).RequireAuthorization(Policies.Staff).Revises<ShipmentView>();
        }
    }
}
