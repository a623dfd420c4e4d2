using System.Globalization;
using NodaTime;

namespace Paydesk.Core.Tests;

/// <summary>Examples with expected wall times and offsets written out by hand from the published DST rules:
/// Europe/Bucharest springs forward 03:00→04:00 on 2025-03-30 and falls back 04:00→03:00 on 2025-10-26;
/// America/New_York springs forward 02:00→03:00 on 2025-03-09 and falls back 02:00→01:00 on 2025-11-02.</summary>
public class BillingScheduleTests
{
    private static readonly BillingInterval Hourly = new(IntervalUnit.Hour, 1);
    private static readonly BillingInterval Daily = new(IntervalUnit.Day, 1);
    private static readonly BillingInterval Monthly = new(IntervalUnit.Month, 1);
    private static readonly BillingInterval Yearly = new(IntervalUnit.Year, 1);

    private static Instant At(string isoWithOffset) =>
        Instant.FromDateTimeOffset(DateTimeOffset.Parse(isoWithOffset, CultureInfo.InvariantCulture));

    private static Instant[] Boundaries(BillingInterval interval, string zoneId, string anchor, int count) =>
        [.. Enumerable.Range(0, count).Select(n => interval.Boundary(At(anchor), Zones.Get(zoneId), n))];

    [Fact]
    public void Monthly_from_the_31st_falls_on_month_ends_and_comes_back()
    {
        Assert.Equal(
            [
                At("2025-01-31T10:00+02:00"),
                At("2025-02-28T10:00+02:00"),
                At("2025-03-31T10:00+03:00"),
                At("2025-04-30T10:00+03:00"),
                At("2025-05-31T10:00+03:00"),
            ],
            Boundaries(Monthly, "Europe/Bucharest", "2025-01-31T10:00+02:00", 5));
    }

    [Fact]
    public void Monthly_from_January_31st_of_a_leap_year_falls_on_February_29th() =>
        Assert.Equal(At("2024-02-29T12:00Z"), Monthly.Boundary(At("2024-01-31T12:00Z"), Zones.Get("UTC"), 1));

    [Fact]
    public void Quarterly_steps_are_counted_from_the_anchor_not_the_previous_boundary() =>
        Assert.Equal(
            [At("2024-11-30T08:00Z"), At("2025-02-28T08:00Z"), At("2025-05-30T08:00Z"), At("2025-08-30T08:00Z")],
            Boundaries(new BillingInterval(IntervalUnit.Month, 3), "UTC", "2024-11-30T08:00Z", 4));

    [Fact]
    public void Yearly_from_February_29th_uses_February_28th_in_common_years() =>
        Assert.Equal(
            [
                At("2024-02-29T00:00Z"),
                At("2025-02-28T00:00Z"),
                At("2026-02-28T00:00Z"),
                At("2027-02-28T00:00Z"),
                At("2028-02-29T00:00Z"),
            ],
            Boundaries(Yearly, "UTC", "2024-02-29T00:00Z", 5));

    [Fact]
    public void Calendar_steps_follow_the_local_date_in_the_billing_zone()
    {
        var anchor = At("2025-03-31T00:30+03:00"); // still March 30th in UTC

        Assert.Equal(At("2025-04-30T00:30+03:00"), Monthly.Boundary(anchor, Zones.Get("Europe/Bucharest"), 1));
        Assert.Equal(At("2025-04-30T21:30Z"), Monthly.Boundary(anchor, Zones.Get("UTC"), 1));
    }

    [Theory]
    [InlineData("Europe/Bucharest", "2025-03-29T09:00+02:00", "2025-03-30T09:00+03:00", 23)]
    [InlineData("Europe/Bucharest", "2025-10-25T09:00+03:00", "2025-10-26T09:00+02:00", 25)]
    [InlineData("America/New_York", "2025-03-08T09:00-05:00", "2025-03-09T09:00-04:00", 23)]
    [InlineData("America/New_York", "2025-11-01T09:00-04:00", "2025-11-02T09:00-05:00", 25)]
    public void Daily_keeps_the_local_time_across_a_DST_change(string zone, string anchor, string expected, int hours)
    {
        var next = Daily.Boundary(At(anchor), Zones.Get(zone), 1);

        Assert.Equal(At(expected), next);
        Assert.Equal(Duration.FromHours(hours), next - At(anchor));
    }

    [Theory]
    [InlineData("America/New_York", "2025-03-08T02:30-05:00", "2025-03-09T03:30-04:00", "2025-03-10T02:30-04:00")]
    [InlineData("Europe/Bucharest", "2025-03-29T03:30+02:00", "2025-03-30T04:30+03:00", "2025-03-31T03:30+03:00")]
    public void A_local_time_in_a_spring_forward_gap_is_shifted_forward_by_the_gap(
        string zone, string anchor, string onGapDay, string dayAfter) =>
        Assert.Equal([At(anchor), At(onGapDay), At(dayAfter)], Boundaries(Daily, zone, anchor, 3));

