using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Core;
using Paydesk.Customers;
using Paydesk.Entitlements.Messages;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Entitlements;

/// <param name="Source">What granted it: an order today; a subscription period, a top-up or a booking next.</param>
/// <param name="OrderId">The order that granted it, when an order did.</param>
public sealed record EntitlementView(
    string Id, string CustomerId, SourceView Source, string? OrderId, string? PlanId, int? PlanVersion, string Type, string Status, string? Feature, string? ServiceId,
    int? SessionsTotal, int? SessionsUsed, int? SessionsRemaining, long? Tokens, DateTimeOffset StartsAt, DateTimeOffset? EndsAt)
{
    /// <summary>The entitlement as it stands at <paramref name="now"/>: an active one whose end has passed reads <c>expired</c>.</summary>
    public static EntitlementView From(Entitlement e, DateTimeOffset now) => new(
        e.Id, e.CustomerId, SourceView.From(e.Source), SourceView.OrderIdOf(e.Source), e.PlanId, e.PlanVersion, e.Kind.ToString().ToLowerInvariant(),
        (e.Status == EntitlementStatus.Active && e.EndsAt <= now ? EntitlementStatus.Expired : e.Status).ToApi(), e.FeatureKey, e.ServiceId,
        e.SessionsTotal, e.Kind == EntitlementKind.Sessions ? e.SessionsUsed : null, e.SessionsTotal - e.SessionsUsed, e.Tokens, e.StartsAt, e.EndsAt);
}

/// <param name="Source">What it ships: a line of an order today.</param>
/// <param name="OrderId">The order it ships, when an order made it.</param>
public sealed record ShipmentView(
    string Id, string CustomerId, SourceView Source, string? OrderId, string ProductId, int Quantity, string Status, PostalAddress? Address,
    string? Carrier, string? TrackingNumber, string? TrackingUrl, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    DateTimeOffset? ShippedAt, DateTimeOffset? DeliveredAt)
{
    public static ShipmentView From(Shipment s) => new(
        s.Id, s.CustomerId, SourceView.From(s.Source), SourceView.OrderIdOf(s.Source), s.ProductId, s.Quantity, s.Status.ToString().ToLowerInvariant(), s.Address,
        s.Carrier, s.TrackingNumber, s.TrackingUrl, s.CreatedAt, s.UpdatedAt, s.ShippedAt, s.DeliveredAt);
}

/// <summary>What <c>ship</c> takes: who carries it and how to follow it, and the address when the shipment has none.</summary>
public sealed record ShipInput(string? Carrier, string? TrackingNumber, string? TrackingUrl, AddressInput? Address);

/// <summary>A session use as a list shows it.</summary>
public sealed record UseListView(string Id, string EntitlementId, DateTimeOffset UsedAt, string? SpecialistId, string? Note, DateTimeOffset CreatedAt, DateTimeOffset? UndoneAt)
{
    public static UseListView From(SessionUse u) => new(u.Id, u.EntitlementId, u.UsedAt, u.SpecialistId, u.Note, u.CreatedAt, u.UndoneAt);
}

internal static class EntitlementEndpoints
{
    /// <summary>The entitlements the caller may see: the tenant's, or a customer's own (the query filter on customer-owned tables).</summary>
    private static IQueryable<Entitlement> Visible(PaydeskDb db) => db.Entitlements;

    public static IServiceCollection AddEntitlements(this IServiceCollection services) => services
        .AddScoped<UseSession>().AddScoped<MoveShipment>().AddScoped<GrantEntitlements>().AddScoped<Messages.ShipmentNotice>()
        .AddSingleton<Jobs.IJobHandler, PackageEnd>();

