using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Paydesk.Core;
using Paydesk.Storage;

namespace Paydesk.Orders;

/// <summary>
/// What a customer asked to buy, priced by the server from the catalog when it was placed. The
/// lines and the total are frozen then: a later price change never alters an order.
/// </summary>
public sealed class Order : IHasId, ICustomerOwned
{
    public required string TenantId { get; set; }
    public required string Id { get; init; }
    public required string CustomerId { get; init; }
    public OrderStatus Status { get; set; }
    public required string Currency { get; init; }
    public long TotalMinor { get; init; }
    public long RefundedMinor { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>An order still unpaid then is expired by the sweeper.</summary>
    public DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? PaidAt { get; set; }
    /// <summary>The one payment that paid this order; any other that succeeds is refunded.</summary>
    public string? PaidByPaymentId { get; set; }
    public DateTimeOffset? FulfilledAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    /// <summary>Failed fulfilments so far; the next try is due at <see cref="NextFulfilmentAt"/>.</summary>
    public int FulfilmentAttempts { get; set; }
    public DateTimeOffset? NextFulfilmentAt { get; set; }
    public string? FulfilmentError { get; set; }
    /// <summary>Where its products go; null: the customer's address when they are shipped.</summary>
    public Customers.PostalAddress? ShippingAddress { get; init; }
    /// <summary>The order holds its products' stock: taken when it was placed, given back (once) if it expires or is canceled.</summary>
    public bool StockReserved { get; set; }
    /// <summary>Bumped on every status change, so two racing changes cannot both win.</summary>
    public int Revision { get; set; }
    public List<OrderLine> Lines { get; set; } = [];

    public Money Total => new(TotalMinor, Core.Currency.Parse(Currency));

    /// <summary>What is bought, in words, as a checkout or an email names it: the plans and products, not what comes bundled.</summary>
    public string Summary() =>
        string.Join(", ", Lines.Where(l => l.Kind is OrderLineKind.Plan or OrderLineKind.Product).OrderBy(l => l.Position).Select(l => l.Description));

    /// <summary><see cref="Summary"/> in the reader's language (<see cref="OrderLine.DescriptionIn"/>).</summary>
    public string SummaryIn(System.Globalization.CultureInfo culture) =>
        string.Join(", ", Lines.Where(l => l.Kind is OrderLineKind.Plan or OrderLineKind.Product).OrderBy(l => l.Position).Select(l => l.DescriptionIn(culture)));
}

public enum OrderLineKind
{
    /// <summary>A plan at one of its prices.</summary>
    Plan,
    /// <summary>A physical product that came bundled with a plan line, at no extra charge.</summary>
    BundledProduct,
    /// <summary>A physical product bought on its own, at its list price.</summary>
    Product,
}

public sealed class OrderLine : IHasId
{
    public required string TenantId { get; set; }
    public required string Id { get; init; }
    public required string OrderId { get; init; }
    public int Position { get; init; }
    public OrderLineKind Kind { get; init; }
    /// <summary>What the line is, in words, at most <see cref="MaxDescriptionLength"/> long (<see cref="Describe"/>).</summary>
    public required string Description { get; init; }
    public int Quantity { get; init; }
    public long UnitAmountMinor { get; init; }
    public long AmountMinor { get; init; }

    public string? PlanId { get; init; }
    public int? PlanVersion { get; init; }
    public string? PriceId { get; init; }
    public int? TermMonths { get; init; }
    public IntervalUnit? IntervalUnit { get; init; }
    public int? IntervalCount { get; init; }
    /// <summary>
    /// A recurring plan sold with a free trial: its first period is this many days and costs
    /// nothing. The line's amount is then what is due now (nothing), and its unit amount the price
    /// of each period after the trial, charged to the card the order's checkout keeps.
    /// </summary>
    public int? TrialDays { get; init; }
    public string? CalendarId { get; init; }
    /// <summary>The list price version it was sold at: the product's, or for a line on a priced calendar, the service's.</summary>
    public int? ListPriceVersion { get; init; }

    public string? ProductId { get; init; }
    /// <summary>The plan line whose grant put this product in the order.</summary>
    public string? BundledByLineId { get; init; }

    /// <summary>The length of the description column (and of the invoice line that copies it).</summary>
    public const int MaxDescriptionLength = 300;

    /// <summary>
    /// The description as stored: names put together (a plan's, its term's and its calendar's; a
    /// product's and the plan it comes with) can pass the column, so they are cut, between characters.
    /// </summary>
    public static string Describe(string text) => Api.Text.Cut(text, MaxDescriptionLength)!;