    [Fact]
    public void Monthly_onto_a_gap_is_shifted_forward_too() =>
        Assert.Equal(At("2025-03-09T03:30-04:00"), Monthly.Boundary(At("2025-02-09T02:30-05:00"), Zones.Get("America/New_York"), 1));

    [Theory]
    [InlineData("America/New_York", "2025-11-01T01:30-04:00", "2025-11-02T01:30-04:00", "2025-11-03T01:30-05:00")]
    [InlineData("Europe/Bucharest", "2025-10-25T03:30+03:00", "2025-10-26T03:30+03:00", "2025-10-27T03:30+02:00")]
    public void A_repeated_local_time_in_a_fall_back_overlap_takes_the_earlier_instant(
        string zone, string anchor, string onOverlapDay, string dayAfter) =>
        Assert.Equal([At(anchor), At(onOverlapDay), At(dayAfter)], Boundaries(Daily, zone, anchor, 3));

    [Fact]
    public void An_anchor_in_the_later_half_of_an_overlap_is_its_own_first_boundary()
    {
        var zone = Zones.Get("America/New_York");
        var anchor = At("2025-11-02T01:30-05:00");

        Assert.Equal(anchor, Daily.Boundary(anchor, zone, 0));
        Assert.Equal(At("2025-11-03T01:30-05:00"), Daily.Boundary(anchor, zone, 1));
        Assert.Equal(anchor, Daily.Next(anchor, zone, anchor - Duration.FromSeconds(1)));
    }

    [Fact]
    public void Hourly_across_spring_forward_is_one_elapsed_hour_per_step()
    {
        var zone = Zones.Get("America/New_York");
        var boundaries = Boundaries(Hourly, "America/New_York", "2025-03-09T00:00-05:00", 5);

        Assert.All(boundaries.Zip(boundaries.Skip(1)), pair => Assert.Equal(Duration.FromHours(1), pair.Second - pair.First));
        Assert.Equal(
            [new LocalTime(0, 0), new LocalTime(1, 0), new LocalTime(3, 0), new LocalTime(4, 0), new LocalTime(5, 0)],
            boundaries.Select(b => b.InZone(zone).TimeOfDay));
    }

    [Fact]
    public void Hourly_across_fall_back_repeats_the_local_hour() =>
        Assert.Equal(
            [At("2025-11-02T00:00-04:00"), At("2025-11-02T01:00-04:00"), At("2025-11-02T01:00-05:00"), At("2025-11-02T02:00-05:00")],
            Boundaries(Hourly, "America/New_York", "2025-11-02T00:00-04:00", 4));

    [Fact]
    public void Minute_intervals_step_in_elapsed_minutes() =>
        Assert.Equal(
            [At("2025-03-30T00:50Z"), At("2025-03-30T01:05Z"), At("2025-03-30T01:20Z")],
            Boundaries(new BillingInterval(IntervalUnit.Minute, 15), "Europe/Bucharest", "2025-03-30T00:50Z", 3));

    [Fact]
    public void Weekly_keeps_the_weekday_and_local_time() =>
        Assert.Equal(
            [At("2025-03-25T09:00+02:00"), At("2025-04-01T09:00+03:00"), At("2025-04-08T09:00+03:00")],
            Boundaries(new BillingInterval(IntervalUnit.Week, 1), "Europe/Bucharest", "2025-03-25T09:00+02:00", 3));

    [Theory]
    [InlineData("2025-01-01T00:00Z", "2025-01-31T10:00Z")]           // before the anchor: the anchor itself
    [InlineData("2025-01-31T09:59:59Z", "2025-01-31T10:00Z")]
    [InlineData("2025-01-31T10:00Z", "2025-02-28T10:00Z")]           // strictly after: not the anchor
    [InlineData("2025-02-28T09:59Z", "2025-02-28T10:00Z")]
    [InlineData("2025-02-28T10:00Z", "2025-03-31T10:00Z")]
    [InlineData("2030-06-15T00:00Z", "2030-06-30T10:00Z")]
    [InlineData("2030-06-30T10:00:01Z", "2030-07-31T10:00Z")]
    public void Next_is_the_first_boundary_strictly_after(string after, string expected) =>
        Assert.Equal(At(expected), Monthly.Next(At("2025-01-31T10:00Z"), Zones.Get("UTC"), At(after)));

    [Fact]
    public void DateTimeOffset_overloads_return_utc()
    {
        var zone = Zones.Get("Europe/Bucharest");
        var anchor = DateTimeOffset.Parse("2025-01-31T10:00+02:00", CultureInfo.InvariantCulture);

        var boundary = Monthly.Boundary(anchor, zone, 1);
        var next = Monthly.Next(anchor, zone, anchor);

        Assert.Equal(DateTimeOffset.Parse("2025-02-28T08:00Z", CultureInfo.InvariantCulture), boundary);
        Assert.Equal(TimeSpan.Zero, boundary.Offset);
        Assert.Equal(boundary, next);
        Assert.Equal(TimeSpan.Zero, next.Offset);
    }

    [Fact]
    public void A_negative_boundary_index_is_rejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Monthly.Boundary(At("2025-01-31T10:00Z"), Zones.Get("UTC"), -1));
}
