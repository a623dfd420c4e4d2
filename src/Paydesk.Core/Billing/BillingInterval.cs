using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using NodaTime;
using NodaTime.TimeZones;

namespace Paydesk.Core;

/// <summary>How often a subscription renews: <see cref="Count"/> × <see cref="Unit"/>, e.g. <c>3 months</c>.</summary>
/// <remarks><c>default(BillingInterval)</c> has a count of zero and is not a valid interval.</remarks>
public readonly record struct BillingInterval(IntervalUnit Unit, int Count)
{
    // Indexed by IntervalUnit: the API spelling of each unit, used both to parse and to print.
    private static readonly string[] UnitNames = ["minute", "hour", "day", "week", "month", "year"];

    public IntervalUnit Unit { get; } = Enum.IsDefined(Unit)
        ? Unit
        : throw new ArgumentOutOfRangeException(nameof(Unit), Unit, "Unknown interval unit.");

    public int Count { get; } = Count >= 1
        ? Count
        : throw new ArgumentOutOfRangeException(nameof(Count), Count, "An interval count must be at least 1.");

    /// <summary>Validates API input: <paramref name="unit"/> is one of the lower-case names
    /// <c>minute</c>, <c>hour</c>, <c>day</c>, <c>week</c>, <c>month</c>, <c>year</c>, and <paramref name="count"/> is at least 1.</summary>
    public static bool TryCreate(
        string? unit, int count, out BillingInterval interval, [NotNullWhen(false)] out string? error)
    {
        interval = default;
        var index = unit is null ? -1 : Array.IndexOf(UnitNames, unit);
        if (index < 0)
        {
            error = $"Unknown interval unit '{unit}'; expected one of: {string.Join(", ", UnitNames)}.";
            return false;
        }
        if (count < 1)
        {
            error = $"Interval count must be at least 1, got {count}.";
            return false;
        }
        interval = new((IntervalUnit)index, count);
        error = null;
        return true;
    }

    /// <summary>The <paramref name="n"/>-th period boundary of a schedule that starts at <paramref name="anchor"/>;
    /// boundary 0 is the anchor itself.</summary>
    /// <remarks>
    /// <para>Minutes and hours are elapsed time: boundary n is exactly n × <see cref="Count"/> units after the
    /// anchor, whatever the zone, so an hourly schedule stays one hour apart across a DST change.</para>
    /// <para>Days, weeks, months and years are calendar steps on the anchor's local date-time in
    /// <paramref name="zone"/>, always counted from the anchor rather than from the previous boundary. A daily
    /// 09:00 schedule stays at 09:00 local (23 or 25 hours apart across DST); a monthly schedule anchored on the
    /// 31st falls on the last day of shorter months and returns to the 31st afterwards; Feb 29 yearly falls on
    /// Feb 28 in common years.</para>
    /// <para>The local result is mapped to an instant with NodaTime's <see cref="Resolvers.LenientResolver"/>:
    /// a local time skipped by a spring-forward gap is shifted forward by the length of the gap (02:30 on a day
    /// that jumps 02:00→03:00 becomes 03:30), and a local time repeated by a fall-back overlap takes the earlier
    /// of its two instants, the one still at the pre-transition offset.</para>
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is negative, or the boundary lies beyond
    /// the years NodaTime supports (up to 9999), which NodaTime may also report as <see cref="OverflowException"/>.</exception>
    public Instant Boundary(Instant anchor, DateTimeZone zone, int n)
    {
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        if (Count < 1)
            throw new InvalidOperationException("default(BillingInterval) is not an interval; use the constructor or TryCreate.");

        // Returned as is: re-resolving its local time could move an anchor taken in the later half of an overlap.
        if (n == 0)
            return anchor;

        var steps = (long)n * Count;
        if (Unit == IntervalUnit.Minute)
            return anchor + Duration.FromMinutes(steps);
        if (Unit == IntervalUnit.Hour)
            return anchor + Duration.FromHours(steps);

        var local = AddCalendarSteps(anchor.InZone(zone).LocalDateTime, checked((int)steps));
        return zone.ResolveLocal(local, Resolvers.LenientResolver).ToInstant();
    }

    /// <summary>The first boundary strictly after <paramref name="after"/>: the anchor itself if
    /// <paramref name="after"/> is before it. Boundaries follow the rules of <see cref="Boundary(Instant, DateTimeZone, int)"/>.</summary>
    public Instant Next(Instant anchor, DateTimeZone zone, Instant after)
    {
        if (after < anchor)
            return anchor;

        // Boundaries never decrease as n grows (even through DST resolution), so gallop to a boundary past
        // `after` and binary-search back: a few dozen steps even for a minute schedule years after its anchor.
        int notAfter = 0, pastAfter = 1;
        while (Boundary(anchor, zone, pastAfter) <= after)
        {
            notAfter = pastAfter;
            pastAfter = checked(pastAfter * 2);
        }
        while (pastAfter - notAfter > 1)
        {
            var middle = notAfter + (pastAfter - notAfter) / 2;
            if (Boundary(anchor, zone, middle) <= after)
                notAfter = middle;
            else
                pastAfter = middle;
        }
        return Boundary(anchor, zone, pastAfter);
    }

    /// <inheritdoc cref="Boundary(Instant, DateTimeZone, int)"/>
    /// <returns>The boundary in UTC (offset zero).</returns>
    public DateTimeOffset Boundary(DateTimeOffset anchor, DateTimeZone zone, int n) =>
        Boundary(Instant.FromDateTimeOffset(anchor), zone, n).ToDateTimeOffset();

    /// <inheritdoc cref="Next(Instant, DateTimeZone, Instant)"/>
    /// <returns>The boundary in UTC (offset zero).</returns>
    public DateTimeOffset Next(DateTimeOffset anchor, DateTimeZone zone, DateTimeOffset after) =>
        Next(Instant.FromDateTimeOffset(anchor), zone, Instant.FromDateTimeOffset(after)).ToDateTimeOffset();

    /// <summary>The API spelling: <c>1 month</c>, <c>3 months</c>.</summary>
    public override string ToString() =>
        Count == 1 ? $"1 {UnitNames[(int)Unit]}" : $"{Count} {UnitNames[(int)Unit]}s";

    private LocalDateTime AddCalendarSteps(LocalDateTime local, int steps) => Unit switch
    {
        IntervalUnit.Day => local.PlusDays(steps),
        IntervalUnit.Week => local.PlusWeeks(steps),
        // NodaTime clamps to the end of a shorter month: Jan 31 + 1 month = Feb 28 (29 in leap years).
        IntervalUnit.Month => local.PlusMonths(steps),
        IntervalUnit.Year => local.PlusYears(steps),
        _ => throw new UnreachableException(),
    };
}
