using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Core;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Orders;

public sealed record OrderLineView(
    string Id, string Type, string Description, int Quantity, MoneyView UnitPrice, MoneyView Amount,
    string? PlanId, int? PlanVersion, string? PriceId, int? TermMonths, IntervalView? Interval, string? CalendarId,
    string? ProductId, string? BundledWith, int? ListPriceVersion)
{
    public static string TypeOf(OrderLine line) => line.Kind switch
    {
        OrderLineKind.Plan => "plan",
        OrderLineKind.Product => "product",
        _ => "bundled_product",
    };
}

/// <summary>A line as priced: what an order placed now with the same body would hold.</summary>
public sealed record QuoteLineView(
    string Type, string Description, int Quantity, MoneyView UnitPrice, MoneyView Amount,
    string? PlanId, int? PlanVersion, string? PriceId, int? TermMonths, IntervalView? Interval, string? CalendarId, string? ProductId,
    int? ListPriceVersion);

/// <summary>What an order would cost, priced as an order is, keeping nothing.</summary>
public sealed record QuoteView(string? CustomerId, MoneyView Total, IReadOnlyList<QuoteLineView> Lines, Customers.PostalAddress? ShippingAddress)
{
    public static QuoteView From(PricedOrder o) => new(
        o.CustomerId, MoneyView.From(o.TotalMinor, o.Currency.Code),
        o.Lines.OrderBy(l => l.Position).Select(l => new QuoteLineView(
            OrderLineView.TypeOf(l), l.Description, l.Quantity,
            MoneyView.From(l.UnitAmountMinor, o.Currency.Code), MoneyView.From(l.AmountMinor, o.Currency.Code),
            l.PlanId, l.PlanVersion, l.PriceId, l.TermMonths, IntervalView.From(l.IntervalUnit, l.IntervalCount), l.CalendarId,
            l.ProductId, l.ListPriceVersion)).ToList(), o.ShippingAddress);
}

public sealed record OrderView(
    string Id, string CustomerId, string Status, MoneyView Total, MoneyView Refunded, IReadOnlyList<OrderLineView> Lines, Customers.PostalAddress? ShippingAddress,
    DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? PaidAt, string? PaidByPaymentId,
    DateTimeOffset? FulfilledAt, DateTimeOffset? ClosedAt, FulfilmentView? Fulfilment)
{
    public static OrderView From(Order o) => new(
        o.Id, o.CustomerId, o.Status.ToApi(), MoneyView.From(o.TotalMinor, o.Currency), MoneyView.From(o.RefundedMinor, o.Currency),
        o.Lines.OrderBy(l => l.Position).Select(l => new OrderLineView(
            l.Id, OrderLineView.TypeOf(l), l.Description, l.Quantity,
            MoneyView.From(l.UnitAmountMinor, o.Currency), MoneyView.From(l.AmountMinor, o.Currency),
            l.PlanId, l.PlanVersion, l.PriceId, l.TermMonths, IntervalView.From(l.IntervalUnit, l.IntervalCount), l.CalendarId,
            l.ProductId, l.BundledByLineId, l.ListPriceVersion)).ToList(), o.ShippingAddress,
        o.CreatedAt, o.ExpiresAt, o.PaidAt, o.PaidByPaymentId, o.FulfilledAt, o.ClosedAt,
        o.FulfilmentAttempts > 0 && FulfilOrder.AwaitsFulfilment(o) ? new FulfilmentView(o.FulfilmentAttempts, o.NextFulfilmentAt, o.FulfilmentError) : null);
}

/// <summary>A paid order whose activation failed: how often, why, and when it is tried again.</summary>
public sealed record FulfilmentView(int FailedAttempts, DateTimeOffset? NextAttemptAt, string? Error);

internal static class OrderQueries
{
    /// <summary>The orders the caller may see — the tenant's, or a customer's own (the query filter on customer-owned tables) — with their lines.</summary>
    public static IQueryable<Order> Visible(PaydeskDb db) => db.Orders.Include(o => o.Lines);
}

internal static class OrderEndpoints
{
    public static IServiceCollection AddOrders(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<OrderOptions>(configuration.GetSection("Orders"));
        services.AddScoped<PriceOrder>();
        services.AddScoped<PlaceOrder>();
        services.AddSingleton<Jobs.IJobHandler, ExpireOrder>();
        services.AddScoped<FulfilOrder>();
        services.AddScoped<Messages.PaymentConfirmation>();
        services.AddScoped<Messages.RefundConfirmation>();
        services.AddScoped<Messages.PaymentFailedNotice>();
        services.AddSingleton<Jobs.IJobHandler, FulfilOrderJob>();
        services.AddScoped<Payments.IPaymentPurpose, OrderPurpose>();
        return services;
    }

