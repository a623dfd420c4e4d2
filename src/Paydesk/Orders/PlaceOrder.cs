using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Paydesk.Api;
using Paydesk.Catalog;
using Paydesk.Core;
using Paydesk.Customers;
using Paydesk.Storage;

namespace Paydesk.Orders;

/// <summary>
/// A line as the client asks for it: a plan (at a term, for plans sold by term, and optionally on
/// a booking calendar) or a product on its own, and how many. Never a price: prices come from the
/// catalog.
/// </summary>
public sealed record OrderLineInput(string? PlanId, int? TermMonths, int? Quantity, string? CalendarId, string? ProductId = null);

/// <param name="ShippingAddress">Where products in it are shipped; without it, the customer's address.</param>
public sealed record OrderInput(string? CustomerId, List<OrderLineInput>? Lines, AddressInput? ShippingAddress = null);

public sealed class OrderOptions
{
    /// <summary>How long an order waits for its payment before it expires.</summary>
    public int UnpaidExpiryMinutes { get; set; } = 24 * 60;
}

/// <summary>An order as priced, before it is kept: whose, in which currency, the total and the lines.</summary>
/// <param name="StockFields">For each product the order takes, the field of the first line that takes it: what a shortfall names.</param>
public sealed record PricedOrder(
    string? CustomerId, Currency Currency, long TotalMinor, List<OrderLine> Lines, PostalAddress? ShippingAddress, IReadOnlyList<ListPriceUse> ListPrices,
    IReadOnlyDictionary<string, string> StockFields);

/// <summary>A service's or product's list price an order is priced at: marked in use when it is placed, so a later change keeps it as a version.</summary>
public sealed record ListPriceUse(string ItemId, bool IsProduct, int Version, long AmountMinor, string Name);

/// <summary>
/// Prices an order from the catalog's current prices: each plan at the term asked for, a booking
/// calendar's own price where the line names one, products at their list price, and the products
/// the plans bundle. The one pricing there is: an order is placed from it, and a quote shows it
/// without keeping anything. What is not in stock is refused here, naming the line (placing the
/// order then takes it from stock, and may still find it gone). A customer may price only for themself.
/// </summary>
public sealed class PriceOrder(PaydeskDb db, IdGenerator ids)
{
    public const int MaxLines = 20;
    public const int MaxQuantity = 100;

