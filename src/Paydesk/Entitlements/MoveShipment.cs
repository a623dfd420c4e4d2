using Paydesk.Api;
using Paydesk.Customers;
using Paydesk.Entitlements.Messages;
using Paydesk.Storage;

namespace Paydesk.Entitlements;

/// <summary>
/// Moves a shipment one step, placed → shipped → delivered: the API's <c>ship</c> and
/// <c>deliver</c>, and the back office's buttons. Shipping takes the carrier and how to follow
/// the parcel, and the address when the shipment has none; the customer is told, with the
/// tracking link, once.
/// </summary>
public sealed class MoveShipment(PaydeskDb db, TimeProvider time, ShipmentNotice notice)
{
    /// <summary>Handed to the carrier; the customer is emailed the tracking, once.</summary>
    public Task<Result<ShipmentView>> ShipAsync(string id, ShipInput? input, CancellationToken ct) =>
        MoveAsync(id, ShipmentStatus.Shipped, ct, async shipment =>
        {
            input ??= new ShipInput(null, null, null, null);
            var errors = new FieldErrors();
            var address = PostalAddress.Read(errors, "address", input.Address) ?? shipment.Address;
            if (address is null && !errors.Any)
                errors.Add("address", "is required: neither the order nor the customer has a shipping address.");
            var carrier = errors.OptionalText("carrier", input.Carrier, 100);
            var tracking = errors.OptionalText("trackingNumber", input.TrackingNumber, 100);
            var trackingUrl = errors.HttpUrl("trackingUrl", input.TrackingUrl);
            if (errors.Any) return errors.ToProblem();
            (shipment.Address, shipment.Carrier, shipment.TrackingNumber) = (address, carrier, tracking);
            shipment.TrackingUrl = trackingUrl.Length == 0 ? null : trackingUrl;
            shipment.ShippedAt = shipment.UpdatedAt;
            await notice.EnqueueAsync(db, shipment, ct);
            return null;
        });

    /// <summary>At the customer's door.</summary>
    public Task<Result<ShipmentView>> DeliverAsync(string id, CancellationToken ct) =>
        MoveAsync(id, ShipmentStatus.Delivered, ct, shipment =>
        {
            shipment.DeliveredAt = shipment.UpdatedAt;
            return Task.FromResult<Problem?>(null);
        });

    /// <summary>
    /// One step with the shipment's row locked, so two presses at once move it, and tell the
    /// customer, once; pressing again when it is there already answers it as it is.
    /// </summary>
    private Task<Result<ShipmentView>> MoveAsync(string id, ShipmentStatus to, CancellationToken ct, Func<Shipment, Task<Problem?>> step) =>
        db.InTransactionAsync<Result<ShipmentView>>(async () =>
        {
            var shipment = await db.LockedAsync<Shipment>(id, ct);
            if (shipment is null) return Problem.NotFound("shipment", id);
            if (shipment.Status == to) return ShipmentView.From(shipment);
            if (shipment.Status != to - 1)
                return Problem.Conflict($"The shipment is {shipment.Status.ToString().ToLowerInvariant()}; it moves placed → shipped → delivered.");
            shipment.UpdatedAt = time.GetUtcNow();
            if (await step(shipment) is { } problem) return problem;
            shipment.Status = to;
            await db.SaveChangesAsync(ct);
            return ShipmentView.From(shipment);
        }, ct);
}
