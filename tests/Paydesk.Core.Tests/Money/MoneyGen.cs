using FsCheck;
using FsCheck.Fluent;

namespace Paydesk.Core.Tests;

/// <summary>Generators that reach both the small amounts where rounding ties are common and the extremes
/// where a wrapping or truncating implementation would show.</summary>
internal static class MoneyGen
{
    /// <summary>Uniform over the whole range, so sums and products regularly overflow.</summary>
    public static Gen<long> AnyLong { get; } = ArbMap.Default.GeneratorFor<DoNotSize<long>>().Select(x => x.Item);

    private static Gen<long> Edges { get; } =
        Gen.Elements(0L, 1L, -1L, long.MaxValue, long.MinValue, long.MaxValue / 2, -(long.MaxValue / 2));

    public static Gen<long> Amount { get; } = Gen.Frequency(
        (4, Gen.Choose(-10_000, 10_000).Select(x => (long)x)),
        (3, AnyLong),
        (1, Edges));

    /// <summary>Amounts no larger than a third of the range, so that summing three never overflows.</summary>
    public static Gen<long> ThirdRangeAmount { get; } = Amount.Select(x => x / 3);

    public static Gen<Currency> AnyCurrency { get; } = Gen.Elements(Currency.All.ToArray());

    public static Gen<long> Weight { get; } = Gen.Frequency(
        (4, Gen.Choose(0, 10)),
        (2, Gen.Choose(0, int.MaxValue)),
        (1, Gen.Constant(int.MaxValue)))
        .Select(x => (long)x);

    /// <summary>One to twenty non-negative weights, at least one of them positive.</summary>
    public static Gen<long[]> Weights { get; } = Gen.Choose(1, 20)
        .SelectMany(length => Weight.ArrayOf(length))
        .Where(weights => weights.Any(w => w > 0));

    public static Arbitrary<Money> MoneyArb { get; } =
        Amount.SelectMany(minor => AnyCurrency.Select(currency => new Money(minor, currency))).ToArbitrary();
}
