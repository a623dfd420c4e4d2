using Microsoft.EntityFrameworkCore;
using Paydesk.Catalog;
using Paydesk.Storage;

namespace Paydesk.Orders;

/// <summary>
/// Products leave stock when an order that takes them is placed — on their own or bundled in a
/// plan — and come back if it expires or is canceled unpaid, or is refunded in full before they
/// were shipped. Each change is one conditional
/// update (<c>stock = stock - n where stock &gt;= n</c>), so racing orders never take stock
/// below zero on either engine; <see cref="Order.StockReserved"/> says the order holds its stock,
/// so it is given back once.
/// </summary>
internal static class OrderStock
{
    /// <summary>How many of each product the lines take.</summary>
    public static IEnumerable<(string ProductId, int Quantity)> Taken(IEnumerable<OrderLine> lines) =>
        lines.Where(l => l.ProductId is not null && l.Kind is OrderLineKind.Product or OrderLineKind.BundledProduct)
            .GroupBy(l => l.ProductId!, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Sum(l => l.Quantity)));

    public static string Shortfall(Product product, int left, int wanted) =>
        $"only {left} of '{product.Name}' left in stock; this order takes {wanted}.";

    /// <summary>
    /// Takes the order's products from stock, or none of them: answers the first product there is
    /// not enough of, having put back what it took before it (the caller's transaction may commit).
    /// </summary>
    public static async Task<string?> ReserveAsync(PaydeskDb db, Order order, CancellationToken ct)
    {
        var taken = new List<(string ProductId, int Quantity)>();
        foreach (var (productId, quantity) in Taken(order.Lines))
        {
            var moved = await db.Products.Where(p => p.Id == productId && p.Stock >= quantity)
                .ExecuteUpdateAsync(u => u.SetProperty(p => p.Stock, p => p.Stock - quantity), ct);
            if (moved == 0)
            {
                await GiveBackAsync(db, taken, ct);
                return productId;
            }
            taken.Add((productId, quantity));
        }
        order.StockReserved = true;
        return null;
    }

    /// <summary>Gives an order's products back to stock, once. The caller holds the order's lock and saves the order.</summary>
    public static async Task ReleaseAsync(PaydeskDb db, Order order, CancellationToken ct)
    {
        if (!order.StockReserved) return;
        await db.Entry(order).Collection(o => o.Lines).LoadAsync(ct);
        await GiveBackAsync(db, Taken(order.Lines), ct);
        order.StockReserved = false;
    }

    /// <summary>
    /// An order refunded in full gives back to stock what never left: its shipments still placed
    /// are canceled, each with its row locked (a shipment being shipped at that moment is either
    /// shipped first and stays so, or finds itself canceled), and the products of every line not
    /// shipped — placed and now canceled, or never placed because the order was not fulfilled —
    /// go back to stock, once. The caller holds the order's lock and saves the order.
    /// </summary>
    public static async Task ReturnUnshippedAsync(PaydeskDb db, Order order, DateTimeOffset now, CancellationToken ct)
    {
        if (!order.StockReserved) return;
        await db.Entry(order).Collection(o => o.Lines).LoadAsync(ct);
        var source = OrderPurpose.SourceOf(order);
        var shipments = await db.Shipments.AsNoTracking().Where(s => s.SourceKind == source.Kind && s.SourceId == source.Id)
            .Select(s => s.Id).ToListAsync(ct);
        var left = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in shipments)
        {
            var shipment = (await db.LockedAsync<Entitlements.Shipment>(id, ct))!;
            if (shipment.Status == Entitlements.ShipmentStatus.Placed)
                (shipment.Status, shipment.UpdatedAt) = (Entitlements.ShipmentStatus.Canceled, now);
            else if (shipment.Status != Entitlements.ShipmentStatus.Canceled)
                left.Add(shipment.SourceLineId);
        }
        await GiveBackAsync(db, Taken(order.Lines.Where(l => !left.Contains(l.Id))), ct);
        order.StockReserved = false;
    }

    private static async Task GiveBackAsync(PaydeskDb db, IEnumerable<(string ProductId, int Quantity)> taken, CancellationToken ct)
    {
        foreach (var (productId, quantity) in taken)
            await db.Products.Where(p => p.Id == productId)
                .ExecuteUpdateAsync(u => u.SetProperty(p => p.Stock, p => p.Stock + quantity), ct);
    }
}
