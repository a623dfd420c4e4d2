namespace Paydesk.Core.Tests;

public class BillingIntervalTests
{
    [Theory]
    [InlineData("minute", 15, IntervalUnit.Minute, "15 minutes")]
    [InlineData("hour", 1, IntervalUnit.Hour, "1 hour")]
    [InlineData("day", 1, IntervalUnit.Day, "1 day")]
    [InlineData("week", 2, IntervalUnit.Week, "2 weeks")]
    [InlineData("month", 1, IntervalUnit.Month, "1 month")]
    [InlineData("month", 3, IntervalUnit.Month, "3 months")]
    [InlineData("year", 1, IntervalUnit.Year, "1 year")]
    public void TryCreate_accepts_lower_case_units(string unit, int count, IntervalUnit expectedUnit, string display)
    {
        Assert.True(BillingInterval.TryCreate(unit, count, out var interval, out var error));
        Assert.Null(error);
        Assert.Equal(new BillingInterval(expectedUnit, count), interval);
        Assert.Equal(display, interval.ToString());
    }

    [Theory]
    [InlineData("Month")]
    [InlineData("MONTH")]
    [InlineData("months")]
    [InlineData("fortnight")]
    [InlineData("4")]
    [InlineData(" day")]
    [InlineData("")]
    [InlineData(null)]
    public void TryCreate_rejects_unknown_units(string? unit)
    {
        Assert.False(BillingInterval.TryCreate(unit, 1, out var interval, out var error));
        Assert.Contains("unit", error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(default, interval);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void Counts_below_one_are_rejected(int count)
    {
        Assert.False(BillingInterval.TryCreate("month", count, out _, out var error));
        Assert.Contains("count", error, StringComparison.OrdinalIgnoreCase);
        Assert.Throws<ArgumentOutOfRangeException>(() => new BillingInterval(IntervalUnit.Month, count));
    }

    [Fact]
    public void Undefined_units_are_rejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new BillingInterval((IntervalUnit)42, 1));

    [Fact]
    public void The_default_interval_cannot_schedule()
    {
        var zone = Zones.Get("UTC");
        var anchor = NodaTime.Instant.FromUtc(2025, 1, 1, 0, 0);

        Assert.Throws<InvalidOperationException>(() => default(BillingInterval).Boundary(anchor, zone, 1));
        Assert.Throws<InvalidOperationException>(() => default(BillingInterval).Next(anchor, zone, anchor));
    }
}
