using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Paydesk.Api;
using Paydesk.Catalog;
using Paydesk.Core;
using Paydesk.Customers;
using Paydesk.Storage;

namespace Paydesk.Orders;

/// <summary>
/// A line as the client asks for it: which plan, which term (for plans sold by term), how many,
/// and optionally which booking calendar. Never a price: prices come from the catalog.
/// </summary>
public sealed record OrderLineInput(string? PlanId, int? TermMonths, int? Quantity, string? CalendarId);

public sealed record OrderInput(string? CustomerId, List<OrderLineInput>? Lines);

public sealed class OrderOptions
{
    /// <summary>How long an order waits for its payment before it expires.</summary>
    public int UnpaidExpiryMinutes { get; set; } = 24 * 60;
}

/// <summary>
/// Prices an order from the catalog's current prices, adds the products the plans bundle, and
/// freezes lines and total. A customer may place an order only for themself.
/// </summary>
public sealed class PlaceOrder(
    PaydeskDb db, IdGenerator ids, Jobs.JobQueue jobs, TimeProvider time, IOptions<OrderOptions> options, FaultPoints faults)
{
    public const int MaxLines = 20;
    public const int MaxQuantity = 100;

    public async Task<Result<OrderView>> Run(OrderInput input, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var customerId = await ReadCustomer(input.CustomerId, errors, ct);

        var inputs = input.Lines ?? [];
        if (inputs.Count == 0) errors.Add("lines", "must hold at least one line.");
        if (inputs.Count > MaxLines) errors.Add("lines", $"may hold at most {MaxLines} lines.");

        var planIds = inputs.Select(l => l.PlanId).OfType<string>().Distinct().ToList();
        var plans = await PlanQueries.WithCurrentVersion(db.Plans)
            .Where(p => planIds.Contains(p.Id) && p.ArchivedAt == null).ToDictionaryAsync(p => p.Id, ct);
        var bundled = plans.Values.SelectMany(p => p.CurrentGrants).Where(g => g.Kind == GrantKind.Product).Select(g => g.ProductId!).Distinct().ToList();
        var products = await db.Products.Where(p => bundled.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        var sessionServices = plans.Values.SelectMany(p => p.CurrentGrants).Where(g => g.Kind == GrantKind.Sessions).Select(g => g.ServiceId!).Distinct().ToList();
        var calendars = await db.BookingCalendars.Where(c => sessionServices.Contains(c.ServiceId) && c.ArchivedAt == null).ToListAsync(ct);

        var orderId = ids.New("ord");
        var lines = new List<OrderLine>();
        Currency? currency = null;
        long total = 0;
        for (var i = 0; i < inputs.Count; i++)
        {
            var at = $"lines[{i}]";
            var line = inputs[i];
            if (line.PlanId is null) { errors.Add($"{at}.planId", "is required."); continue; }
            if (!plans.TryGetValue(line.PlanId, out var plan)) { errors.Add($"{at}.planId", $"no active plan '{line.PlanId}'."); continue; }

            var price = PriceFor(plan, line.TermMonths, $"{at}.termMonths", errors);
            var quantity = errors.Count($"{at}.quantity", line.Quantity ?? 1, max: MaxQuantity);
            if (price?.IntervalUnit is not null && quantity > 1)
                errors.Add($"{at}.quantity", "must be 1 for a recurring plan: each subscription is its own purchase.");
            if (line.CalendarId is not null && !calendars.Any(c => c.Id == line.CalendarId && plan.CurrentGrants.Any(g => g.ServiceId == c.ServiceId)))
                errors.Add($"{at}.calendarId", $"'{line.CalendarId}' is not a booking calendar of a service this plan grants.");
            if (price is null || errors.Any) continue;

            var lineCurrency = Core.Currency.Parse(price.Currency);
            currency ??= lineCurrency;
            if (lineCurrency != currency)
            {
                errors.Add($"{at}.planId", $"is priced in {lineCurrency.Code}, but this order is in {currency.Code}; place a separate order.");
                continue;
            }

            long amount;
            try
            {
                amount = checked(price.AmountMinor * quantity);
                total = checked(total + amount);
            }
            catch (OverflowException)
            {
                errors.Add($"{at}.quantity", "makes the order total too large.");
                continue;
            }

            var planLine = new OrderLine
            {
                TenantId = "", Id = ids.New("line"), OrderId = orderId, Position = lines.Count, Kind = OrderLineKind.Plan,
                Description = price.TermMonths is { } months ? $"{plan.Name} — {months} month{(months == 1 ? "" : "s")}" : plan.Name,
                Quantity = quantity, UnitAmountMinor = price.AmountMinor, AmountMinor = amount,
                PlanId = plan.Id, PlanVersion = plan.Version, PriceId = price.Id, TermMonths = price.TermMonths,
                IntervalUnit = price.IntervalUnit, IntervalCount = price.IntervalCount, CalendarId = line.CalendarId,
            };
            lines.Add(planLine);
            foreach (var grant in plan.CurrentGrants.Where(g => g.Kind == GrantKind.Product))
            {
                var product = products[grant.ProductId!];
                lines.Add(new OrderLine
                {
                    TenantId = "", Id = ids.New("line"), OrderId = orderId, Position = lines.Count, Kind = OrderLineKind.BundledProduct,
                    Description = $"{product.Name} (included with {plan.Name})", Quantity = (grant.Quantity ?? 1) * quantity,
                    UnitAmountMinor = 0, AmountMinor = 0, ProductId = product.Id, BundledByLineId = planLine.Id,
                });
            }
        }
        if (!errors.Any && total == 0)
            errors.Add("lines", "add up to nothing to pay; free plans cannot be ordered yet.");
        if (errors.Any) return errors.ToProblem();

        var now = time.GetUtcNow();
        var order = new Order
        {
            TenantId = "", Id = orderId, CustomerId = customerId!, Status = OrderStatus.AwaitingPayment, Currency = currency!.Code,
            TotalMinor = total, CreatedAt = now, ExpiresAt = now.AddMinutes(options.Value.UnpaidExpiryMinutes), Lines = lines,
        };
        db.Orders.Add(order);
        jobs.Add(db, ExpireOrder.JobKind, order.Id, order.ExpiresAt);
        await db.SaveChangesAsync(ct);
        await faults.HitAsync(FaultPoints.AfterOrderPlaced);
        return OrderView.From(order);
    }

    private async Task<string?> ReadCustomer(string? requested, FieldErrors errors, CancellationToken ct)
    {
        if (db.Tenant.IsCustomer)
        {
            if (requested is not null && requested != db.Tenant.CustomerId)
            {
                errors.Add("customerId", "a customer can order only for themself; leave it out.");
                return db.Tenant.CustomerId;
            }
            // Their key is refused once they are archived, but this request may have got in just before.
            requested = db.Tenant.CustomerId;
        }
        else if (requested is null)
        {
            errors.Add("customerId", "is required.");
            return null;
        }
        if (!await CustomerQueries.Visible(db).AnyAsync(c => c.Id == requested && c.ArchivedAt == null, ct))
            errors.Add("customerId", $"no active customer '{requested}'.");
        return requested;
    }

    private static PlanPrice? PriceFor(Plan plan, int? termMonths, string field, FieldErrors errors)
    {
        var prices = plan.CurrentPrices.ToList();
        var termed = prices.Where(p => p.TermMonths is not null).ToList();
        if (termed.Count == 0)
        {
            if (termMonths is not null) errors.Add(field, $"'{plan.Name}' is not sold by term; leave it out.");
            return prices.FirstOrDefault();
        }
        var price = termed.FirstOrDefault(p => p.TermMonths == termMonths);
        if (price is null)
            errors.Add(field, $"must be one of {string.Join(", ", termed.Select(p => p.TermMonths))} for '{plan.Name}'.");
        return price;
    }
}
