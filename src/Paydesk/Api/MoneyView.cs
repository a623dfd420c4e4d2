using Paydesk.Core;

namespace Paydesk.Api;

/// <summary>Money as the API writes it: whole minor units, the currency, and a display string.</summary>
public sealed record MoneyView(long Amount, string Currency, string Display)
{
    public static MoneyView From(Money money) => new(money.Minor, money.Currency.Code, money.ToString());
    public static MoneyView From(long minor, string currency) => From(new Money(minor, Core.Currency.Parse(currency)));
}

/// <summary>Money as a request spells it: <c>{ "amount": 150000, "currency": "RON" }</c> is 1,500.00 RON.</summary>
public sealed record MoneyInput(long? Amount, string? Currency);

public static class MoneyValidation
{
    /// <summary>Reads a price; when <paramref name="currency"/> is known already, the price must be in it.</summary>
    public static Money? Price(this FieldErrors errors, string field, MoneyInput? input, Currency? currency = null, bool required = true)
    {
        if (input is null)
        {
            if (required) errors.Add(field, "is required.");
            return null;
        }
        var amount = errors.MinorUnits($"{field}.amount", input.Amount);
        var code = errors.Currency($"{field}.currency", input.Currency);
        if (currency is not null && code is not null && code != currency)
        {
            errors.Add($"{field}.currency", $"must be {currency.Code}, like the rest of this item.");
            return null;
        }
        return code is null ? null : new Money(amount, code);
    }
}
