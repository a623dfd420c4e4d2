using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;

namespace Paydesk.Core.Tests;

public class BillingScheduleProperties
{
    private static readonly Arbitrary<ZonedDateTime> Anchors = ScheduleGen.Anchor.ToArbitrary();
    private static readonly Arbitrary<int> Counts = ScheduleGen.Count.ToArbitrary();

    /// <summary>An interval count and a boundary index in 0..600.</summary>
    private static readonly Arbitrary<(int Count, int N)> Steps =
        (from count in ScheduleGen.Count from n in Gen.Choose(0, 600) select (count, n)).ToArbitrary();

    [Property(MaxTest = 1000)]
    public Property Monthly_boundaries_keep_the_anchor_day_or_the_last_day_of_a_shorter_month() =>
        Prop.ForAll(Anchors, Steps, (anchor, steps) =>
        {
            var (count, n) = steps;
            var boundary = new BillingInterval(IntervalUnit.Month, count).Boundary(anchor.ToInstant(), anchor.Zone, n);

            var monthIndex = anchor.Year * 12 + (anchor.Month - 1) + n * count;
            var (year, month) = (monthIndex / 12, monthIndex % 12 + 1);
            var day = Math.Min(anchor.Day, DateTime.DaysInMonth(year, month));
            AssertAtLocal(anchor.Zone, new LocalDateTime(year, month, day, anchor.Hour, anchor.Minute), boundary);
        });

    [Property(MaxTest = 1000)]
    public Property Calendar_boundaries_match_the_bcl_calendar_from_the_anchor() =>
        Prop.ForAll(Anchors, Steps, Gen.Elements(IntervalUnit.Day, IntervalUnit.Week, IntervalUnit.Year).ToArbitrary(),
            (anchor, steps, unit) =>
            {
                var (count, n) = steps;
                var boundary = new BillingInterval(unit, count).Boundary(anchor.ToInstant(), anchor.Zone, n);

                // DateTime.AddYears also turns Feb 29 into Feb 28 in common years.
                var start = new DateTime(anchor.Year, anchor.Month, anchor.Day, anchor.Hour, anchor.Minute, 0);
                var expected = unit switch
                {
                    IntervalUnit.Day => start.AddDays(n * count),
                    IntervalUnit.Week => start.AddDays(7 * n * count),
                    _ => start.AddYears(n * count),
                };
                AssertAtLocal(anchor.Zone, LocalDateTime.FromDateTime(expected), boundary);
            });

    [Property(MaxTest = 500)]
    public Property Minute_and_hour_boundaries_are_elapsed_time_in_any_zone() =>
        Prop.ForAll(Anchors, Counts, Gen.Choose(0, 100_000).ToArbitrary(), (anchor, count, n) =>
        {
            var start = anchor.ToInstant();

            Assert.Equal(start + Duration.FromMinutes((long)n * count),
                new BillingInterval(IntervalUnit.Minute, count).Boundary(start, anchor.Zone, n));
            Assert.Equal(start + Duration.FromHours((long)n * count),
                new BillingInterval(IntervalUnit.Hour, count).Boundary(start, anchor.Zone, n));
        });

    [Property(MaxTest = 500)]
    public Property Next_is_the_first_boundary_strictly_after_the_given_instant() =>
        Prop.ForAll(Anchors, ScheduleGen.Interval.ToArbitrary(), Gen.Choose(-50, 2000).Zip(Gen.Choose(0, 59)).ToArbitrary(),
            (anchor, interval, offset) =>
            {
                var (twentieths, minute) = offset;
                var start = anchor.ToInstant();
                var nominal = interval.Unit switch
                {
                    IntervalUnit.Minute => Duration.FromMinutes(1),
                    IntervalUnit.Hour => Duration.FromHours(1),
                    IntervalUnit.Day => Duration.FromDays(1),
                    IntervalUnit.Week => Duration.FromDays(7),
                    IntervalUnit.Month => Duration.FromDays(30),
                    _ => Duration.FromDays(365),
                };
                var after = start + nominal * interval.Count * twentieths / 20 + Duration.FromMinutes(minute);

                // Reference: walk the boundaries one by one.
                var k = 0;
                while (interval.Boundary(start, anchor.Zone, k) <= after)
                    k++;

                Assert.Equal(interval.Boundary(start, anchor.Zone, k), interval.Next(start, anchor.Zone, after));
            });

    [Property(MaxTest = 500)]
    public Property Next_steps_from_a_boundary_to_the_following_one() =>
        Prop.ForAll(Anchors, ScheduleGen.Interval.ToArbitrary(), Gen.Choose(1, 300).ToArbitrary(), (anchor, interval, m) =>
        {
            var (start, zone) = (anchor.ToInstant(), anchor.Zone);
            var boundary = interval.Boundary(start, zone, m);

            Assert.Equal(interval.Boundary(start, zone, m + 1), interval.Next(start, zone, boundary));
            Assert.Equal(boundary, interval.Next(start, zone, boundary - Duration.Epsilon));
        });

    /// <summary>The boundary is at <paramref name="expected"/> local time, resolved the documented way:
    /// a skipped time is shifted forward by the gap, a repeated time takes its earlier instant.</summary>
    private static void AssertAtLocal(DateTimeZone zone, LocalDateTime expected, Instant boundary)
    {
        var mapping = zone.MapLocal(expected);
        var expectedInstant = mapping.Count switch
        {
            0 => expected.WithOffset(mapping.EarlyInterval.WallOffset).ToInstant(),
            _ => mapping.First().ToInstant(),
        };
        Assert.Equal(expectedInstant, boundary);
        if (mapping.Count > 0)
            Assert.Equal(expected, boundary.InZone(zone).LocalDateTime);
        else
            Assert.Equal(expected.PlusSeconds(mapping.LateInterval.WallOffset.Seconds - mapping.EarlyInterval.WallOffset.Seconds), boundary.InZone(zone).LocalDateTime);
    }
}
