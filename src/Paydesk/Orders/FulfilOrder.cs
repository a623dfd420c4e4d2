using Microsoft.EntityFrameworkCore;
using Paydesk.Catalog;
using Paydesk.Core;
using Paydesk.Entitlements;
using Paydesk.Orders.Messages;
using Paydesk.Payments;
using Paydesk.Storage;

namespace Paydesk.Orders;

/// <summary>What became of a fulfilment.</summary>
public enum Fulfilment
{
    Fulfilled,
    /// <summary>The order is not paid (any more): refunded or canceled before it could be fulfilled.</summary>
    NotPaid,
    /// <summary>It failed; the error is on the order, and it is tried again.</summary>
    Failed,
}

/// <summary>
/// Turns a paid order's grants into entitlements and shipments and marks it fulfilled, in one
/// transaction with the order locked, so a refund recorded meanwhile either comes after (and
/// revokes what this made) or before (and this finds the order refunded). Safe to run any number
/// of times: what exists is not made again. The <c>fulfil-order</c> job, queued when the order is
/// paid, runs it and retries it with backoff; an admin can also run it by hand.
/// </summary>
/// <remarks>
/// A partial refund may be recorded before the fulfilment runs: a provider's first word of a
/// charge can be a refund of part of it, which pays the order and refunds it in one step. Such an
/// order is still paid for, so it is fulfilled all the same, and keeps its status
/// (<c>partially_refunded</c> says what became of the money; <see cref="Order.FulfilledAt"/> that
/// the grants were given).
/// </remarks>
public sealed class FulfilOrder(
    PaydeskDb db, GrantEntitlements grants, Subscriptions.StartSubscription subscriptions, TimeProvider time, FaultPoints faults, PaymentConfirmation confirmation, ILogger<FulfilOrder> log)
{
    public const string JobKind = "fulfil-order";

    public static readonly TimeSpan[] Backoff =
        [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(12)];

    /// <summary>
    /// Fulfils the order. A failure is recorded on the order with <paramref name="retryAt"/>, when
    /// the job will try again (null: it will not, or this run was by hand).
    /// </summary>
    public async Task<Fulfilment> RunAsync(string orderId, DateTimeOffset? retryAt, CancellationToken ct)
    {
        try
        {
            return await db.InTransactionAsync(() => FulfilAsync(orderId, ct), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning(e, "Fulfilment of order {OrderId} failed; it will be retried", orderId);
            db.ChangeTracker.Clear();
            return await db.InTransactionAsync(async () =>
            {
                var order = (await db.LockedAsync<Order>(orderId, CancellationToken.None))!;
                // Another run (by hand, or a worker) got there meanwhile.
                if (IsFulfilled(order)) return Fulfilment.Fulfilled;
                if (!AwaitsFulfilment(order)) return Fulfilment.NotPaid;
                order.FulfilmentAttempts++;
                order.FulfilmentError = Api.Text.Cut(e.Message, 500);
                order.NextFulfilmentAt = retryAt ?? order.NextFulfilmentAt;
                await db.SaveChangesAsync(CancellationToken.None);
                return Fulfilment.Failed;
            }, CancellationToken.None);
        }
    }

    private async Task<Fulfilment> FulfilAsync(string orderId, CancellationToken ct)
    {
        var order = (await db.LockedAsync<Order>(orderId, ct))!;
        if (IsFulfilled(order)) return Fulfilment.Fulfilled;
        if (!AwaitsFulfilment(order)) return Fulfilment.NotPaid;
        await db.Entry(order).Collection(o => o.Lines).LoadAsync(ct);
        await faults.HitAsync(FaultPoints.Fulfilment);

        var now = time.GetUtcNow();
        var customer = await db.Customers.FirstAsync(c => c.Id == order.CustomerId, ct);
        var zone = Zones.TryGet(customer.TimeZone, out var z) ? z : Zones.Get("UTC");
        var source = OrderPurpose.SourceOf(order);
        Payment? payment = null;

        foreach (var line in order.Lines.OrderBy(l => l.Position))
        {
            if (line.Kind is OrderLineKind.BundledProduct or OrderLineKind.Product)
                await grants.PlaceShipmentAsync(db, source, line.Id, order.CustomerId, line.ProductId!, line.Quantity,
                    order.ShippingAddress ?? customer.Address, now, ct);
            else
            {
                // A free trial another order of the customer's took first is no trial: its first period is owed, and grants nothing until paid.
                var trialLost = line.TrialDays is not null && !await subscriptions.TrialHoldsAsync(db, order.CustomerId, line.PlanId!, line.Id, ct);
                if (!trialLost)
                    await grants.IssueAsync(db, new GrantLine(source, line.Id, order.CustomerId, line.PlanId!, line.PlanVersion!.Value, line.Quantity, BoughtTerm(line)), zone, now, ct);
                // A plan sold by its billing interval renews: its first period is this order's (or its free trial).
                if (line.IntervalUnit is { } unit && line.TermMonths is null)
                {
                    payment ??= await db.Payments.AsNoTracking().FirstAsync(p => p.Id == order.PaidByPaymentId, ct);
                    // A trial line's amount is what was due now (nothing); its unit amount, the price of each period.
                    var price = new Money(line.TrialDays is null ? line.AmountMinor : line.UnitAmountMinor, Currency.Parse(order.Currency));
                    await subscriptions.RunAsync(db, new Subscriptions.SubscriptionStart(
                        order.CustomerId, order.Id, line.Id, line.PlanId!, line.PlanVersion!.Value, price,
                        new BillingInterval(unit, line.IntervalCount ?? 1), zone, now, payment.Id, payment.Provider, payment.ProviderAccountId,
                        trialLost ? null : line.TrialDays, FirstOwed: trialLost), now, ct);
                }
            }
        }

        if (order.Status == OrderStatus.Paid) order.Status = OrderStatus.Fulfilled;
        order.FulfilledAt = now;
        order.NextFulfilmentAt = null;
        order.FulfilmentError = null;
        order.Revision++;
        // The customer's email is owed from the moment this commits, and only then.
        await confirmation.EnqueueAsync(db, order, customer, ct);
        await db.SaveChangesAsync(ct);
        return Fulfilment.Fulfilled;
    }

    /// <summary>Paid for and not refunded in full, and its grants not given yet.</summary>
    public static bool AwaitsFulfilment(Order order) =>
        order.FulfilledAt is null && order.Status is (OrderStatus.Paid or OrderStatus.PartiallyRefunded);

    private static bool IsFulfilled(Order order) =>
        order.FulfilledAt is not null && order.Status is (OrderStatus.Fulfilled or OrderStatus.PartiallyRefunded);

    /// <summary>The term the line bought, else its free trial, else one period of the subscription it bought; null for none.</summary>
    private static BillingInterval? BoughtTerm(OrderLine line) =>
        line.TermMonths is { } months ? new BillingInterval(IntervalUnit.Month, months)
        : line.TrialDays is { } days ? new BillingInterval(IntervalUnit.Day, days)
        : line.IntervalUnit is { } interval ? new BillingInterval(interval, line.IntervalCount ?? 1)
        : null;
}

/// <summary>The <c>fulfil-order</c> job: queued in the transaction that pays the order.</summary>
internal sealed class FulfilOrderJob : Jobs.IJobHandler
{
    public string Kind => FulfilOrder.JobKind;

    public IReadOnlyList<TimeSpan> Backoff => FulfilOrder.Backoff;

    public async Task<Jobs.JobOutcome> RunAsync(Jobs.JobRun run, IServiceProvider services, CancellationToken ct)
    {
        var fulfilment = await services.GetRequiredService<FulfilOrder>().RunAsync(run.Payload, run.RetryAt, ct);
        return fulfilment == Fulfilment.Failed ? Jobs.JobOutcome.Failed("fulfilment failed; the error is on the order") : Jobs.JobOutcome.Done;
    }
}
