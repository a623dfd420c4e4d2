namespace Paydesk.Core;

/// <summary>
/// 54-FZ's "payment method" sign (признак способа расчёта) a receipt line carries: paid in full
/// before the goods or service are delivered, or paid and delivered.
/// </summary>
public enum FiscalPaymentMethod
{
    /// <summary><c>full_prepayment</c>: paid in full ahead (a package of sessions, a subscription period, goods not yet shipped).</summary>
    FullPrepayment,
    /// <summary><c>full_payment</c>: paid and delivered; what closes a prepayment when the service is rendered.</summary>
    FullPayment,
}

/// <summary>54-FZ's "payment object" sign (признак предмета расчёта).</summary>
public enum FiscalPaymentObject
{
    Service,
    Commodity,
}

/// <summary>The VAT rate a line is sold at (the tenant's, by its tax regime).</summary>
public enum FiscalVat
{
    None,
    Vat0,
    Vat10,
    Vat20,
}

/// <summary>What is sold, before the receipt's arithmetic: a line's name, how many, what it comes to in all, and its signs.</summary>
public sealed record FiscalLine(string Name, int Quantity, long AmountMinor, FiscalVat Vat, FiscalPaymentMethod Method, FiscalPaymentObject Object);

/// <summary>
/// One line of a fiscal receipt. The providers check that <see cref="PriceMinor"/> ×
/// <see cref="Quantity"/> is <see cref="AmountMinor"/> exactly, so a line whose amount does not
/// divide by its quantity is printed as two items at prices one kopeck apart.
/// </summary>
public sealed record FiscalItem(string Name, int Quantity, long PriceMinor, long AmountMinor, FiscalVat Vat, FiscalPaymentMethod Method, FiscalPaymentObject Object);

/// <summary>A receipt for one payment: its items add up to the payment's amount to the kopeck.</summary>
public sealed record FiscalReceipt(Money Total, IReadOnlyList<FiscalItem> Items)
{
    /// <summary>The longest item name the providers take (T-Bank and Robokassa: 128 characters).</summary>
    public const int MaxNameLength = 128;

    /// <summary>
    /// The receipt for a payment of <paramref name="total"/> for <paramref name="lines"/>. When the
    /// lines add up to more or less than was paid (a discount on the whole order, a partial
    /// payment), the payment is shared among them in proportion to their amounts
    /// (<see cref="Money.Allocate"/>), so the items still add up to exactly what was paid.
    /// </summary>
    /// <exception cref="ArgumentException">No lines, a line of no quantity or a negative amount, or a negative total.</exception>
    public static FiscalReceipt For(Money total, IReadOnlyList<FiscalLine> lines)
    {
        if (lines.Count == 0) throw new ArgumentException("A receipt has at least one line.", nameof(lines));
        ArgumentOutOfRangeException.ThrowIfNegative(total.Minor, nameof(total));
        foreach (var line in lines)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(line.Quantity, nameof(lines));
            ArgumentOutOfRangeException.ThrowIfNegative(line.AmountMinor, nameof(lines));
        }

        var sum = lines.Sum(l => (decimal)l.AmountMinor);
        long[] amounts = sum == total.Minor
            ? [.. lines.Select(l => l.AmountMinor)]
            : [.. total.Allocate([.. lines.Select(l => sum == 0 ? 1 : l.AmountMinor)]).Select(m => m.Minor)];

        var items = new List<FiscalItem>();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var name = Cut(line.Name);
            var (price, rest) = Math.DivRem(amounts[i], line.Quantity);
            // rest units (fewer than the quantity) at one kopeck more, the others at price: each item's price × quantity is its amount.
            items.Add(new FiscalItem(name, line.Quantity - (int)rest, price, price * (line.Quantity - rest), line.Vat, line.Method, line.Object));
            if (rest > 0)
                items.Add(new FiscalItem(name, (int)rest, price + 1, (price + 1) * rest, line.Vat, line.Method, line.Object));
        }
        return new FiscalReceipt(total, items);
    }

    /// <summary>The same items, closing what they prepaid: each now <see cref="FiscalPaymentMethod.FullPayment"/>.</summary>
    public FiscalReceipt Closing() => this with { Items = [.. Items.Select(i => i with { Method = FiscalPaymentMethod.FullPayment })] };

    private static string Cut(string name)
    {
        var trimmed = name.Trim();
        if (trimmed.Length <= MaxNameLength) return trimmed;
        // Never between the halves of a surrogate pair.
        var end = char.IsLowSurrogate(trimmed[MaxNameLength]) ? MaxNameLength - 1 : MaxNameLength;
        return trimmed[..end];
    }
}
