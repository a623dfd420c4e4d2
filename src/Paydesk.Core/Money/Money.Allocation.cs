namespace Paydesk.Core;

public readonly partial record struct Money
{
    /// <summary>Splits this amount into parts proportional to <paramref name="weights"/>, summing exactly to it.</summary>
    /// <remarks>
    /// Largest-remainder method: each part first gets its exact share rounded towards zero, then the minor units
    /// left over go one each to the parts with the largest remainders, earlier parts first on a tie. So each part is
    /// less than one minor unit away from its exact share and a zero weight always gets zero. A negative amount is
    /// split as its magnitude and negated, so it mirrors the positive split. Any <see cref="long"/> amount and weights
    /// work: the intermediate products are computed in <see cref="Int128"/>.
    /// </remarks>
    /// <exception cref="ArgumentException">No weights, a negative weight, or all weights zero.</exception>
    public Money[] Allocate(params ReadOnlySpan<long> weights)
    {
        if (weights.IsEmpty)
            throw new ArgumentException("At least one weight is required.", nameof(weights));
        Int128 total = 0;
        foreach (var weight in weights)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(weight, nameof(weights));
            total += weight;
        }
        if (total == 0)
            throw new ArgumentException("At least one weight must be positive.", nameof(weights));

        var magnitude = Int128.Abs(Minor);
        var shares = new Int128[weights.Length];
        var remainders = new Int128[weights.Length];
        var leftover = magnitude;
        for (var i = 0; i < weights.Length; i++)
        {
            (shares[i], remainders[i]) = Int128.DivRem(magnitude * weights[i], total);
            leftover -= shares[i];
        }

        // The remainders add up to leftover × total and each is below total, so more than leftover parts have a
        // non-zero remainder: the extra units never reach a zero weight, whose remainder is zero.
        int[] order = [.. Enumerable.Range(0, weights.Length)];
        Array.Sort(order, (a, b) =>
            remainders[b].CompareTo(remainders[a]) is var byRemainder and not 0 ? byRemainder : a.CompareTo(b));
        for (var k = 0; k < leftover; k++)
            shares[order[k]]++;

        var result = new Money[shares.Length];
        for (var i = 0; i < shares.Length; i++)
            result[i] = new((long)(Minor < 0 ? -shares[i] : shares[i]), Currency);
        return result;
    }

    /// <summary>Splits this amount into <paramref name="parts"/> near-equal parts that sum exactly to it.</summary>
    /// <remarks>Same result as <see cref="Allocate"/> with equal weights: parts differ by at most one minor unit
    /// and the larger-magnitude parts come first.</remarks>
    public Money[] Split(int parts)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(parts);
        // DivRem truncates towards zero, so extra carries the amount's sign and the split mirrors for negatives.
        var (share, extra) = Math.DivRem(Minor, parts);
        var result = new Money[parts];
        for (var i = 0; i < parts; i++)
            result[i] = new(i < Math.Abs(extra) ? share + Math.Sign(extra) : share, Currency);
        return result;
    }

    /// <summary>
    /// This amount × <paramref name="numerator"/> / <paramref name="denominator"/>, e.g. the part of a period's
    /// price for the part of the period used, rounded to the nearest minor unit with ties to even (banker's
    /// rounding), so that rounding errors over many prorations do not drift in one direction.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative numerator or non-positive denominator.</exception>
    /// <exception cref="OverflowException">The result does not fit in a <see cref="long"/>.</exception>
    public Money Prorate(long numerator, long denominator)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(numerator);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(denominator);
        var (quotient, remainder) = Int128.DivRem((Int128)Minor * numerator, denominator);
        var twiceRemainder = Int128.Abs(remainder) * 2;
        if (twiceRemainder > denominator || (twiceRemainder == denominator && !Int128.IsEvenInteger(quotient)))
            quotient += Int128.Sign(remainder);
        return this with { Minor = checked((long)quotient) };
    }
}
