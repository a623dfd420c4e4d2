using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Paydesk.Payments.TBank;

/// <summary>
/// T-Bank's <c>Token</c>, which signs every request to the acquiring API and every notification
/// from it: the root-level scalar fields (nested objects and arrays such as <c>DATA</c> and
/// <c>Receipt</c> left out, and <c>Token</c> itself), plus <c>Password</c>, sorted by name, their
/// values concatenated (booleans as <c>true</c>/<c>false</c>), SHA-256 over UTF-8, lower-case hex.
/// </summary>
public static class TBankToken
{
    public const string Field = "Token";

    public static string Compute(JsonObject fields, string password)
    {
        var values = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["Password"] = password };
        foreach (var (name, node) in fields)
        {
            if (name == Field || node is not JsonValue value) continue;
            values[name] = Text(value);
        }
        var joined = string.Concat(values.Values);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(joined)));
    }

    /// <summary>Whether <paramref name="fields"/> carry the token <paramref name="password"/> gives them, compared in constant time.</summary>
    public static bool Verify(JsonObject fields, string password)
    {
        if (fields[Field] is not JsonValue token || token.GetValueKind() != JsonValueKind.String) return false;
        var expected = Encoding.ASCII.GetBytes(Compute(fields, password));
        var given = Encoding.UTF8.GetBytes(token.GetValue<string>().ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }

    /// <summary>A scalar as the token reads it: a string as it is, a number as written, a boolean in lower case.</summary>
    private static string Text(JsonValue value) => value.GetValueKind() switch
    {
        JsonValueKind.String => value.GetValue<string>(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "",
        _ => value.ToJsonString(),
    };
}
