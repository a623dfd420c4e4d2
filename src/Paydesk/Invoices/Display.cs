using System.Globalization;
using NodaTime;
using Paydesk.Core;

namespace Paydesk.Invoices;

/// <summary>
/// Money and dates as a person reads them: in their locale, on their calendar. What the invoice
/// page and the customer's emails show; the API keeps its invariant forms.
/// </summary>
internal static class Display
{
    /// <summary>The zone of an IANA id, else the fallback's, else UTC.</summary>
    public static DateTimeZone Zone(string? ianaId, string? fallback = null) =>
        Zones.TryGet(ianaId, out var zone) ? zone : Zones.TryGet(fallback, out var other) ? other : DateTimeZone.Utc;

    /// <summary><c>1,500.00 RON</c> in English, <c>1.500,00 RON</c> in Romanian; always the currency's own number of decimals.</summary>
    public static string Amount(Money money, CultureInfo culture) =>
        money.ToMajor().ToString("N" + money.Currency.Exponent.ToString(CultureInfo.InvariantCulture), culture) + " " + money.Currency.Code;

    public static string Amount(long minor, string currency, CultureInfo culture) => Amount(new Money(minor, Currency.Parse(currency)), culture);

    /// <summary>The day <paramref name="at"/> falls on in <paramref name="zone"/>, in the culture's long form (<c>Thursday, December 10, 2026</c>).</summary>
    public static string Date(DateTimeOffset at, DateTimeZone zone, CultureInfo culture) =>
        Instant.FromDateTimeOffset(at).InZone(zone).Date.ToDateTimeUnspecified().ToString("D", culture);

    /// <summary>The day and minute <paramref name="at"/> is in <paramref name="zone"/>, in the culture's short form (<c>12/4/2026 3:05 PM</c>).</summary>
    public static string Time(DateTimeOffset at, DateTimeZone zone, CultureInfo culture) =>
        Instant.FromDateTimeOffset(at).InZone(zone).ToDateTimeOffset().ToString("g", culture);
}