    public static void MapOrders(this RouteGroupBuilder api)
    {
        // The body of an order, priced by the same code, keeping nothing: what a page shows as the total.
        api.MapPost("/quotes", async (OrderInput body, PriceOrder pricing, CancellationToken ct) =>
            (await pricing.Run(body, orderId: "", customerRequired: false, ct)).Map(QuoteView.From).Ok())
            .WithTags("Orders").RequireAuthorization(Policies.Any)
            .Produces<QuoteView>().ProducesValidationProblem()
            .WithName("quoteOrder").WithSummary("Price an order's body as an order would be, keeping nothing");

        var orders = api.MapGroup("/orders").WithTags("Orders").RequireAuthorization(Policies.Any);

        orders.MapPost("/", async (OrderInput body, PlaceOrder place, CancellationToken ct) =>
            (await place.Run(body, ct)).Created(o => $"/api/v1/orders/{o.Id}")).Creates<OrderView>()
            .WithName("createOrder").WithSummary("Place an order, priced from the catalog");

        orders.MapGet("/", async (PageRequest page, string? customerId, string? status, bool? fulfilmentFailed, PaydeskDb db, CancellationToken ct) =>
        {
            var query = OrderQueries.Visible(db);
            // The failed activations: paid (perhaps refunded in part), not fulfilled, at least one failed try.
            if (fulfilmentFailed == true)
                query = query.Where(o => (o.Status == OrderStatus.Paid || o.Status == OrderStatus.PartiallyRefunded) && o.FulfilledAt == null && o.FulfilmentAttempts > 0);
            if (customerId is not null) query = query.Where(o => o.CustomerId == customerId);
            if (status is not null)
            {
                if (!OrderStates.TryParseApi(status, out var wanted))
                    return Problem.Invalid("status", "is not an order status (awaiting_payment, paid, fulfilled, canceled, expired, partially_refunded, refunded).").ToHttp();
                query = query.Where(o => o.Status == wanted);
            }
            return (await page.Run(query, OrderView.From, ct)).Ok();
        }).Lists<OrderView>().WithName("listOrders").WithSummary("List orders");

        orders.MapGet("/{id}", async (string id, PaydeskDb db, CancellationToken ct) =>
        {
            var order = await OrderQueries.Visible(db).FirstOrDefaultAsync(o => o.Id == id, ct);
            return ApiResults.OkOrNotFound(order is null ? null : OrderView.From(order), "order", id);
        }).Reads<OrderView>().WithName("getOrder").WithSummary("Read an order");

        orders.MapPost("/{id}/cancel", async (string id, PaydeskDb db, TimeProvider time, CancellationToken ct) =>
        {
            if (!await OrderQueries.Visible(db).AnyAsync(o => o.Id == id, ct)) return Problem.NotFound("order", id).ToHttp();
            // Locked, so a payment landing now either comes first (and the cancel is refused) or finds it canceled.
            var canceled = await db.InTransactionAsync<Result<Order>>(async () =>
            {
                var order = (await db.LockedAsync<Order>(id, ct))!;
                var decision = OrderStates.Decide(order.Status, OrderStatus.Canceled);
                if (decision.IsRefused)
                    return Problem.Conflict($"The order is {order.Status.ToApi()} and cannot be canceled: {decision.Reason}");
                if (decision.IsApply)
                {
                    order.Status = OrderStatus.Canceled;
                    order.ClosedAt = time.GetUtcNow();
                    order.Revision++;
                    await OrderStock.ReleaseAsync(db, order, ct);
                    await db.SaveChangesAsync(ct);
                }
                return order;
            }, ct);
            if (canceled.Problem is { } problem) return problem.ToHttp();
            await db.Entry(canceled.Value!).Collection(o => o.Lines).LoadAsync(ct);
            return TypedResults.Ok(OrderView.From(canceled.Value!));
        }).Revises<OrderView>().WithName("cancelOrder").WithSummary("Cancel an unpaid order; its products go back to stock");
    }
}

/// <summary>
/// The <c>expire-order</c> job, queued with each order and due when it runs out of time: an order
/// still unpaid then is expired, with the order locked, and its products go back to stock. A
/// payment landing at the same moment either wins (the order is paid) or finds the order expired
/// (and is refunded).
/// </summary>
internal sealed class ExpireOrder(TimeProvider time) : Jobs.IJobHandler
{
    public const string JobKind = "expire-order";

    public string Kind => JobKind;

    public async Task<Jobs.JobOutcome> RunAsync(Jobs.JobRun run, IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<PaydeskDb>();
        var now = time.GetUtcNow();
        return await db.InTransactionAsync(async () =>
        {
            var order = await db.LockedAsync<Order>(run.Payload, ct);
            if (order is null || order.Status != OrderStatus.AwaitingPayment) return Jobs.JobOutcome.Done;
            // Not due yet (a clock behind the one that queued it): it comes back when it is.
            if (order.ExpiresAt > now) return Jobs.JobOutcome.Later(order.ExpiresAt);
            order.Status = OrderStatus.Expired;
            order.ClosedAt = now;
            order.Revision++;
            await OrderStock.ReleaseAsync(db, order, ct);
            await db.SaveChangesAsync(ct);
            return Jobs.JobOutcome.Done;
        }, ct);
    }
}
