using System.Globalization;
using Paydesk.Payments;

namespace Paydesk.Web;

/// <summary>A saved card as people read it: "Visa •••• 0777, 12/30".</summary>
internal static class CardText
{
    public static string Of(SavedMethod m, Func<int, int, string> expires) => string.Join(" ", new[]
    {
        m.Brand is { Length: > 0 } brand ? char.ToUpperInvariant(brand[0]) + brand[1..] : null,
        m.Last4 is { } last ? $"•••• {last}" : null,
        m.ExpMonth is { } month && m.ExpYear is { } year ? expires(month, year) : null,
    }.OfType<string>());

    /// <summary>The expiry as cards print it: month and two-digit year.</summary>
    public static string Expiry(int month, int year) => $"{month.ToString("00", CultureInfo.InvariantCulture)}/{(year % 100).ToString("00", CultureInfo.InvariantCulture)}";
}
