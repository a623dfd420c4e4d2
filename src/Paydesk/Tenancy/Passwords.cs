using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;

namespace Paydesk.Tenancy;

/// <summary>
/// Staff passwords: hashed with ASP.NET Core Identity's hasher (PBKDF2-HMAC-SHA512, 100,000
/// iterations, a random salt per hash), never stored or logged in clear.
/// </summary>
public static class Passwords
{
    public const int MinLength = 10;

    /// <summary>
    /// The demo accounts' password. Like the demo API keys it works only in Development: anywhere
    /// else sign-in refuses it, so a database seeded for a demo cannot be entered with it.
    /// </summary>
    public const string Demo = "paydesk-demo";
    public const int MaxLength = 200;
    private static readonly PasswordHasher<User> Hasher = new();

    /// <summary>Why <paramref name="password"/> cannot be used, or null when it can.</summary>
    public static string? Weakness(string? password) => password switch
    {
        null or "" => "Enter a password.",
        { Length: < MinLength } => $"Use at least {MinLength} characters.",
        { Length: > MaxLength } => $"Use at most {MaxLength} characters.",
        _ => null,
    };

    /// <summary>Sets the password and voids every reset link made before.</summary>
    public static void Set(User user, string password)
    {
        user.PasswordHash = Hasher.HashPassword(user, password);
        user.SecurityStamp = NewStamp();
    }

    /// <summary>Whether <paramref name="password"/> is the user's; false for a user without one.</summary>
    public static bool Verify(User user, string password) =>
        user.PasswordHash is { } hash && Hasher.VerifyHashedPassword(user, hash, password) != PasswordVerificationResult.Failed;

    /// <summary>
    /// Spends the time a check of a real password takes, for an address with no user behind it, so
    /// the time of the answer does not tell whether an account exists.
    /// </summary>
    public static void VerifyNobody(string password) => Hasher.VerifyHashedPassword(Nobody, NobodyHash, password);

    public static string NewStamp() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static readonly User Nobody = new() { Id = "", Email = "", Name = "" };
    private static readonly string NobodyHash = Hasher.HashPassword(Nobody, Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));
}
