using System.Globalization;
using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Paydesk.Core.Tests;

public class MoneyTests
{
    private static readonly Arbitrary<long> AnyLong = MoneyGen.AnyLong.ToArbitrary();
    private static readonly Arbitrary<long> ThirdRange = MoneyGen.ThirdRangeAmount.ToArbitrary();

    [Theory]
    [InlineData(150000, "RON", "1500.00 RON")]
    [InlineData(300, "JPY", "300 JPY")]
    [InlineData(1234, "KWD", "1.234 KWD")]
    [InlineData(-5, "USD", "-0.05 USD")]
    [InlineData(-1, "KWD", "-0.001 KWD")]
    [InlineData(0, "USD", "0.00 USD")]
    [InlineData(7, "EUR", "0.07 EUR")]
    [InlineData(100, "XTR", "100 XTR")]
    [InlineData(-300, "JPY", "-300 JPY")]
    [InlineData(long.MinValue, "USD", "-92233720368547758.08 USD")]
    [InlineData(long.MaxValue, "KWD", "9223372036854775.807 KWD")]
    public void Formats_with_the_currency_digits(long minor, string code, string expected) =>
        Assert.Equal(expected, new Money(minor, Currency.Parse(code)).ToString());

    [Fact]
    public void Formatting_ignores_the_current_culture()
    {
        var original = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-DE");
            Assert.Equal("-1234567.89 EUR", new Money(-123456789, Currency.EUR).ToString());
        }
        finally
        {
            CultureInfo.CurrentCulture = original;
        }
    }

    [Theory]
    [InlineData("1500.00", "RON", 150000)]
    [InlineData("1500", "JPY", 1500)]
    [InlineData("1500.000", "JPY", 1500)]
    [InlineData("1.234", "KWD", 1234)]
    [InlineData("1.230", "KWD", 1230)]
    [InlineData("-0.05", "USD", -5)]
    [InlineData("0.1", "USD", 10)]
    public void FromMajor_converts_to_minor_units(string amount, string code, long expected) =>
        Assert.Equal(new Money(expected, Currency.Parse(code)), Money.FromMajor(decimal.Parse(amount, CultureInfo.InvariantCulture), Currency.Parse(code)));

    [Theory]
    [InlineData("1.5", "JPY")]
    [InlineData("0.001", "USD")]
    [InlineData("1.2345", "KWD")]
    [InlineData("-10.005", "RON")]
    public void FromMajor_rejects_more_fractional_digits_than_the_currency_has(string amount, string code) =>
        Assert.Throws<ArgumentException>(() => Money.FromMajor(decimal.Parse(amount, CultureInfo.InvariantCulture), Currency.Parse(code)));

    [Fact]
    public void FromMajor_rejects_amounts_beyond_the_minor_unit_range() =>
        Assert.Throws<OverflowException>(() => Money.FromMajor(100_000_000_000_000_000m, Currency.USD));

    [Property(MaxTest = 300)]
    public Property ToMajor_and_FromMajor_round_trip() =>
        Prop.ForAll(MoneyGen.MoneyArb, money => Assert.Equal(money, Money.FromMajor(money.ToMajor(), money.Currency)));

    [Fact]
    public void ToMajor_is_the_amount_in_major_units()
    {
        Assert.Equal(1500.00m, new Money(150000, Currency.RON).ToMajor());
        Assert.Equal(1.234m, new Money(1234, Currency.KWD).ToMajor());
        Assert.Equal(-300m, new Money(-300, Currency.JPY).ToMajor());
    }

    [Fact]
    public void Arithmetic_within_one_currency()
    {
        var price = new Money(1999, Currency.USD);

        Assert.Equal(new Money(3998, Currency.USD), price + price);
        Assert.Equal(new Money(-1, Currency.USD), price - new Money(2000, Currency.USD));
        Assert.Equal(new Money(-1999, Currency.USD), -price);
        Assert.Equal(new Money(5997, Currency.USD), price * 3);
        Assert.Equal(new Money(5997, Currency.USD), 3 * price);
        Assert.Equal(Money.Zero(Currency.USD), price * 0);
        Assert.True(Money.Zero(Currency.USD).IsZero);
        Assert.True((-price).IsNegative);
        Assert.True(price.IsPositive);
        Assert.False(price.IsNegative);
    }

    [Fact]
    public void Comparison_within_one_currency()
    {
        var small = new Money(100, Currency.RUB);
        var large = new Money(101, Currency.RUB);

        Assert.True(small < large);
        Assert.True(large > small);
        Assert.True(small <= new Money(100, Currency.RUB));
        Assert.False(large <= small);
        Assert.True(large >= small);
        Assert.Equal(-1, Math.Sign(small.CompareTo(large)));
        Assert.Equal(0, small.CompareTo(new Money(100, Currency.RUB)));
    }

    [Fact]
    public void Different_currencies_do_not_combine()
    {
        var rub = new Money(100, Currency.RUB);
        var usd = new Money(100, Currency.USD);

        var error = Assert.Throws<CurrencyMismatchException>(() => rub + usd);
        Assert.IsAssignableFrom<InvalidOperationException>(error);
        Assert.Same(Currency.RUB, error.Left);
        Assert.Same(Currency.USD, error.Right);
        Assert.Throws<CurrencyMismatchException>(() => rub - usd);
        Assert.Throws<CurrencyMismatchException>(() => rub < usd);
        Assert.Throws<CurrencyMismatchException>(() => rub.CompareTo(usd));
        Assert.NotEqual(rub, usd);
        Assert.NotEqual(Money.Zero(Currency.RUB), Money.Zero(Currency.USD));
    }

    [Fact]
    public void A_currency_is_required() =>
        Assert.Throws<ArgumentNullException>(() => new Money(1, null!));

    [Fact]
    public void Negating_the_smallest_amount_overflows() =>
        Assert.Throws<OverflowException>(() => -new Money(long.MinValue, Currency.JPY));

    [Property(MaxTest = 500)]
    public Property Addition_and_subtraction_throw_instead_of_wrapping() =>
        Prop.ForAll(AnyLong, AnyLong, (a, b) =>
        {
            var left = new Money(a, Currency.EUR);
            var right = new Money(b, Currency.EUR);

            AssertExactOrOverflow((BigInteger)a + b, () => left + right);
            AssertExactOrOverflow((BigInteger)a - b, () => left - right);
        });

    [Property(MaxTest = 500)]
    public Property Multiplication_throws_instead_of_wrapping() =>
        Prop.ForAll(AnyLong, MoneyGen.Amount.ToArbitrary(), (a, quantity) =>
            AssertExactOrOverflow((BigInteger)a * quantity, () => new Money(a, Currency.EUR) * quantity));

    [Property(MaxTest = 300)]
    public Property Addition_is_commutative() =>
        Prop.ForAll(AnyLong, AnyLong, (a, b) =>
            AssertExactOrOverflow((BigInteger)a + b, () => new Money(b, Currency.KWD) + new Money(a, Currency.KWD)));

    [Property(MaxTest = 300)]
    public Property Addition_is_associative() =>
        Prop.ForAll(ThirdRange, ThirdRange, ThirdRange, (a, b, c) =>
        {
            var (x, y, z) = (new Money(a, Currency.RON), new Money(b, Currency.RON), new Money(c, Currency.RON));
            Assert.Equal((x + y) + z, x + (y + z));
        });

    private static void AssertExactOrOverflow(BigInteger exact, Func<Money> compute)
    {
        if (exact >= long.MinValue && exact <= long.MaxValue)
            Assert.Equal((long)exact, compute().Minor);
        else
            Assert.Throws<OverflowException>(() => compute());
    }
}
