using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Paydesk.Payments;

/// <summary>
/// One kind of secret a provider account holds, and the Data Protection purpose it is sealed
/// under. A purpose is part of the key derivation: a value sealed as one kind cannot be opened as
/// another, so a webhook secret can never be read back as, say, an API key. The purpose string is
/// stored nowhere but must never change once values are sealed under it.
/// </summary>
/// <remarks>
/// Another kind is a nullable column on <see cref="ProviderAccount"/> holding the sealed form, and
/// one more instance here.
/// </remarks>
public sealed class ProviderSecret
{
    public static readonly ProviderSecret Webhook = new(
        "Paydesk.ProviderAccount.WebhookSecret", a => a.WebhookSecretProtected, (a, v) => a.WebhookSecretProtected = v);

    /// <summary>The provider's API credentials, one JSON object of name → value (see <see cref="ProviderKinds"/>).</summary>
    public static readonly ProviderSecret Credentials = new(
        "Paydesk.ProviderAccount.Credentials", a => a.CredentialsProtected, (a, v) => a.CredentialsProtected = v);

    private readonly Func<ProviderAccount, string?> _read;
    private readonly Action<ProviderAccount, string?> _write;

    private ProviderSecret(string purpose, Func<ProviderAccount, string?> read, Action<ProviderAccount, string?> write) =>
        (Purpose, _read, _write) = (purpose, read, write);

    public string Purpose { get; }

    internal string? SealedIn(ProviderAccount account) => _read(account);

    internal void Seal(ProviderAccount account, string? sealedValue) => _write(account, sealedValue);

    public override string ToString() => Purpose;
}

/// <summary>
/// Seals and opens provider accounts' secrets with ASP.NET Core Data Protection (authenticated
/// encryption keyed by the key ring, see <see cref="Storage.KeyRing"/>). The database holds only the
/// sealed form; a clear secret exists in a caller's local variable while it signs or verifies.
/// </summary>
public sealed class ProviderSecrets(IDataProtectionProvider protection)
{
    /// <summary>Seals <paramref name="secret"/> into the account; null removes it (notifications are then refused).</summary>
    public void Store(ProviderAccount account, ProviderSecret kind, string? secret) =>
        kind.Seal(account, secret is null ? null : Protect(kind, secret));

    /// <summary>The account's clear secret of this kind, or null when it has none.</summary>
    /// <exception cref="InvalidOperationException">The key ring this process uses cannot open it.</exception>
    public string? Reveal(ProviderAccount account, ProviderSecret kind)
    {
        if (kind.SealedIn(account) is not { Length: > 0 } sealedValue) return null;
        try
        {
            return protection.CreateProtector(kind.Purpose).Unprotect(sealedValue);
        }
        catch (CryptographicException e)
        {
            // Not a refusal of the sender: an operator's problem, and the provider should retry
            // once it is fixed. The message names no part of the secret.
            throw new InvalidOperationException(
                $"The {kind.Purpose} of provider account {account.Id} cannot be opened with this process's Data Protection key ring. " +
                "Restore the key ring (DataProtection:KeyRingPath) and the certificate it was sealed with, or set the secret again.", e);
        }
    }

    /// <summary>The account's API credentials in the clear (name → value), for the one call that needs them.</summary>
    public IReadOnlyDictionary<string, string> Credentials(ProviderAccount account) =>
        Reveal(account, ProviderSecret.Credentials) is { } json
            ? System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? []
            : new Dictionary<string, string>();

    /// <summary>One API credential in the clear; a provider call without it is refused as an authentication failure.</summary>
    public string Credential(ProviderAccount account, string name) =>
        Credentials(account).TryGetValue(name, out var value) && value.Length > 0
            ? value
            : throw new ProviderException(ProviderFailure.Authentication, $"The {account.Provider} account {account.Id} has no {name}; set it on the payment providers page.");

    internal string Protect(ProviderSecret kind, string secret) => protection.CreateProtector(kind.Purpose).Protect(secret);
}
