using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Core;
using Paydesk.Entitlements;
using Paydesk.Invoices;
using Paydesk.Payments;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Orders;

/// <summary>
/// The <c>order:…</c> purpose: a succeeded payment pays its order (exactly one payment does),
/// issues the invoice and queues the fulfilment in the same transaction.
/// </summary>
internal sealed class OrderPurpose(IssueInvoice invoices, Jobs.JobQueue jobs, Notifications.Messages.RefundConfirmation refunded, TimeProvider time)
    : IPaymentPurpose
{
    public const string Prefix = "order:";

    public string Kind => "order";

    public static string For(string orderId) => Prefix + orderId;

    public async Task<Problem?> CanPayAsync(PaydeskDb db, string purpose, CancellationToken ct)
    {
        var order = await db.LockedAsync<Order>(purpose[Prefix.Length..], ct);
        if (order is null) return Problem.NotFound("order", purpose[Prefix.Length..]);
        return order.Status == OrderStatus.AwaitingPayment ? null
            : Problem.Conflict($"The order is {order.Status.ToApi()}; only an order awaiting payment can be paid.");
    }

    public async Task<PurposeAnswer> OnSucceededAsync(PaydeskDb db, Payment payment, CancellationToken ct)
    {
        // Locked: an expiry or a cancel racing this payment is decided one way or the other.
        var order = (await db.LockedAsync<Order>(OrderIdOf(payment), ct))!;
        if (order.PaidByPaymentId == payment.Id) return PurposeAnswer.Accepted;
        if (order.PaidByPaymentId is not null || !OrderStates.Decide(order.Status, OrderStatus.Paid).IsApply)
            return PurposeAnswer.Refund(
                $"Order {order.Id} is {order.Status.ToApi()}{(order.PaidByPaymentId is { } by ? $" (paid by {by})" : "")}; this payment is refunded automatically.");
        if (order.TotalMinor != payment.AmountMinor || order.Currency != payment.Currency)
            return PurposeAnswer.NeedsReview($"Order {order.Id} totals {order.Total}, the payment {payment.Amount}; nothing was activated.");

        var now = time.GetUtcNow();
        order.Status = OrderStatus.Paid;
        order.PaidAt = now;
        order.PaidByPaymentId = payment.Id;
        order.Revision++;
        await invoices.RunAsync(db, order, payment.Id, ct);
        jobs.Add(db, FulfilOrder.JobKind, order.Id);
        return PurposeAnswer.Accepted;
    }

    /// <summary>
    /// A refund of the payment that paid the order: the order follows, and a full refund revokes
    /// every entitlement the order granted. (A partial refund keeps them: it is a goodwill
    /// gesture or a price correction, not a return. Shipped goods are returned by hand.) The
    /// customer is told, also of the refund of a second payment for the order.
    /// </summary>
    public async Task OnRefundedAsync(PaydeskDb db, Payment payment, Refund refund, CancellationToken ct)
    {
        // Locked, so a fulfilment running meanwhile either finished before (and its grants are
        // revoked here) or waits and then finds the order refunded.
        var order = (await db.LockedAsync<Order>(OrderIdOf(payment), ct))!;
        if (order.PaidByPaymentId != payment.Id)
        {
            await refunded.EnqueueAsync(db, order, refund, [], duplicate: true, ct);
            return;
        }

        order.RefundedMinor += refund.AmountMinor;
        var target = order.RefundedMinor >= order.TotalMinor ? OrderStatus.Refunded : OrderStatus.PartiallyRefunded;
        List<Entitlement> revoked = [];
        if (OrderStates.Decide(order.Status, target).IsApply)
        {
            var now = time.GetUtcNow();
            order.Status = target;
            order.Revision++;
            if (target == OrderStatus.Refunded)
            {
                order.ClosedAt = now;
                order.NextFulfilmentAt = null;
                var granted = await db.Entitlements.Where(e => e.OrderId == order.Id).ToListAsync(ct);
                foreach (var entitlement in granted.Where(e => EntitlementStates.Decide(e.Status, EntitlementStatus.Revoked).IsApply))
                {
                    entitlement.Status = EntitlementStatus.Revoked;
                    entitlement.RevokedAt = now;
                    revoked.Add(entitlement);
                }
            }
        }
        await refunded.EnqueueAsync(db, order, refund, await Describe(db, revoked, ct), duplicate: false, ct);
    }

    /// <summary>What each entitlement was, in words: "Telerehab", "Physiotherapy session: 10 sessions".</summary>
    private static async Task<List<string>> Describe(PaydeskDb db, List<Entitlement> entitlements, CancellationToken ct)
    {
        if (entitlements.Count == 0) return [];
        var keys = entitlements.Select(e => e.FeatureKey).OfType<string>().ToList();
        var features = await db.Features.AsNoTracking().Where(f => keys.Contains(f.Key)).ToDictionaryAsync(f => f.Key, f => f.Name, ct);
        var serviceIds = entitlements.Select(e => e.ServiceId).OfType<string>().ToList();
        var services = await db.Services.AsNoTracking().Where(s => serviceIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        return entitlements.Select(e => e.Kind switch
        {
            EntitlementKind.Access => features.GetValueOrDefault(e.FeatureKey ?? "", e.FeatureKey ?? "access"),
            EntitlementKind.Badge => $"{features.GetValueOrDefault(e.FeatureKey ?? "", e.FeatureKey ?? "badge")} (badge)",
            EntitlementKind.Sessions => $"{services.GetValueOrDefault(e.ServiceId ?? "", "Sessions")}: {e.SessionsTotal - e.SessionsUsed} of {e.SessionsTotal} sessions",
            EntitlementKind.Tokens => $"{e.Tokens} tokens",
            _ => e.Kind.ToString(),
        }).ToList();
    }

    private static string OrderIdOf(Payment payment) => payment.Purpose[Prefix.Length..];
}

internal static class OrderPaymentEndpoints
{
    public static void MapOrderPayments(this RouteGroupBuilder api)
    {
        var orders = api.MapGroup("/orders").WithTags("Orders");

        orders.MapPost("/{id}/checkout", async (string id, CheckoutInput? body, PaydeskDb db, StartCheckout checkout, CancellationToken ct) =>
        {
            var order = await OrderQueries.Visible(db).FirstOrDefaultAsync(o => o.Id == id, ct);
            if (order is null) return Problem.NotFound("order", id).ToHttp();
            var description = string.Join(", ", order.Lines.Where(l => l.Kind is OrderLineKind.Plan or OrderLineKind.Product).OrderBy(l => l.Position).Select(l => l.Description));
            return (await checkout.Run(OrderPurpose.For(order.Id), order.CustomerId, order.Total, description, body ?? new CheckoutInput(null, null, null), ct))
                .Created(c => $"/api/v1/payments/{c.PaymentId}");
        }).RequireAuthorization(Policies.Any).LimitedBy(RateLimit.CheckoutPerOrder, RateLimit.CheckoutPerKey)
            .WithMetadata(new CommitsInSteps()).Creates<CheckoutView>().ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("checkoutOrder").WithSummary("Start paying for an order: the provider's page to send the customer to");

        orders.MapPost("/{id}/fulfil", async (string id, PaydeskDb db, FulfilOrder fulfil, CancellationToken ct) =>
        {
            var order = await db.Orders.FirstOrDefaultAsync(o => o.Id == id, ct);
            if (order is null) return Problem.NotFound("order", id).ToHttp();
            if (order.Status is not (OrderStatus.Paid or OrderStatus.Fulfilled or OrderStatus.PartiallyRefunded))
                return Problem.Conflict($"The order is {order.Status.ToApi()}; only a paid order can be fulfilled.").ToHttp();
            var fulfilment = await fulfil.RunAsync(id, retryAt: null, ct);
            db.ChangeTracker.Clear();
            var view = OrderView.From(await OrderQueries.Visible(db).AsNoTracking().FirstAsync(o => o.Id == id, ct));
            return fulfilment switch
            {
                Fulfilment.Fulfilled => TypedResults.Ok(view),
                Fulfilment.NotPaid => Problem.Conflict($"The order is {view.Status}; only a paid order can be fulfilled.").ToHttp(),
                _ => Problem.Conflict($"Fulfilment failed again: {view.Fulfilment?.Error}").ToHttp(),
            };
        }).RequireAuthorization(Policies.Admin).Revises<OrderView>()
            .WithName("fulfilOrder").WithSummary("Activate what a paid order bought, by hand");
    }
}
