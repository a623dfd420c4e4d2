using System.Globalization;

namespace Paydesk.Core;

/// <summary>An amount of money as a whole number of minor units (cents, bani, fils) of one currency.</summary>
/// <remarks>
/// Arithmetic is checked: a result that does not fit in a <see cref="long"/> throws <see cref="OverflowException"/>
/// instead of wrapping, and combining two currencies throws <see cref="CurrencyMismatchException"/>.
/// <c>default(Money)</c> has no currency and is not a valid amount.
/// </remarks>
public readonly partial record struct Money(long Minor, Currency Currency) : IComparable<Money>
{
    /// <summary>The currency; never null for a constructed amount.</summary>
    public Currency Currency { get; } = Currency ?? throw new ArgumentNullException(nameof(Currency));

    public static Money Zero(Currency currency) => new(0, currency);

    public bool IsZero => Minor == 0;

    public bool IsNegative => Minor < 0;

    public bool IsPositive => Minor > 0;

    /// <summary>Converts a human-written amount such as <c>1500.00</c> into minor units.</summary>
    /// <exception cref="ArgumentException">The amount has more significant fractional digits than the currency has
    /// (<c>1.5</c> JPY, <c>0.001</c> USD); trailing zeros are fine.</exception>
    /// <exception cref="OverflowException">The amount does not fit in a <see cref="long"/> of minor units.</exception>
    public static Money FromMajor(decimal amount, Currency currency)
    {
        ArgumentNullException.ThrowIfNull(currency);
        var minor = amount * currency.MinorPerMajor;
        if (minor != decimal.Truncate(minor))
        {
            throw new ArgumentException(
                $"{amount.ToString(CultureInfo.InvariantCulture)} has more than {currency.Exponent} fractional digits, the most {currency} allows.",
                nameof(amount));
        }
        return new(decimal.ToInt64(minor), currency);
    }

    /// <summary>The amount in major units, for display and reports only; compute with <see cref="Minor"/>.</summary>
    public decimal ToMajor() => (decimal)Minor / Currency.MinorPerMajor;

    public static Money operator +(Money left, Money right)
    {
        EnsureSameCurrency(left, right);
        return new(checked(left.Minor + right.Minor), left.Currency);
    }

    public static Money operator -(Money left, Money right)
    {
        EnsureSameCurrency(left, right);
        return new(checked(left.Minor - right.Minor), left.Currency);
    }

    public static Money operator -(Money money) => new(checked(-money.Minor), money.Currency);

    public static Money operator *(Money money, long quantity) => new(checked(money.Minor * quantity), money.Currency);

    public static Money operator *(long quantity, Money money) => money * quantity;

    /// <summary>Orders two amounts of the same currency.</summary>
    /// <exception cref="CurrencyMismatchException">The currencies differ: there is no exchange rate here.</exception>
    public int CompareTo(Money other)
    {
        EnsureSameCurrency(this, other);
        return Minor.CompareTo(other.Minor);
    }

    public static bool operator <(Money left, Money right) => left.CompareTo(right) < 0;

    public static bool operator >(Money left, Money right) => left.CompareTo(right) > 0;

    public static bool operator <=(Money left, Money right) => left.CompareTo(right) <= 0;

    public static bool operator >=(Money left, Money right) => left.CompareTo(right) >= 0;

    /// <summary>Invariant display with exactly <see cref="Currency.Exponent"/> fractional digits:
    /// <c>1500.00 RON</c>, <c>300 JPY</c>, <c>1.234 KWD</c>, <c>-0.05 USD</c>.</summary>
    public override string ToString()
    {
        if (Currency.Exponent == 0)
            return string.Create(CultureInfo.InvariantCulture, $"{Minor} {Currency.Code}");

        // Int128 because Math.Abs(long.MinValue) overflows.
        var (whole, fraction) = Math.DivRem((ulong)Int128.Abs(Minor), (ulong)Currency.MinorPerMajor);
        var sign = Minor < 0 ? "-" : "";
        var digits = fraction.ToString(CultureInfo.InvariantCulture).PadLeft(Currency.Exponent, '0');
        return string.Create(CultureInfo.InvariantCulture, $"{sign}{whole}.{digits} {Currency.Code}");
    }

    private static void EnsureSameCurrency(Money left, Money right)
    {
        if (left.Currency != right.Currency)
            throw new CurrencyMismatchException(left.Currency, right.Currency);
    }
}
