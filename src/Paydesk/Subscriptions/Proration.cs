namespace Paydesk.Subscriptions;

/// <summary>
/// What changing a period's price at a moment inside it costs, in whole minor units that add up
/// exactly: the old price splits into what was used (<see cref="OldUsed"/>) and what is credited
/// back (<see cref="Credit"/>), summing to the old price; the new price is charged for the rest of
/// the period (<see cref="Charge"/>); the customer owes <see cref="Due"/> = charge − credit. Shares
/// are counted by the tick and rounded half up.
/// </summary>
public sealed record Proration(long OldUsed, long Credit, long Charge)
{
    public long Due => Charge - Credit;

    public static Proration Of(long oldMinor, long newMinor, DateTimeOffset periodStarts, DateTimeOffset periodEnds, DateTimeOffset at)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(periodEnds, periodStarts);
        if (at < periodStarts || at > periodEnds) throw new ArgumentOutOfRangeException(nameof(at), "The change falls outside the period.");
        var whole = (periodEnds - periodStarts).Ticks;
        var used = (at - periodStarts).Ticks;
        var oldUsed = Share(oldMinor, used, whole);
        return new Proration(oldUsed, oldMinor - oldUsed, Share(newMinor, whole - used, whole));
    }

    /// <summary><paramref name="amount"/> × <paramref name="part"/> / <paramref name="whole"/>, half up, without overflow.</summary>
    public static long Share(long amount, long part, long whole) => (long)(((Int128)amount * part * 2 + whole) / (2 * (Int128)whole));
}
