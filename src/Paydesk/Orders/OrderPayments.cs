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
internal sealed class OrderPurpose(
    IssueInvoice invoices, IssueCreditNote creditNotes, GrantEntitlements grants, Jobs.JobQueue jobs, Messages.RefundConfirmation refunded,
    Messages.PaymentFailedNotice failed, Subscriptions.Messages.RenewalNotices subscriptionNotices, TimeProvider time)
    : IPaymentPurpose
{
    public const string Prefix = "order:";

    /// <summary>The kind of payment purpose, and of <see cref="Source"/>, that an order is.</summary>
    public const string SourceKind = Source.OrderKind;

    public string Kind => SourceKind;

    public static string For(string orderId) => Prefix + orderId;

    /// <summary>What an order's entitlements, shipments, invoice and credit notes name as their source.</summary>
    public static Source SourceOf(Order order) => new(SourceKind, order.Id);

    /// <summary>The invoice of the order, paid by <paramref name="paymentId"/>: its lines as they were sold.</summary>
    private static InvoiceDraft InvoiceOf(Order order, string paymentId) => new(
        SourceOf(order), order.CustomerId, paymentId, order.Total,
        order.Lines.OrderBy(l => l.Position).Select(l => new InvoiceLine
        {
            TenantId = "", InvoiceId = "", Position = l.Position, Description = l.Description, Quantity = l.Quantity,
            UnitAmountMinor = l.UnitAmountMinor, AmountMinor = l.AmountMinor,
            Included = l.Kind == OrderLineKind.BundledProduct && l.AmountMinor == 0, PlanId = l.PlanId, PlanVersion = l.PlanVersion,
        }).ToList());

    public async Task<Problem?> CanPayAsync(PaydeskDb db, string purpose, CancellationToken ct)
    {
        var order = await db.LockedAsync<Order>(purpose[Prefix.Length..], ct);
        if (order is null) return Problem.NotFound("order", purpose[Prefix.Length..]);
        if (order.Status != OrderStatus.AwaitingPayment)
            return Problem.Conflict($"The order is {order.Status.ToApi()}; only an order awaiting payment can be paid.");
        // Past its time and not yet expired by its job: it is expired all the same.
        return order.ExpiresAt > time.GetUtcNow() ? null
            : Problem.Conflict($"The order expired at {order.ExpiresAt:u}; only an order awaiting payment can be paid. Place it again.");
    }

    public async Task<IReadOnlyList<FiscalLine>> ReceiptLinesAsync(PaydeskDb db, string purpose, FiscalVat vat, CancellationToken ct)
    {
        var lines = await db.OrderLines.AsNoTracking().Where(l => l.OrderId == purpose.Substring(Prefix.Length)).OrderBy(l => l.Position).ToListAsync(ct);
        // A product that came with a plan at no charge is on the invoice; a receipt lists what was paid for.
        var paid = lines.Where(l => l.AmountMinor > 0).ToList();
        return [.. (paid.Count > 0 ? paid : lines).Select(l => FiscalLineOf(l, vat))];
    }

    public async Task<FiscalLine?> ReceiptLineAsync(PaydeskDb db, string purpose, string lineId, FiscalVat vat, CancellationToken ct) =>
        await db.OrderLines.AsNoTracking().FirstOrDefaultAsync(l => l.OrderId == purpose.Substring(Prefix.Length) && l.Id == lineId, ct) is { } line
            ? FiscalLineOf(line, vat)
            : null;

    /// <summary>A plan is a service delivered later (sessions, a period), so prepaid; a product is goods, paid in full.</summary>
    private static FiscalLine FiscalLineOf(OrderLine l, FiscalVat vat) => l.Kind == OrderLineKind.Plan
        ? new FiscalLine(l.Description, l.Quantity, l.AmountMinor, vat, FiscalPaymentMethod.FullPrepayment, FiscalPaymentObject.Service)
        : new FiscalLine(l.Description, l.Quantity, l.AmountMinor, vat, FiscalPaymentMethod.FullPayment, FiscalPaymentObject.Commodity);

    /// <summary>A plan sold by its billing interval (not by a fixed term) renews: its first payment keeps the card.</summary>
    public Task<bool> KeepsPaymentMethodAsync(PaydeskDb db, string purpose, CancellationToken ct) =>
        db.OrderLines.AnyAsync(l => l.OrderId == purpose.Substring(Prefix.Length) && l.IntervalUnit != null, ct);

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
        await db.Entry(order).Collection(o => o.Lines).LoadAsync(ct);
        invoices.Run(db, InvoiceOf(order, payment.Id));
        jobs.Add(db, FulfilOrder.JobKind, order.Id);
        return PurposeAnswer.Accepted;
    }

    /// <summary>
    /// A refund of the payment that paid the order: the order follows, and a full refund revokes
    /// every entitlement the order granted. (A partial refund keeps them: it is a goodwill
    /// gesture or a price correction, not a return. Shipped goods are returned by hand.) The
    /// customer is told, also of the refund of a second payment for the order. A refund of the
    /// invoiced payment issues a credit note, which the email links to.
    /// </summary>
    public async Task OnRefundedAsync(PaydeskDb db, Payment payment, Refund refund, CancellationToken ct)
    {
        // Locked, so a fulfilment running meanwhile either finished before (and its grants are
        // revoked here) or waits and then finds the order refunded.
        var order = (await db.LockedAsync<Order>(OrderIdOf(payment), ct))!;
        var creditNote = await creditNotes.RunAsync(db, refund, ct);
        if (order.PaidByPaymentId != payment.Id)
        {
            await refunded.EnqueueAsync(db, order, refund, creditNote, [], duplicate: true, ct);
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
                revoked = await grants.RevokeAsync(db, SourceOf(order), now, ct);
                await OrderStock.ReturnUnshippedAsync(db, order, now, ct);
                // The subscriptions it started end with it: nothing more is charged for what was given back (a period paid on its own runs out).
                foreach (var id in await db.Subscriptions.Where(s => s.OrderId == order.Id).Select(s => s.Id).ToListAsync(ct))
                    await Subscriptions.ManageSubscription.EndWithItsOrderAsync(db, grants, subscriptionNotices, jobs, (await db.LockedAsync<Subscriptions.Subscription>(id, ct))!, now, ct);
            }
        }
        await refunded.EnqueueAsync(db, order, refund, creditNote, revoked, duplicate: false, ct);
    }

    /// <summary>
    /// A payment for the order failed or expired: while the order can still be paid, and no other
    /// payment is paying it, the customer is told, with a link to pay again.
    /// </summary>
    public async Task OnNotPaidAsync(PaydeskDb db, Payment payment, CancellationToken ct)
    {
        if (payment.Status is not (PaymentStatus.Failed or PaymentStatus.Expired)) return;
        var order = (await db.LockedAsync<Order>(OrderIdOf(payment), ct))!;
        if (order.Status != OrderStatus.AwaitingPayment || order.ExpiresAt <= time.GetUtcNow()) return;
        var others = await db.Payments.AnyAsync(p => p.Purpose == payment.Purpose && p.Id != payment.Id
            && (p.Status == PaymentStatus.Succeeded || p.Status == PaymentStatus.Pending || p.Status == PaymentStatus.Unknown), ct);
        if (others) return;
        await failed.EnqueueAsync(db, order, payment, ct);
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
            return (await checkout.Run(OrderPurpose.For(order.Id), order.CustomerId, order.Total, order.Summary(), body ?? new CheckoutInput(null, null, null), ct))
                .Created(c => $"/api/v1/payments/{c.PaymentId}");
        }).RequireAuthorization(Policies.Any).LimitedBy(RateLimit.CheckoutPerOrder, RateLimit.CheckoutPerKey)
            .WithMetadata(new CommitsInSteps()).Creates<CheckoutView>().ProducesProblem(StatusCodes.Status404NotFound)
            // The provider did not answer (the payment is unknown until checked) or refused (it failed).
            .ProducesProblem(StatusCodes.Status502BadGateway)
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
