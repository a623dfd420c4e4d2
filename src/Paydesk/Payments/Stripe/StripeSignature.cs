using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Paydesk.Payments.Stripe;

/// <summary>
/// Stripe's webhook signature, which the Mock provider uses too: the header
/// <c>t=&lt;unix seconds&gt;,v1=&lt;hex&gt;[,v1=…]</c>, each <c>v1</c> an HMAC-SHA256 of
/// <c>"{t}.{raw body}"</c> under the endpoint's secret. A notification is taken when its
/// timestamp is within the tolerance (300 s) of now and any <c>v1</c> matches, compared in
/// constant time; without a secret nothing is taken.
/// </summary>
public static class StripeSignature
{
    public const string Header = "Stripe-Signature";

    public static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(300);

    public static byte[] Sign(string secret, long timestamp, string rawBody) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp.ToString(CultureInfo.InvariantCulture)}.{rawBody}"));

    /// <summary>The header a sender puts on <paramref name="rawBody"/> signed at <paramref name="timestamp"/>.</summary>
    public static string HeaderValue(string secret, long timestamp, string rawBody) =>
        $"t={timestamp.ToString(CultureInfo.InvariantCulture)},v1={Convert.ToHexStringLower(Sign(secret, timestamp, rawBody))}";

    /// <summary>
    /// Null when <paramref name="header"/> signs <paramref name="rawBody"/>; else why not. The
    /// secret is asked for only once the header's form and age have passed, so it is opened only
    /// for the comparison.
    /// </summary>
    public static string? Refusal(string header, string rawBody, Func<string?> secret, DateTimeOffset now)
    {
        long? timestamp = null;
        var signatures = new List<byte[]>();
        foreach (var part in header.Split(','))
        {
            var pair = part.Split('=', 2);
            if (pair.Length != 2) continue;
            if (pair[0] == "t" && long.TryParse(pair[1], NumberStyles.None, CultureInfo.InvariantCulture, out var t)) timestamp = t;
            if (pair[0] == "v1" && pair[1].Length == 64)
            {
                try { signatures.Add(Convert.FromHexString(pair[1])); } catch (FormatException) { }
            }
        }
        if (timestamp is null || signatures.Count == 0) return "the signature header has no timestamp or no v1 signature";
        // In whole seconds: a timestamp past the year 9999 is no date, only too far ahead.
        var age = now.ToUnixTimeSeconds() - timestamp.Value;
        if (Math.Abs(age) > Tolerance.TotalSeconds) return $"the timestamp is {(age > 0 ? "stale" : "in the future")} by {Math.Abs(age)} s";

        var key = secret();
        if (string.IsNullOrEmpty(key)) return "the account has no webhook secret; notifications are refused until one is set";
        var expected = Sign(key, timestamp.Value, rawBody);
        return signatures.Any(s => CryptographicOperations.FixedTimeEquals(s, expected)) ? null : "no v1 signature matches";
    }
}
