using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Paydesk.Core.Tests;

public class AllocationTests
{
    private static readonly Arbitrary<Money> Amounts = MoneyGen.MoneyArb;
    private static readonly Arbitrary<long[]> Weights = MoneyGen.Weights.ToArbitrary();
    private static readonly Arbitrary<int> PartCounts = Gen.Choose(1, 50).ToArbitrary();

    /// <summary>numerator / denominator in [0, 1]; small denominators make exact ties common.</summary>
    private static readonly Arbitrary<(long Numerator, long Denominator)> Ratios = (
        from denominator in Gen.Frequency((3, Gen.Choose(1, 12)), (1, Gen.Choose(1, int.MaxValue)))
        from numerator in Gen.Choose(0, denominator)
        select ((long)numerator, (long)denominator)).ToArbitrary();

    [Property(MaxTest = 500)]
    public Property Parts_sum_exactly_to_the_whole() =>
        Prop.ForAll(Amounts, Weights, (money, weights) =>
        {
            var parts = money.Allocate(weights);

            Assert.Equal(weights.Length, parts.Length);
            Assert.All(parts, part => Assert.Same(money.Currency, part.Currency));
            Assert.Equal((BigInteger)money.Minor, parts.Aggregate(BigInteger.Zero, (sum, part) => sum + part.Minor));
        });

    [Property(MaxTest = 500)]
    public Property Each_part_is_less_than_one_minor_unit_from_its_exact_share() =>
        Prop.ForAll(Amounts, Weights, (money, weights) =>
        {
            var parts = money.Allocate(weights);
            var total = weights.Aggregate(BigInteger.Zero, (sum, w) => sum + w);

            for (var i = 0; i < parts.Length; i++)
            {
                // |part - amount × w / total| < 1, multiplied through by total to stay in integers.
                var error = BigInteger.Abs(parts[i].Minor * total - (BigInteger)money.Minor * weights[i]);
                Assert.True(error < total, $"part {i} = {parts[i].Minor} is a unit or more from {money.Minor} × {weights[i]} / {total}");
            }
        });

    [Property(MaxTest = 500)]
    public Property Zero_weights_get_zero() =>
        Prop.ForAll(Amounts, Weights, (money, weights) =>
        {
            var parts = money.Allocate(weights);

            for (var i = 0; i < parts.Length; i++)
            {
                if (weights[i] == 0)
                    Assert.Equal(0, parts[i].Minor);
            }
        });

    [Property(MaxTest = 300)]
    public Property A_negative_amount_splits_as_the_mirror_of_the_positive_one() =>
        Prop.ForAll(Amounts.Filter(m => m.Minor != long.MinValue), Weights, (money, weights) =>
            Assert.Equal(
                money.Allocate(weights).Select(part => -part.Minor),
                (-money).Allocate(weights).Select(part => part.Minor)));

    [Property(MaxTest = 300)]
    public Property Split_parts_differ_by_at_most_one_minor_unit_and_sum_to_the_whole() =>
        Prop.ForAll(Amounts, PartCounts, (money, count) =>
        {
            var parts = money.Split(count);

            Assert.Equal(count, parts.Length);
            Assert.Equal((BigInteger)money.Minor, parts.Aggregate(BigInteger.Zero, (sum, part) => sum + part.Minor));
            Assert.InRange(parts.Max(p => p.Minor) - parts.Min(p => p.Minor), 0, 1);
        });

    [Property(MaxTest = 300)]
    public Property Split_is_allocation_with_equal_weights() =>
        Prop.ForAll(Amounts, PartCounts, (money, count) =>
            Assert.Equal(money.Allocate([.. Enumerable.Repeat(1L, count)]), money.Split(count)));

    [Fact]
    public void Leftover_units_go_to_the_largest_remainders()
    {
        // Exact shares 33.75, 66.25: the 0.75 remainder wins the leftover unit.
        var parts = new Money(100, Currency.USD).Allocate(27, 53);

        Assert.Equal([34L, 66L], parts.Select(p => p.Minor));
    }

    [Fact]
    public void Ties_go_to_earlier_parts()
    {
        // Exact shares 3.5, 1, 0.5: the first and last tie at 0.5, and only one unit is left over.
        Assert.Equal([4L, 1L, 0L], new Money(5, Currency.USD).Allocate(70, 20, 10).Select(p => p.Minor));
        Assert.Equal([34L, 33L, 33L], new Money(100, Currency.RON).Split(3).Select(p => p.Minor));
        Assert.Equal([-34L, -33L, -33L], new Money(-100, Currency.RON).Split(3).Select(p => p.Minor));
    }

    [Fact]
    public void Extreme_amounts_and_weights_do_not_overflow()
    {
        var parts = new Money(long.MaxValue, Currency.JPY).Allocate(long.MaxValue, long.MaxValue, 1);

        // Exact shares are about M/2 - 0.25, M/2 - 0.25 and 0.5: the last part has the largest remainder.
        Assert.Equal([long.MaxValue / 2, long.MaxValue / 2, 1L], parts.Select(p => p.Minor));
        Assert.Equal([long.MinValue], new Money(long.MinValue, Currency.JPY).Allocate(int.MaxValue).Select(p => p.Minor));
    }

    [Fact]
    public void Invalid_weights_are_rejected()
    {
        var money = new Money(100, Currency.EUR);

        Assert.Throws<ArgumentException>(() => money.Allocate());
        Assert.Throws<ArgumentException>(() => money.Allocate(0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => money.Allocate(2, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => money.Split(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => money.Split(-3));
    }

    [Theory]
    [InlineData(1000, 1, 3, 333)]   // 333.33…
    [InlineData(1000, 2, 3, 667)]   // 666.66…
    [InlineData(5, 1, 2, 2)]        // 2.5 → even 2
    [InlineData(15, 1, 2, 8)]       // 7.5 → even 8
    [InlineData(3, 1, 2, 2)]        // 1.5 → even 2
    [InlineData(-5, 1, 2, -2)]
    [InlineData(-15, 1, 2, -8)]
    [InlineData(-1000, 2, 3, -667)]
    [InlineData(3000, 0, 30, 0)]
    [InlineData(3000, 30, 30, 3000)]
    [InlineData(3000, 45, 30, 4500)]
    public void Prorate_rounds_half_to_even(long minor, long numerator, long denominator, long expected) =>
        Assert.Equal(new Money(expected, Currency.RON), new Money(minor, Currency.RON).Prorate(numerator, denominator));

    [Property(MaxTest = 500)]
    public Property Prorate_is_the_nearest_minor_unit_with_ties_to_even() =>
        Prop.ForAll(Amounts, Ratios, (money, ratio) =>
        {
            var (numerator, denominator) = ratio;
            var prorated = money.Prorate(numerator, denominator).Minor;

            var twiceError = 2 * BigInteger.Abs((BigInteger)prorated * denominator - (BigInteger)money.Minor * numerator);
            Assert.True(twiceError <= denominator, $"{prorated} is more than half a unit from {money.Minor} × {numerator} / {denominator}");
            if (twiceError == denominator)
                Assert.True(long.IsEvenInteger(prorated), $"tie rounded to odd {prorated}");
        });

    [Fact]
    public void Prorate_rejects_bad_ratios_and_overflow()
    {
        var money = new Money(100, Currency.USD);

        Assert.Throws<ArgumentOutOfRangeException>(() => money.Prorate(1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => money.Prorate(1, -2));
        Assert.Throws<ArgumentOutOfRangeException>(() => money.Prorate(-1, 2));
        Assert.Throws<OverflowException>(() => new Money(long.MaxValue, Currency.USD).Prorate(3, 2));
    }
}