    public static void MapEntitlements(this RouteGroupBuilder api)
    {
        var entitlements = api.MapGroup("/entitlements").WithTags("Entitlements").RequireAuthorization(Policies.Any);
        entitlements.MapGet("/", async (PageRequest page, string? customerId, string? orderId, string? sourceKind, string? sourceId, PaydeskDb db, TimeProvider time, CancellationToken ct) =>
        {
            var query = Visible(db);
            if (customerId is not null) query = query.Where(e => e.CustomerId == customerId);
            if (orderId is not null) query = query.Where(e => e.SourceKind == Source.OrderKind && e.SourceId == orderId);
            if (sourceKind is not null) query = query.Where(e => e.SourceKind == sourceKind);
            if (sourceId is not null) query = query.Where(e => e.SourceId == sourceId);
            var now = time.GetUtcNow();
            return (await page.Run(query, e => EntitlementView.From(e, now), ct)).Ok();
        }).Lists<EntitlementView>().WithName("listEntitlements").WithSummary("List entitlements: what paid orders gave");

        entitlements.MapGet("/{id}", async (string id, PaydeskDb db, TimeProvider time, CancellationToken ct) =>
        {
            var entitlement = await Visible(db).FirstOrDefaultAsync(e => e.Id == id, ct);
            return ApiResults.OkOrNotFound(entitlement is null ? null : EntitlementView.From(entitlement, time.GetUtcNow()), "entitlement", id);
        }).Reads<EntitlementView>().WithName("getEntitlement").WithSummary("Read an entitlement");

        // A session used at the front desk (staff and up); its undo gives it back.
        entitlements.MapPost("/{id}/uses", async (string id, UseInput? body, UseSession use, CancellationToken ct) =>
            (await use.UseAsync(id, body ?? new UseInput(null, null, null), ct)).Created(u => $"/api/v1/entitlements/{id}/uses/{u.Id}"))
            .RequireAuthorization(Policies.Staff).Creates<SessionUseView>().ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("useSession").WithSummary("Use one session of a package");

        entitlements.MapPost("/{id}/uses/{useId}/undo", async (string id, string useId, UseSession use, CancellationToken ct) =>
            (await use.UndoAsync(id, useId, ct)).Ok()).RequireAuthorization(Policies.Staff).Revises<SessionUseView>()
            .WithName("undoSessionUse").WithSummary("Undo a session use: the session is given back");

        entitlements.MapGet("/{id}/uses", async (string id, PageRequest page, PaydeskDb db, CancellationToken ct) =>
        {
            var entitlement = await Visible(db).AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, ct);
            if (entitlement is null) return Problem.NotFound("entitlement", id).ToHttp();
            return (await page.Run(db.SessionUses.Where(u => u.EntitlementId == id), UseListView.From, ct)).Ok();
        }).Lists<UseListView>().ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("listSessionUses").WithSummary("List the uses of a package's sessions");

        var shipments = api.MapGroup("/shipments").WithTags("Shipments").RequireAuthorization(Policies.Any);
        shipments.MapGet("/", async (PageRequest page, string? orderId, string? sourceKind, string? sourceId, PaydeskDb db, CancellationToken ct) =>
        {
            IQueryable<Shipment> query = db.Shipments;
            if (orderId is not null) query = query.Where(s => s.SourceKind == Source.OrderKind && s.SourceId == orderId);
            if (sourceKind is not null) query = query.Where(s => s.SourceKind == sourceKind);
            if (sourceId is not null) query = query.Where(s => s.SourceId == sourceId);
            return (await page.Run(query, ShipmentView.From, ct)).Ok();
        }).Lists<ShipmentView>().WithName("listShipments").WithSummary("List shipments");

        shipments.MapGet("/{id}", async (string id, PaydeskDb db, CancellationToken ct) =>
        {
            var shipment = await db.Shipments.FirstOrDefaultAsync(s => s.Id == id, ct);
            return ApiResults.OkOrNotFound(shipment is null ? null : ShipmentView.From(shipment), "shipment", id);
        }).Reads<ShipmentView>().WithName("getShipment").WithSummary("Read a shipment");

        // Handed to the carrier: the customer is told, with the tracking link, once.
        shipments.MapPost("/{id}/ship", async (string id, ShipInput? body, MoveShipment move, CancellationToken ct) =>
            (await move.ShipAsync(id, body, ct)).Ok()).RequireAuthorization(Policies.Staff).Revises<ShipmentView>()
            .WithName("shipShipment").WithSummary("Mark a shipment handed to the carrier; the customer is told, once");

        shipments.MapPost("/{id}/deliver", async (string id, MoveShipment move, CancellationToken ct) =>
            (await move.DeliverAsync(id, ct)).Ok()).RequireAuthorization(Policies.Staff).Revises<ShipmentView>()
            .WithName("deliverShipment").WithSummary("Mark a shipment delivered");
    }
}
