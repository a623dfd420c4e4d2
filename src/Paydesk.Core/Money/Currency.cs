using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Paydesk.Core;

/// <summary>
/// A currency the service can bill in: its ISO 4217 code and how many minor-unit digits it has.
/// Telegram Stars (<c>XTR</c>) is included; it follows the ISO convention of X-codes for non-national units.
/// </summary>
/// <remarks>
/// Instances exist only in the registry (<see cref="All"/>), so two currencies are equal exactly when they are
/// the same instance, and an unknown code can never reach a <see cref="Money"/>.
/// </remarks>
public sealed class Currency
{
    private Currency(string code, int exponent)
    {
        Code = code;
        Exponent = exponent;
        MinorPerMajor = 1;
        for (var i = 0; i < exponent; i++)
            MinorPerMajor *= 10;
    }

    /// <summary>The upper-case three-letter ISO 4217 code, e.g. <c>RON</c>.</summary>
    public string Code { get; }

    /// <summary>Digits after the decimal point: 2 for RON (bani), 0 for JPY, 3 for KWD (fils).</summary>
    public int Exponent { get; }

    /// <summary>10^<see cref="Exponent"/>: how many minor units make one major unit.</summary>
    internal long MinorPerMajor { get; }

    public static Currency RUB { get; } = new("RUB", 2);
    public static Currency USD { get; } = new("USD", 2);
    public static Currency EUR { get; } = new("EUR", 2);
    public static Currency RON { get; } = new("RON", 2);
    public static Currency GBP { get; } = new("GBP", 2);
    public static Currency JPY { get; } = new("JPY", 0);
    public static Currency KWD { get; } = new("KWD", 3);
    public static Currency XTR { get; } = new("XTR", 0);

    /// <summary>Every known currency.</summary>
    public static IReadOnlyList<Currency> All { get; } = Array.AsReadOnly<Currency>(
    [
        RUB, USD, EUR, RON, GBP, JPY, KWD, XTR,
        .. WithExponent(2, "CHF", "PLN", "UAH", "KZT", "BYN", "CNY", "INR", "TRY", "SEK", "NOK", "DKK", "CZK",
            "HUF", "CAD", "AUD", "BRL", "MXN", "ILS", "AED"),
        .. WithExponent(0, "KRW", "VND", "CLP", "ISK"),
        .. WithExponent(3, "BHD", "OMR", "JOD", "TND", "LYD", "IQD"),
    ]);

    // Built from All, so a duplicated code fails at type initialisation instead of shadowing an entry.
    private static readonly FrozenDictionary<string, Currency> ByCode =
        All.ToFrozenDictionary(currency => currency.Code, StringComparer.Ordinal);

    /// <summary>Finds a currency by its exact upper-case code; <c>"rub"</c>, <c>" RUB"</c> and unknown codes fail.</summary>
    public static bool TryParse([NotNullWhen(true)] string? code, [NotNullWhen(true)] out Currency? currency)
    {
        currency = code is null ? null : ByCode.GetValueOrDefault(code);
        return currency is not null;
    }

    /// <summary>Like <see cref="TryParse"/>, but throws <see cref="ArgumentException"/> for an unknown code.</summary>
    public static Currency Parse(string code) =>
        TryParse(code, out var currency)
            ? currency
            : throw new ArgumentException($"'{code}' is not a known upper-case ISO 4217 currency code.", nameof(code));

    public override string ToString() => Code;

    private static IEnumerable<Currency> WithExponent(int exponent, params string[] codes) =>
        codes.Select(code => new Currency(code, exponent));
}
