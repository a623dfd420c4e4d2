using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Paydesk.Web.SignIn;

/// <summary>
/// The links sign-in sends by email: a password reset for a user, a sign-in for a customer. Each
/// is sealed with the key ring (it cannot be made or changed without it), names what it is for,
/// and expires after <see cref="Lifetime"/> by <see cref="TimeProvider"/>. A reset link also holds
/// the user's security stamp, so it is void once the password changes — used once, or not at all.
/// </summary>
public sealed class SignInTokens(IDataProtectionProvider protection, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);
    private readonly IDataProtector _protector = protection.CreateProtector("Paydesk.Web.SignIn");

    public string ForReset(string userId, string stamp) => Seal("reset", userId, stamp);

    public string ForCustomer(string tenantId, string customerId) => Seal("customer", tenantId, customerId);

    /// <summary>The user id and stamp of a reset link still in time; null otherwise.</summary>
    public (string UserId, string Stamp)? OpenReset(string? token) => Open("reset", token);

    /// <summary>The tenant and customer of a sign-in link still in time; null otherwise.</summary>
    public (string TenantId, string CustomerId)? OpenCustomer(string? token) => Open("customer", token);

    private string Seal(string kind, string first, string second)
    {
        var expires = time.GetUtcNow().Add(Lifetime).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return _protector.Protect(string.Join('\n', kind, first, second, expires));
    }

    private (string, string)? Open(string kind, string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 2048) return null;
        string text;
        try
        {
            text = _protector.Unprotect(token);
        }
        catch (CryptographicException)
        {
            return null;
        }
        var parts = text.Split('\n');
        if (parts.Length != 4 || parts[0] != kind || !long.TryParse(parts[3], CultureInfo.InvariantCulture, out var expires)) return null;
        return time.GetUtcNow().ToUnixTimeSeconds() < expires ? (parts[1], parts[2]) : null;
    }
}
