using System.Security.Cryptography;
using System.Text;

namespace Paydesk.Payments.Robokassa;

/// <summary>The hash a Robokassa shop is set to sign with (in its cabinet); Paydesk offers the three its official SDK allows.</summary>
public enum RobokassaHash
{
    Md5,
    Sha256,
    Sha512,
}

/// <summary>
/// Robokassa's <c>SignatureValue</c>: a hash of fields joined with <c>:</c>, then the user
/// parameters (<c>Shp_*</c>) as <c>name=value</c>, sorted, after the password. The payment link is
/// signed with password #1 (<c>MerchantLogin:OutSum:InvId[:Receipt]:Password1</c>), the ResultURL
/// notification with password #2 (<c>OutSum:InvId:Password2</c>), <c>OpStateExt</c> with password #2
/// (<c>MerchantLogin:InvoiceID:Password2</c>). Hex, compared without regard to case.
/// </summary>
public static class RobokassaSignature
{
    public static string Compute(RobokassaHash hash, IEnumerable<string> fields, IEnumerable<KeyValuePair<string, string>>? userParameters = null)
    {
        var parts = fields.Concat((userParameters ?? []).Select(p => $"{p.Key}={p.Value}").Order(StringComparer.Ordinal));
        var bytes = Encoding.UTF8.GetBytes(string.Join(':', parts));
        var digest = hash switch
        {
            RobokassaHash.Md5 => MD5.HashData(bytes),
            RobokassaHash.Sha256 => SHA256.HashData(bytes),
            RobokassaHash.Sha512 => SHA512.HashData(bytes),
            _ => throw new ArgumentOutOfRangeException(nameof(hash), hash, null),
        };
        return Convert.ToHexStringLower(digest);
    }

    /// <summary>The payment link's signature, with password #1; <paramref name="receipt"/> URL-encoded as the form carries it.</summary>
    public static string Payment(RobokassaHash hash, string login, string outSum, string? invId, string? receipt, string password1,
        IEnumerable<KeyValuePair<string, string>>? userParameters = null) =>
        Compute(hash, receipt is null ? [login, outSum, invId ?? "", password1] : [login, outSum, invId ?? "", receipt, password1], userParameters);

    /// <summary>
    /// The ResultURL notification's signature, with password #2, over the values exactly as they were
    /// sent; the SuccessURL redirect is signed the same way with password #1.
    /// </summary>
    public static string Result(RobokassaHash hash, string outSum, string invId, string password2, IEnumerable<KeyValuePair<string, string>>? userParameters = null) =>
        Compute(hash, [outSum, invId, password2], userParameters);

    /// <summary>The signature of an <c>OpStateExt</c> request, with password #2.</summary>
    public static string OpState(RobokassaHash hash, string login, string invoiceId, string password2) => Compute(hash, [login, invoiceId, password2]);

    /// <summary>Whether <paramref name="given"/> is <paramref name="expected"/>, in any case, compared in constant time.</summary>
    public static bool Matches(string? given, string expected) =>
        given is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given.ToLowerInvariant()), Encoding.ASCII.GetBytes(expected));
}