    /// <summary>The term a plan line's description names, as <see cref="PriceOrder"/> writes it.</summary>
    public static string TermText(int months) => $"{months} month{(months == 1 ? "" : "s")}";

    /// <summary>What a trial line's description adds to the plan's name, as <see cref="PriceOrder"/> writes it.</summary>
    public static string TrialText(int days) => OrderLineWords.English.Trial($"{days} day{(days == 1 ? "" : "s")}");

    /// <summary>A bundled product's description, before <see cref="Describe"/> cuts it: "Resistance band (included with Recovery)".</summary>
    public static string BundledText(string product, string plan) => OrderLineWords.English.IncludedWith(product, plan);

    /// <summary>What <see cref="BundledText"/> puts between the product and the plan, which <see cref="DescriptionIn"/> finds.</summary>
    private const string IncludedWith = " (included with ";

    /// <summary>
    /// The description in the reader's language: the term or free trial it names (" — 3 months",
    /// " — free trial, 14 days", written in English when the order was priced), or the plan a product came with ("(included with …)"),
    /// put in <paramref name="culture"/>'s words. Names from the catalog stay as the merchant wrote them.
    /// </summary>
    public string DescriptionIn(System.Globalization.CultureInfo culture)
    {
        if (Kind == OrderLineKind.BundledProduct) return BundledIn(culture);
        var common = Api.Pages.CommonWords.All.For(culture);
        var (term, words) = (TermMonths, TrialDays) switch
        {
            ({ } months, _) => ($" — {TermText(months)}", common.Period(Core.IntervalUnit.Month, months, culture)),
            (_, { } days) => ($" — {TrialText(days)}", OrderLineWords.All.For(culture).Trial(common.Period(Core.IntervalUnit.Day, days, culture))),
            _ => ("", ""),
        };
        var at = term.Length == 0 ? -1 : Description.IndexOf(term, StringComparison.Ordinal);
        if (at < 0) return Description;
        return $"{Description[..at]} — {words}{Description[(at + term.Length)..]}";
    }

    /// <summary>"Resistance band (included with Recovery)" in the reader's language; one cut short of its end stays as stored.</summary>
    private string BundledIn(System.Globalization.CultureInfo culture)
    {
        var at = Description.IndexOf(IncludedWith, StringComparison.Ordinal);
        if (at < 0 || !Description.EndsWith(')')) return Description;
        return OrderLineWords.All.For(culture).IncludedWith(Description[..at], Description[(at + IncludedWith.Length)..^1]);
    }
}

internal sealed class OrderConfiguration : IEntityTypeConfiguration<Order>, IEntityTypeConfiguration<OrderLine>
{
    public void Configure(EntityTypeBuilder<Order> b)
    {
        b.HasKey(o => new { o.TenantId, o.Id });
        b.HasIndex(o => new { o.TenantId, o.CustomerId });
        b.HasIndex(o => new { o.Status, o.ExpiresAt });
        b.HasIndex(o => new { o.Status, o.NextFulfilmentAt });
        b.Property(o => o.FulfilmentError).HasMaxLength(500);
        b.Property(o => o.Currency).HasMaxLength(3);
        b.Property(o => o.Revision).IsConcurrencyToken();
        b.Property(o => o.ShippingAddress).HasJsonRecordConversion();
        b.HasOne<Customers.Customer>().WithMany().HasForeignKey(o => new { o.TenantId, o.CustomerId });
        b.HasMany(o => o.Lines).WithOne().HasForeignKey(l => new { l.TenantId, l.OrderId });
        b.Ignore(o => o.Total);
    }

    public void Configure(EntityTypeBuilder<OrderLine> b)
    {
        b.HasKey(l => new { l.TenantId, l.Id });
        b.HasIndex(l => new { l.TenantId, l.OrderId, l.Position }).IsUnique();
        b.Property(l => l.Description).HasMaxLength(OrderLine.MaxDescriptionLength);
        b.HasOne<Catalog.PlanPrice>().WithMany().HasForeignKey(l => new { l.TenantId, l.PriceId });
        b.HasOne<Catalog.Product>().WithMany().HasForeignKey(l => new { l.TenantId, l.ProductId });
        b.HasOne<Catalog.BookingCalendar>().WithMany().HasForeignKey(l => new { l.TenantId, l.CalendarId });
    }
}
