using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Paydesk.Tenancy;

/// <summary>
/// A bearer credential for the API. The secret is shown once, when it is made; only its SHA-256
/// is stored. A key with the <see cref="Role.Customer"/> role is a short-lived customer session:
/// it sees that customer's data and nothing else.
/// </summary>
public sealed class ApiKey : Storage.IHasId, IEndsApiKeys
{
    public required string TenantId { get; set; }
    public required string Id { get; init; }
    public required string Name { get; set; }
    public Role Role { get; init; }
    public string? CustomerId { get; init; }
    /// <summary>The first characters of the secret, enough for a person to tell keys apart.</summary>
    public required string Hint { get; init; }
    public required string Hash { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public DateTimeOffset? RevokedAt { get; set; }

    public const string SecretKeyPrefix = "sk_";
    public const string CustomerKeyPrefix = "ck_";

    /// <summary>Keys whose secrets are published in the README: accepted only in Development.</summary>
    public const string DemoKeyPrefix = "sk_test_demo_";

    /// <summary>
    /// A plain SHA-256 is right here (not a slow password hash): the secrets are 32 random bytes,
    /// so there is nothing to brute-force, and every API call has to look one up.
    /// </summary>
    public static string HashSecret(string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static string NewSecret(string prefix) =>
        prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
            .TrimEnd('=').Replace('+', 'A').Replace('/', 'B');

    public static string HintOf(string secret) => secret[..Math.Min(secret.Length, 12)] + "…";
}

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> b)
    {
        b.HasKey(k => new { k.TenantId, k.Id });
        // Looked up before the tenant is known, so the hash is unique across tenants.
        b.HasIndex(k => k.Hash).IsUnique();
        b.Property(k => k.Hash).HasMaxLength(64);
        b.Property(k => k.Name).HasMaxLength(200);
        b.Property(k => k.Hint).HasMaxLength(16);
    }
}
