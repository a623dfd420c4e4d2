namespace Paydesk.Core.Tests;

public class CurrencyTests
{
    [Theory]
    [InlineData("RUB", 2)]
    [InlineData("USD", 2)]
    [InlineData("EUR", 2)]
    [InlineData("RON", 2)]
    [InlineData("GBP", 2)]
    [InlineData("CHF", 2)]
    [InlineData("PLN", 2)]
    [InlineData("UAH", 2)]
    [InlineData("KZT", 2)]
    [InlineData("BYN", 2)]
    [InlineData("CNY", 2)]
    [InlineData("INR", 2)]
    [InlineData("TRY", 2)]
    [InlineData("SEK", 2)]
    [InlineData("NOK", 2)]
    [InlineData("DKK", 2)]
    [InlineData("CZK", 2)]
    [InlineData("HUF", 2)]
    [InlineData("CAD", 2)]
    [InlineData("AUD", 2)]
    [InlineData("BRL", 2)]
    [InlineData("MXN", 2)]
    [InlineData("ILS", 2)]
    [InlineData("AED", 2)]
    [InlineData("JPY", 0)]
    [InlineData("KRW", 0)]
    [InlineData("VND", 0)]
    [InlineData("CLP", 0)]
    [InlineData("ISK", 0)]
    [InlineData("KWD", 3)]
    [InlineData("BHD", 3)]
    [InlineData("OMR", 3)]
    [InlineData("JOD", 3)]
    [InlineData("TND", 3)]
    [InlineData("LYD", 3)]
    [InlineData("IQD", 3)]
    [InlineData("XTR", 0)]
    public void Known_currencies_have_their_minor_unit_digits(string code, int exponent)
    {
        Assert.True(Currency.TryParse(code, out var currency));
        Assert.Equal(code, currency.Code);
        Assert.Equal(exponent, currency.Exponent);
        Assert.Same(currency, Currency.Parse(code));
        Assert.Contains(currency, Currency.All);
    }

    [Fact]
    public void Shortcuts_are_the_registry_entries()
    {
        Assert.Same(Currency.Parse("RUB"), Currency.RUB);
        Assert.Same(Currency.Parse("USD"), Currency.USD);
        Assert.Same(Currency.Parse("RON"), Currency.RON);
        Assert.Same(Currency.Parse("EUR"), Currency.EUR);
        Assert.Same(Currency.Parse("JPY"), Currency.JPY);
        Assert.Same(Currency.Parse("KWD"), Currency.KWD);
        Assert.Same(Currency.Parse("XTR"), Currency.XTR);
    }

    [Fact]
    public void Registry_codes_are_unique_upper_case_iso_codes()
    {
        Assert.All(Currency.All, c => Assert.Matches("^[A-Z]{3}$", c.Code));
        Assert.Equal(Currency.All.Count, Currency.All.Select(c => c.Code).Distinct().Count());
        Assert.Throws<NotSupportedException>(() => ((IList<Currency>)Currency.All)[0] = Currency.USD);
    }

    [Theory]
    [InlineData("rub")]
    [InlineData("Usd")]
    [InlineData("ZZZ")]
    [InlineData("XXX")]
    [InlineData("")]
    [InlineData(" RUB")]
    [InlineData("RUB ")]
    [InlineData("RUBX")]
    [InlineData("RU")]
    [InlineData(null)]
    public void Unknown_or_malformed_codes_are_rejected(string? code)
    {
        Assert.False(Currency.TryParse(code, out var currency));
        Assert.Null(currency);
        Assert.Throws<ArgumentException>(() => Currency.Parse(code!));
    }
}
