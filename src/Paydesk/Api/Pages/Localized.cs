using System.Globalization;

namespace Paydesk.Api.Pages;

/// <summary>
/// The languages Paydesk speaks — English, Russian and Romanian — and how one is picked. A page
/// or a message is in one of them, whole: its words from the catalog of that language, its
/// numbers, money and dates in the reader's culture.
/// </summary>
public static class Languages
{
    public static readonly string[] Codes = ["en", "ru", "ro"];

    /// <summary>The culture to write for: the reader's own when its language is one Paydesk speaks, else English.</summary>
    public static CultureInfo Culture(string? locale)
    {
        if (!string.IsNullOrWhiteSpace(locale))
        {
            try
            {
                var culture = CultureInfo.GetCultureInfo(locale.Trim());
                if (Codes.Contains(culture.TwoLetterISOLanguageName)) return culture;
            }
            catch (CultureNotFoundException)
            {
            }
        }
        return CultureInfo.GetCultureInfo("en");
    }

    /// <summary>The language's own name for itself, as a language switcher shows it.</summary>
    public static string NativeName(string code) => code switch
    {
        "ru" => "Русский",
        "ro" => "Română",
        _ => "English",
    };
}

/// <summary>
/// One catalog of words in each language. A catalog is a class with <c>required</c> properties, so
/// a language that lacks a word does not compile.
/// </summary>
public sealed class Localized<T>(T en, T ru, T ro) where T : class
{
    public T For(CultureInfo culture) => culture.TwoLetterISOLanguageName switch
    {
        "ru" => ru,
        "ro" => ro,
        _ => en,
    };
}

/// <summary>Counting words: "1 session, 2 sessions"; "1 сеанс, 2 сеанса, 5 сеансов"; "1 ședință, 2 ședințe, 20 de ședințe".</summary>
public static class Plural
{
    /// <param name="one">1 (English, Russian 21, 31…; Romanian 1)</param>
    /// <param name="few">Russian 2–4, 22–24…; Romanian 0, 2–19, 101–119…; English every other number</param>
    /// <param name="many">Russian 0, 5–20, 25–30…; Romanian 20 and up when not ending in 01–19 ("de")</param>
    /// <returns>The number in the culture's digits, and the form it takes.</returns>
    public static string Count(long n, CultureInfo culture, string one, string few, string many)
    {
        var number = n.ToString("N0", culture);
        var form = culture.TwoLetterISOLanguageName switch
        {
            "ru" => Russian(n, one, few, many),
            "ro" => Romanian(n, one, few, many),
            _ => n == 1 ? one : few,
        };
        return $"{number} {form}";
    }

    private static string Russian(long n, string one, string few, string many)
    {
        var tens = Math.Abs(n) % 100;
        var units = Math.Abs(n) % 10;
        if (tens is >= 11 and <= 14) return many;
        return units switch { 1 => one, >= 2 and <= 4 => few, _ => many };
    }

    private static string Romanian(long n, string one, string few, string many)
    {
        if (n == 1) return one;
        var rest = Math.Abs(n) % 100;
        return n == 0 || rest is >= 1 and <= 19 ? few : many;
    }
}
