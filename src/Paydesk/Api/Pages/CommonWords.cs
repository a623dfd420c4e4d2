using System.Globalization;
using Paydesk.Core;

namespace Paydesk.Api.Pages;

/// <summary>The words every page's frame shares.</summary>
public sealed class CommonWords
{
    public required string SkipToContent { get; init; }
    public required string Language { get; init; }
    public required string NotFound { get; init; }
    public required string NotFoundText { get; init; }
    /// <summary>The forms of each unit: one, few, many (<see cref="Plural"/>).</summary>
    public required IReadOnlyDictionary<IntervalUnit, (string One, string Few, string Many)> Units { get; init; }
    /// <summary>"per month" (one unit); "every 3 months" takes the period.</summary>
    public required IReadOnlyDictionary<IntervalUnit, string> PerUnit { get; init; }
    public required Func<string, string> Every { get; init; }

    /// <summary>"3 months", "3 месяца", "3 luni".</summary>
    public string Period(IntervalUnit unit, long count, CultureInfo culture)
    {
        var (one, few, many) = Units[unit];
        return Plural.Count(count, culture, one, few, many);
    }

    /// <summary>"per month", "every 3 months": how often a recurring price is charged.</summary>
    public string Recurring(IntervalUnit unit, long count, CultureInfo culture) =>
        count == 1 ? PerUnit[unit] : Every(Period(unit, count, culture));

    public static readonly Localized<CommonWords> All = new(
        en: new()
        {
            SkipToContent = "Skip to content",
            Language = "Language",
            NotFound = "Page not found",
            NotFoundText = "There is nothing here, or the link has expired.",
            Units = new Dictionary<IntervalUnit, (string, string, string)>
            {
                [IntervalUnit.Minute] = ("minute", "minutes", "minutes"), [IntervalUnit.Hour] = ("hour", "hours", "hours"),
                [IntervalUnit.Day] = ("day", "days", "days"), [IntervalUnit.Week] = ("week", "weeks", "weeks"),
                [IntervalUnit.Month] = ("month", "months", "months"), [IntervalUnit.Year] = ("year", "years", "years"),
            },
            PerUnit = new Dictionary<IntervalUnit, string>
            {
                [IntervalUnit.Minute] = "per minute", [IntervalUnit.Hour] = "per hour", [IntervalUnit.Day] = "per day",
                [IntervalUnit.Week] = "per week", [IntervalUnit.Month] = "per month", [IntervalUnit.Year] = "per year",
            },
            Every = period => $"every {period}",
        },
        ru: new()
        {
            SkipToContent = "Перейти к содержимому",
            Language = "Язык",
            NotFound = "Страница не найдена",
            NotFoundText = "Здесь ничего нет, или срок действия ссылки истёк.",
            Units = new Dictionary<IntervalUnit, (string, string, string)>
            {
                [IntervalUnit.Minute] = ("минута", "минуты", "минут"), [IntervalUnit.Hour] = ("час", "часа", "часов"),
                [IntervalUnit.Day] = ("день", "дня", "дней"), [IntervalUnit.Week] = ("неделя", "недели", "недель"),
                [IntervalUnit.Month] = ("месяц", "месяца", "месяцев"), [IntervalUnit.Year] = ("год", "года", "лет"),
            },
            PerUnit = new Dictionary<IntervalUnit, string>
            {
                [IntervalUnit.Minute] = "в минуту", [IntervalUnit.Hour] = "в час", [IntervalUnit.Day] = "в день",
                [IntervalUnit.Week] = "в неделю", [IntervalUnit.Month] = "в месяц", [IntervalUnit.Year] = "в год",
            },
            Every = period => $"каждые {period}",
        },
        ro: new()
        {
            SkipToContent = "Salt la conținut",
            Language = "Limba",
            NotFound = "Pagina nu a fost găsită",
            NotFoundText = "Aici nu este nimic sau linkul a expirat.",
            Units = new Dictionary<IntervalUnit, (string, string, string)>
            {
                [IntervalUnit.Minute] = ("minut", "minute", "de minute"), [IntervalUnit.Hour] = ("oră", "ore", "de ore"),
                [IntervalUnit.Day] = ("zi", "zile", "de zile"), [IntervalUnit.Week] = ("săptămână", "săptămâni", "de săptămâni"),
                [IntervalUnit.Month] = ("lună", "luni", "de luni"), [IntervalUnit.Year] = ("an", "ani", "de ani"),
            },
            PerUnit = new Dictionary<IntervalUnit, string>
            {
                [IntervalUnit.Minute] = "pe minut", [IntervalUnit.Hour] = "pe oră", [IntervalUnit.Day] = "pe zi",
                [IntervalUnit.Week] = "pe săptămână", [IntervalUnit.Month] = "pe lună", [IntervalUnit.Year] = "pe an",
            },
            Every = period => $"la fiecare {period}",
        });
}
