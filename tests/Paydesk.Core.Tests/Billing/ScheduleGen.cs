using FsCheck;
using FsCheck.Fluent;
using NodaTime;

namespace Paydesk.Core.Tests;

internal static class ScheduleGen
{
    // Zones with the awkward cases: DST at 02:00, 03:00 and midnight, a 30-minute DST shift, a :45 offset.
    private static readonly string[] ZoneIds =
    [
        "UTC", "Europe/Bucharest", "America/New_York", "Europe/London", "Australia/Lord_Howe",
        "Pacific/Chatham", "America/Santiago", "Asia/Kolkata",
    ];

    /// <summary>An anchor instant with the zone it is billed in, biased towards month ends and early-morning
    /// hours where DST transitions happen.</summary>
    public static Gen<ZonedDateTime> Anchor { get; } =
        from zoneId in Gen.Elements(ZoneIds)
        from year in Gen.Choose(1950, 2150)
        from month in Gen.Choose(1, 12)
        from day in Gen.Frequency((1, Gen.Choose(1, 31)), (1, Gen.Choose(28, 31)))
        from hour in Gen.Frequency((1, Gen.Choose(0, 23)), (1, Gen.Choose(0, 4)))
        from minute in Gen.Elements(0, 15, 30, 45, 59)
        let local = new LocalDateTime(year, month, Math.Min(day, DateTime.DaysInMonth(year, month)), hour, minute)
        select local.InZoneLeniently(Zones.Get(zoneId));

    public static Gen<int> Count { get; } = Gen.Frequency((3, Gen.Constant(1)), (2, Gen.Choose(2, 12)));

    public static Gen<BillingInterval> Interval { get; } =
        from unit in Gen.Elements(Enum.GetValues<IntervalUnit>())
        from count in Count
        select new BillingInterval(unit, count);
}