    /// <param name="orderId">The order the lines will belong to.</param>
    /// <param name="customerRequired">An order is someone's; a quote may be asked for anyone.</param>
    public async Task<Result<PricedOrder>> Run(OrderInput input, string orderId, bool customerRequired, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var customerId = await ReadCustomer(input.CustomerId, customerRequired, errors, ct);
        var shipTo = PostalAddress.Read(errors, "shippingAddress", input.ShippingAddress);

        var inputs = input.Lines ?? [];
        if (inputs.Count == 0) errors.Add("lines", "must hold at least one line.");
        if (inputs.Count > MaxLines) errors.Add("lines", $"may hold at most {MaxLines} lines.");

        var planIds = inputs.Select(l => l.PlanId).OfType<string>().Distinct().ToList();
        var plans = await PlanQueries.WithCurrentVersion(db.Plans)
            .Where(p => planIds.Contains(p.Id) && p.ArchivedAt == null).ToDictionaryAsync(p => p.Id, ct);
        var bundled = plans.Values.SelectMany(p => p.CurrentGrants).Where(g => g.Kind == GrantKind.Product).Select(g => g.ProductId!).Distinct().ToList();
        var sold = inputs.Select(l => l.ProductId).OfType<string>().Distinct().ToList();
        var products = await db.Products.Where(p => bundled.Contains(p.Id) || sold.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        var sessionServices = plans.Values.SelectMany(p => p.CurrentGrants).Where(g => g.Kind == GrantKind.Sessions).Select(g => g.ServiceId!).Distinct().ToList();
        var services = await db.Services.Where(v => sessionServices.Contains(v.Id)).ToDictionaryAsync(v => v.Id, ct);
        var calendars = await db.BookingCalendars.Where(c => sessionServices.Contains(c.ServiceId) && c.ArchivedAt == null).ToListAsync(ct);

        // One free trial per customer and plan: one who subscribed to a plan before pays from the start.
        var trialsTaken = customerId is null ? [] : await db.Subscriptions.Where(s => s.CustomerId == customerId && planIds.Contains(s.PlanId))
            .Select(s => s.PlanId).Distinct().ToHashSetAsync(ct);
        var lines = new List<OrderLine>();
        var listPrices = new List<ListPriceUse>();
        // The first line that takes each product, to name when there is not enough of it.
        var takenAt = new Dictionary<string, string>(StringComparer.Ordinal);
        Currency? currency = null;
        long total = 0;
        for (var i = 0; i < inputs.Count; i++)
        {
            var at = $"lines[{i}]";
            var line = inputs[i];
            if (line.ProductId is not null)
            {
                if (line.PlanId is not null) errors.Add(at, "names a plan and a product: one line is one or the other.");
                else if (ProductLine(line, at, orderId, lines.Count, products, errors) is { } productLine && !errors.Any)
                {
                    var productCurrency = Core.Currency.Parse(products[line.ProductId].Currency);
                    currency ??= productCurrency;
                    if (productCurrency != currency)
                        errors.Add($"{at}.productId", $"is priced in {productCurrency.Code}, but this order is in {currency.Code}; place a separate order.");
                    else if (Add(productLine.AmountMinor, $"{at}.quantity"))
                    {
                        var product = products[line.ProductId];
                        listPrices.Add(new ListPriceUse(product.Id, IsProduct: true, product.PriceVersion, product.PriceMinor, product.Name));
                        lines.Add(productLine);
                        takenAt.TryAdd(productLine.ProductId!, $"{at}.quantity");
                    }
                }
                continue;
            }
            if (line.PlanId is null) { errors.Add($"{at}.planId", "is required: name a planId or a productId."); continue; }
            if (!plans.TryGetValue(line.PlanId, out var plan)) { errors.Add($"{at}.planId", $"no active plan '{line.PlanId}'."); continue; }

            var price = PriceFor(plan, line.TermMonths, $"{at}.termMonths", errors);
            var quantity = errors.Count($"{at}.quantity", line.Quantity ?? 1, max: MaxQuantity);
            if (price?.IntervalUnit is not null && quantity > 1)
                errors.Add($"{at}.quantity", "must be 1 for a recurring plan: each subscription is its own purchase.");
            var calendar = line.CalendarId is null ? null
                : calendars.FirstOrDefault(c => c.Id == line.CalendarId && plan.CurrentGrants.Any(g => g.ServiceId == c.ServiceId));
            if (line.CalendarId is not null && calendar is null)
                errors.Add($"{at}.calendarId", $"'{line.CalendarId}' is not a booking calendar of a service this plan grants.");
            if (price is null || errors.Any) continue;

            var lineCurrency = Core.Currency.Parse(price.Currency);
            currency ??= lineCurrency;
            if (lineCurrency != currency)
            {
                errors.Add($"{at}.planId", $"is priced in {lineCurrency.Code}, but this order is in {currency.Code}; place a separate order.");
                continue;
            }

            // A free trial: nothing due now; the card the checkout keeps pays each period after it.
            var trialDays = price.IntervalUnit is not null && plan.TrialDays > 0 && !trialsTaken.Contains(plan.Id) ? plan.TrialDays : (int?)null;
            long unit, amount;
            try
            {
                unit = calendar is null ? price.AmountMinor : WithCalendar(price, plan, calendar, services[calendar.ServiceId], $"{at}.calendarId", errors);
                amount = trialDays is null ? checked(unit * quantity) : 0;
            }
            catch (OverflowException)
            {
                errors.Add($"{at}.quantity", "makes the order total too large.");
                continue;
            }
            if (!Add(amount, $"{at}.quantity")) continue;

            var surcharged = calendar is { PriceMinor: { } own } && own != services[calendar.ServiceId].PriceMinor ? services[calendar.ServiceId] : null;
            if (surcharged is not null)
                listPrices.Add(new ListPriceUse(surcharged.Id, IsProduct: false, surcharged.PriceVersion, surcharged.PriceMinor, surcharged.Name));
            var name = price.TermMonths is { } months ? $"{plan.Name} — {OrderLine.TermText(months)}"
                : trialDays is { } days ? $"{plan.Name} — {OrderLine.TrialText(days)}"
                : plan.Name;
            var planLine = new OrderLine
            {
                TenantId = "", Id = ids.New("line"), OrderId = orderId, Position = lines.Count, Kind = OrderLineKind.Plan,
                Description = OrderLine.Describe(calendar is null ? name : $"{name} ({calendar.Name})"),
                Quantity = quantity, UnitAmountMinor = unit, AmountMinor = amount,
                PlanId = plan.Id, PlanVersion = plan.Version, PriceId = price.Id, TermMonths = price.TermMonths,
                IntervalUnit = price.IntervalUnit, IntervalCount = price.IntervalCount, TrialDays = trialDays, CalendarId = line.CalendarId,
                ListPriceVersion = surcharged?.PriceVersion,
            };
            lines.Add(planLine);
            foreach (var grant in plan.CurrentGrants.Where(g => g.Kind == GrantKind.Product))
            {
                var product = products[grant.ProductId!];
                takenAt.TryAdd(product.Id, $"{at}.quantity");
                lines.Add(new OrderLine
                {
                    TenantId = "", Id = ids.New("line"), OrderId = orderId, Position = lines.Count, Kind = OrderLineKind.BundledProduct,
                    Description = OrderLine.Describe(OrderLine.BundledText(product.Name, plan.Name)), Quantity = (grant.Quantity ?? 1) * quantity,
                    UnitAmountMinor = 0, AmountMinor = 0, ProductId = product.Id, BundledByLineId = planLine.Id,
                });
            }
        }
        if (!errors.Any && total == 0 && !lines.Any(l => l.TrialDays is not null))
            errors.Add("lines", "add up to nothing to pay; free plans cannot be ordered yet.");
        if (!errors.Any)
            foreach (var (productId, wanted) in OrderStock.Taken(lines))
                if (wanted > products[productId].Stock)
                    errors.Add(takenAt[productId], OrderStock.Shortfall(products[productId], products[productId].Stock, wanted));
        if (errors.Any) return errors.ToProblem();
        return new PricedOrder(customerId, currency!, total, lines, shipTo, listPrices, takenAt);

        bool Add(long amount, string field)
        {
            try
            {
                total = checked(total + amount);
                return true;
            }
            catch (OverflowException)
            {
                errors.Add(field, "makes the order total too large.");
                return false;
            }
        }
    }

    private OrderLine? ProductLine(OrderLineInput line, string at, string orderId, int position, Dictionary<string, Product> products, FieldErrors errors)
    {
        if (line.TermMonths is not null) errors.Add($"{at}.termMonths", "is for plans sold by term; a product has none.");
        if (line.CalendarId is not null) errors.Add($"{at}.calendarId", "is for plans that grant sessions; a product has none.");
        var quantity = errors.Count($"{at}.quantity", line.Quantity ?? 1, max: MaxQuantity);
        if (!products.TryGetValue(line.ProductId!, out var product) || product.ArchivedAt is not null)
        {
            errors.Add($"{at}.productId", $"no active product '{line.ProductId}'.");
            return null;
        }
        long amount;
        try
        {
            amount = checked(product.PriceMinor * quantity);
        }
        catch (OverflowException)
        {
            errors.Add($"{at}.quantity", "makes the order total too large.");
            return null;
        }
        return new OrderLine
        {
            TenantId = "", Id = ids.New("line"), OrderId = orderId, Position = position, Kind = OrderLineKind.Product,
            Description = product.Name, Quantity = quantity, UnitAmountMinor = product.PriceMinor, AmountMinor = amount, ProductId = product.Id,
            ListPriceVersion = product.PriceVersion,
        };
    }

    /// <summary>
    /// A calendar with a price of its own (evening hours) changes what each session of its service
    /// costs: the plan's price moves by the difference from the service's list price, once for
    /// every session of that service the plan grants — so a package keeps its discount.
    /// </summary>
    private static long WithCalendar(PlanPrice price, Plan plan, BookingCalendar calendar, Service service, string field, FieldErrors errors)
    {
        if (calendar.PriceMinor is not { } calendarPrice || calendarPrice == service.PriceMinor) return price.AmountMinor;
        if (service.Currency != price.Currency)
        {
            errors.Add(field, $"'{calendar.Name}' is priced in {service.Currency}, but '{plan.Name}' in {price.Currency}.");
            return price.AmountMinor;
        }
        var sessions = plan.CurrentGrants.Where(g => g.Kind == GrantKind.Sessions && g.ServiceId == service.Id).Sum(g => (long)(g.SessionCount ?? 0));
        return Math.Max(0, checked(price.AmountMinor + sessions * (calendarPrice - service.PriceMinor)));
    }

    private async Task<string?> ReadCustomer(string? requested, bool required, FieldErrors errors, CancellationToken ct)
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
            if (required) errors.Add("customerId", "is required.");
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

/// <summary>Places an order as <see cref="PriceOrder"/> prices it, and freezes its lines and total.</summary>
public sealed class PlaceOrder(
    PriceOrder pricing, PaydeskDb db, IdGenerator ids, Jobs.JobQueue jobs, TimeProvider time, IOptions<OrderOptions> options, FaultPoints faults)
{
    public async Task<Result<OrderView>> Run(OrderInput input, CancellationToken ct)
    {
        var orderId = ids.New("ord");
        var priced = await pricing.Run(input, orderId, customerRequired: true, ct);
        if (priced.Problem is { } problem) return problem;
        var (customerId, currency, total, lines, shipTo, listPrices, stockFields) = priced.Value!;

        var now = time.GetUtcNow();
        var order = new Order
        {
            TenantId = "", Id = orderId, CustomerId = customerId!, Status = OrderStatus.AwaitingPayment, Currency = currency.Code,
            TotalMinor = total, CreatedAt = now, ExpiresAt = now.AddMinutes(options.Value.UnpaidExpiryMinutes), Lines = lines,
            ShippingAddress = shipTo,
        };
        var placed = await db.InTransactionAsync<Result<OrderView>>(async () =>
        {
            // Marked first: a price found changed leaves nothing taken from stock.
            if (await MarkInUseAsync(listPrices, ct) is { } changed)
                return Problem.Conflict($"The price of '{changed.Name}' changed while the order was being placed; ask for a quote again and place it anew.");
            if (await OrderStock.ReserveAsync(db, order, ct) is { } shortOf)
                return await ShortfallAsync(lines, stockFields, shortOf, ct);
            db.Orders.Add(order);
            jobs.Add(db, ExpireOrder.JobKind, order.Id, order.ExpiresAt);
            await db.SaveChangesAsync(ct);
            return OrderView.From(order);
        }, ct);
        if (placed.Problem is null) await faults.HitAsync(FaultPoints.AfterOrderPlaced);
        return placed;
    }

    /// <summary>
    /// Marks each list price the order was priced at as in use — only if it is still that price
    /// and version: answers the first that changed meanwhile (an admin's change then makes, or
    /// made, a new version; the two cannot cross unseen).
    /// </summary>
    private async Task<ListPriceUse?> MarkInUseAsync(IReadOnlyList<ListPriceUse> prices, CancellationToken ct)
    {
        foreach (var use in prices.DistinctBy(p => p.ItemId))
        {
            var marked = use.IsProduct
                ? await db.Products.Where(p => p.Id == use.ItemId && p.PriceVersion == use.Version && p.PriceMinor == use.AmountMinor)
                    .ExecuteUpdateAsync(u => u.SetProperty(p => p.PriceInUse, true), ct)
                : await db.Services.Where(s => s.Id == use.ItemId && s.PriceVersion == use.Version && s.PriceMinor == use.AmountMinor)
                    .ExecuteUpdateAsync(u => u.SetProperty(s => s.PriceInUse, true), ct);
            if (marked == 0) return use;
        }
        return null;
    }

    /// <summary>Another order took the stock between pricing and placing: the line that wanted it is named (as pricing names it), with what is left now.</summary>
    private async Task<Problem> ShortfallAsync(List<OrderLine> lines, IReadOnlyDictionary<string, string> stockFields, string productId, CancellationToken ct)
    {
        var product = await db.Products.AsNoTracking().FirstAsync(p => p.Id == productId, ct);
        var wanted = OrderStock.Taken(lines).First(t => t.ProductId == productId).Quantity;
        return Problem.Invalid(stockFields[productId], OrderStock.Shortfall(product, product.Stock, wanted));
    }
}
