using Paydesk.Api;

namespace Paydesk.Customers;

/// <summary>Where something is shipped. The country is an ISO 3166-1 alpha-2 code (RO, RU, US).</summary>
public sealed record PostalAddress(string? Recipient, string Line1, string? Line2, string City, string? Region, string? PostalCode, string Country)
{
    /// <summary>The address as a label reads, one part a line.</summary>
    public IEnumerable<string> Lines() =>
        new[] { Recipient, Line1, Line2, string.Join(" ", new[] { PostalCode, City }.Where(p => !string.IsNullOrEmpty(p))), Region, Country }
            .Where(l => !string.IsNullOrWhiteSpace(l))!;

    /// <summary>The address a request gives under <paramref name="field"/>, every bad part named; null when none is given.</summary>
    public static PostalAddress? Read(FieldErrors errors, string field, AddressInput? input)
    {
        if (input is null) return null;
        var country = errors.Text($"{field}.country", input.Country, 2).ToUpperInvariant();
        if (country.Length > 0 && (country.Length != 2 || !country.All(char.IsAsciiLetterUpper)))
            errors.Add($"{field}.country", "must be an ISO 3166-1 alpha-2 country code, such as RO or US.");
        return new PostalAddress(
            errors.OptionalText($"{field}.recipient", input.Recipient, 200),
            errors.Text($"{field}.line1", input.Line1, 200),
            errors.OptionalText($"{field}.line2", input.Line2, 200),
            errors.Text($"{field}.city", input.City, 100),
            errors.OptionalText($"{field}.region", input.Region, 100),
            errors.OptionalText($"{field}.postalCode", input.PostalCode, 20),
            country);
    }
}

/// <summary>An address as a request spells it.</summary>
public sealed record AddressInput(string? Recipient, string? Line1, string? Line2, string? City, string? Region, string? PostalCode, string? Country);
