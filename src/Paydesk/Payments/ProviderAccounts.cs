using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Paydesk.Api;
using Paydesk.Storage;

namespace Paydesk.Payments;

/// <summary>One credential a provider's account needs: its name in requests, and what a good one looks like.</summary>
public sealed record CredentialField(string Name, Func<string, string, string?> Problem, int MaxLength = 256)
{
    /// <summary>Any value, checked only for length.</summary>
    public static CredentialField Any(string name, int maxLength = 256) => new(name, (_, _) => null, maxLength);
}

/// <summary>
/// What an account at each real provider holds. The credentials are sealed together (see
/// <see cref="ProviderSecret.Credentials"/>) except <c>webhookSecret</c>, which is the account's
/// webhook secret (<see cref="ProviderSecret.Webhook"/>) and verifies its notifications.
/// </summary>
public sealed record ProviderKind(string Name, IReadOnlyList<CredentialField> Credentials, bool HasLogin, IReadOnlyList<string> HashAlgorithms)
{
    public const string WebhookSecret = "webhookSecret";

    public static readonly ProviderKind Stripe = new("stripe",
    [
        // A restricted key (rk_) works as well as a secret one; either way its mode is in its name.
        new("secretKey", (value, mode) => value.StartsWith($"sk_{mode}_", StringComparison.Ordinal) || value.StartsWith($"rk_{mode}_", StringComparison.Ordinal)
            ? null : $"must be a {mode}-mode key (sk_{mode}_… or rk_{mode}_…)."),
        new(WebhookSecret, (value, _) => value.StartsWith("whsec_", StringComparison.Ordinal) ? null : "must be the endpoint's signing secret (whsec_…)."),
    ], HasLogin: false, []);

    public static readonly ProviderKind TBank = new("tbank", [CredentialField.Any("terminalKey", 64), CredentialField.Any("password", 128)], HasLogin: false, []);

    public static readonly ProviderKind Robokassa = new("robokassa", [CredentialField.Any("password1", 128), CredentialField.Any("password2", 128)],
        HasLogin: true, ["md5", "sha256", "sha512"]);

    /// <summary>The providers whose accounts a tenant adds; the Mock provider's account is made on first use.</summary>
    public static readonly IReadOnlyList<ProviderKind> All = [Stripe, TBank, Robokassa];

    public static ProviderKind? Find(string? name) => All.FirstOrDefault(k => k.Name == name);
}

/// <summary>An account as a request describes it. Credentials given replace those of the same name; the others are kept.</summary>
public sealed record ProviderAccountInput(
    string? Provider, string? Name, string? Mode, Dictionary<string, string?>? Credentials, string? Login, string? HashAlgorithm, bool? IsDefault);

/// <summary>An account as it is shown: which credentials are set, never what they are.</summary>
public sealed record ProviderAccountView(
    string Id, string Provider, string Name, string Mode, string Status, bool IsDefault, IReadOnlyList<string> CredentialsSet,
    string? Login, string? HashAlgorithm, string NotificationUrl, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    /// <summary>Robokassa's Success URL and Fail URL, set in its cabinet beside the Result URL (<see cref="NotificationUrl"/>); null for other providers.</summary>
    public string? SuccessUrl { get; init; }

    public string? FailUrl { get; init; }
}

/// <summary>What checking an account's connection found.</summary>
public sealed record ConnectionView(string AccountId, bool Ok, string Detail, DateTimeOffset CheckedAt);

/// <summary>
/// Adds, changes, disables and enables a tenant's accounts at its payment providers. Credentials
/// are sealed as they arrive and never leave again: a view lists which are set. A disabled account
/// takes no new checkouts, while the payments it already has still settle through it. Each
/// provider has at most one default account (the one a checkout uses when it names none); the
/// first enabled account of a provider becomes it.
/// </summary>
public sealed class SaveProviderAccount(
    PaydeskDb db, ProviderSecrets secrets, IdGenerator ids, TimeProvider time, PublicAddress address, ProviderRegistry providers, Jobs.JobQueue jobs,
    IOptions<PaymentOptions> options)
{
    public ProviderAccountView View(ProviderAccount a)
    {
        var set = new List<string>();
        if (a.WebhookSecretProtected is not null) set.Add(ProviderKind.WebhookSecret);
        if (a.CredentialsProtected is not null) set.AddRange(Credentials(a).Keys);
        return new ProviderAccountView(a.Id, a.Provider, a.Name, a.Mode, a.DisabledAt is null ? "active" : "disabled", a.IsDefault,
            set.Order(StringComparer.Ordinal).ToList(), a.Login, a.HashAlgorithm,
            new Uri(address.Url, $"webhooks/{a.Provider}/{Uri.EscapeDataString(a.Id)}").ToString(), a.CreatedAt, a.UpdatedAt)
        {
            SuccessUrl = a.Provider == Robokassa.RobokassaProvider.ProviderName ? new Uri(address.Url, Robokassa.RobokassaReturns.SuccessPath(a.Id)).ToString() : null,
            FailUrl = a.Provider == Robokassa.RobokassaProvider.ProviderName ? new Uri(address.Url, Robokassa.RobokassaReturns.FailPath(a.Id)).ToString() : null,
        };
    }

    public async Task<Result<ProviderAccountView>> Create(ProviderAccountInput input, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var kind = ProviderKind.Find(input.Provider);
        if (kind is null)
            errors.Add("provider", $"must be one of {string.Join(", ", ProviderKind.All.Select(k => k.Name))} (the Mock provider's account is made on first use).");
        var now = time.GetUtcNow();
        var account = new ProviderAccount
        {
            TenantId = "", Id = ids.New("acct"), Provider = kind?.Name ?? "", Name = errors.Text("name", input.Name), CreatedAt = now, UpdatedAt = now,
        };
        if (kind is null) return errors.ToProblem();
        Apply(kind, account, input with { Mode = input.Mode ?? ProviderModes.Test, HashAlgorithm = input.HashAlgorithm ?? kind.HashAlgorithms.FirstOrDefault() },
            new Dictionary<string, string>(), errors, creating: true);
        if (errors.Any) return errors.ToProblem();

        return await db.InTransactionAsync<Result<ProviderAccountView>>(async () =>
        {
            await SerializeDefaultsAsync(account.Provider, ct);
            var anyDefault = await db.ProviderAccounts.AnyAsync(a => a.Provider == account.Provider && a.IsDefault, ct);
            if (input.IsDefault == true) await ClearDefaultAsync(account.Provider, ct);
            account.IsDefault = input.IsDefault ?? !anyDefault;
            db.ProviderAccounts.Add(account);
            // Events its webhooks miss are read from the provider's list, from now on.
            if (providers.Find(account.Provider) is IListsEvents)
                jobs.Add(db, CatchUpEvents.JobKind, account.Id, now + options.Value.CatchUpEvery);
            await db.SaveChangesAsync(ct);
            return View(account);
        }, ct);
    }

    public async Task<Result<ProviderAccountView>> Update(string id, ProviderAccountInput input, CancellationToken ct)
    {
        return await db.InTransactionAsync<Result<ProviderAccountView>>(async () =>
        {
            if (await LockForChangeAsync(id, ct) is not { } account) return Problem.NotFound("provider account", id);
            var errors = new FieldErrors();
            if (input.Provider is not null && input.Provider != account.Provider)
                errors.Add("provider", "cannot change; add an account at the other provider instead.");
            if (ProviderKind.Find(account.Provider) is not { } kind)
                return Problem.Conflict($"The {account.Provider} account is made and kept by Paydesk; only real providers' accounts are changed here.");
            if (input.Name is not null) account.Name = errors.Text("name", input.Name);
            Apply(kind, account, input with { Mode = input.Mode ?? account.Mode, Login = input.Login ?? account.Login, HashAlgorithm = input.HashAlgorithm ?? account.HashAlgorithm },
                Credentials(account), errors, creating: false);
            if (input.IsDefault == false && account.IsDefault) errors.Add("isDefault", "set another account as the default instead.");
            if (input.IsDefault == true && account.DisabledAt is not null) errors.Add("isDefault", "a disabled account cannot be the default; enable it first.");
            if (errors.Any) return errors.ToProblem();
            if (input.IsDefault == true && !account.IsDefault)
            {
                await ClearDefaultAsync(account.Provider, ct);
                account.IsDefault = true;
            }
            account.UpdatedAt = time.GetUtcNow();
            await db.SaveChangesAsync(ct);
            return View(account);
        }, ct);
    }

    /// <summary>Disables the account (no new checkouts; its default passes to another enabled one) or enables it again.</summary>
    public async Task<Result<ProviderAccountView>> SetEnabled(string id, bool enabled, CancellationToken ct)
    {
        return await db.InTransactionAsync<Result<ProviderAccountView>>(async () =>
        {
            if (await LockForChangeAsync(id, ct) is not { } account) return Problem.NotFound("provider account", id);
            if ((account.DisabledAt is null) == enabled) return View(account);
            var now = time.GetUtcNow();
            account.UpdatedAt = now;
            if (!enabled)
            {
                var wasDefault = account.IsDefault;
                account.DisabledAt = now;
                account.IsDefault = false;
                // The unique default is cleared before another takes it.
                await db.SaveChangesAsync(ct);
                var next = wasDefault
                    ? await db.ProviderAccounts.Where(a => a.Provider == account.Provider && a.DisabledAt == null && a.Id != account.Id)
                        .OrderBy(a => a.CreatedAt).ThenBy(a => a.Id).FirstOrDefaultAsync(ct)
                    : null;
                if (next is not null) next.IsDefault = true;
            }
            else
            {
                account.DisabledAt = null;
                account.IsDefault = !await db.ProviderAccounts.AnyAsync(a => a.Provider == account.Provider && a.IsDefault, ct);
            }
            await db.SaveChangesAsync(ct);
            return View(account);
        }, ct);
    }

    /// <summary>Asks the account's provider whether its credentials work; null when there is no such account.</summary>
    public async Task<Result<ConnectionView>> CheckAsync(string id, ProviderRegistry providers, CancellationToken ct)
    {
        var account = await db.ProviderAccounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (account is null) return Problem.NotFound("provider account", id);
        var found = providers.Find(account.Provider) is { } provider
            ? await provider.CheckConnectionAsync(account, ct)
            : new ConnectionCheck(false, $"{account.Provider} is not a provider this Paydesk talks to yet.");
        return new ConnectionView(account.Id, found.Ok, found.Detail, time.GetUtcNow());
    }

    /// <summary>The account's credentials in the clear, for the one call that needs them.</summary>
    public IReadOnlyDictionary<string, string> Credentials(ProviderAccount account) => secrets.Credentials(account);

    private void Apply(ProviderKind kind, ProviderAccount account, ProviderAccountInput input, IReadOnlyDictionary<string, string> current, FieldErrors errors, bool creating)
    {
        var mode = input.Mode;
        if (mode is not (ProviderModes.Test or ProviderModes.Live)) errors.Add("mode", "must be 'test' or 'live'.");
        if (kind.HasLogin) account.Login = errors.Text("login", input.Login, 100);
        else if (input.Login is not null) errors.Add("login", $"is not used by {kind.Name}.");
        if (kind.HashAlgorithms.Count > 0)
        {
            if (input.HashAlgorithm is { } hash && kind.HashAlgorithms.Contains(hash)) account.HashAlgorithm = hash;
            else errors.Add("hashAlgorithm", $"must be one of {string.Join(", ", kind.HashAlgorithms)}, as set in the provider's cabinet.");
        }
        else if (input.HashAlgorithm is not null) errors.Add("hashAlgorithm", $"is not used by {kind.Name}.");

        var given = input.Credentials ?? [];
        foreach (var name in given.Keys.Where(n => kind.Credentials.All(c => c.Name != n)))
            errors.Add($"credentials.{name}", $"is not a credential of {kind.Name}; it takes {string.Join(", ", kind.Credentials.Select(c => c.Name))}.");
        var webhookSet = account.WebhookSecretProtected is not null;
        var merged = new Dictionary<string, string>(current);
        string? webhook = null;
        foreach (var field in kind.Credentials)
        {
            var key = $"credentials.{field.Name}";
            string? value;
            if (given.TryGetValue(field.Name, out var sent))
            {
                value = errors.Text(key, sent, field.MaxLength);
                if (value.Length == 0) continue;
            }
            else if (field.Name == ProviderKind.WebhookSecret ? webhookSet : current.ContainsKey(field.Name))
            {
                // Kept as it is; a change of mode still has to suit it, so the kept one is checked when it can be read.
                value = field.Name == ProviderKind.WebhookSecret ? null : current[field.Name];
                if (value is null) continue;
            }
            else
            {
                errors.Add(key, creating ? "is required." : "is required; it was never set.");
                continue;
            }
            if (mode is ProviderModes.Test or ProviderModes.Live && field.Problem(value, mode) is { } problem) errors.Add(key, problem);
            if (field.Name == ProviderKind.WebhookSecret) webhook = value;
            else merged[field.Name] = value;
        }
        if (errors.Any) return;
        account.Mode = mode!;
        if (webhook is not null) secrets.Store(account, ProviderSecret.Webhook, webhook);
        secrets.Store(account, ProviderSecret.Credentials, merged.Count == 0 ? null : JsonSerializer.Serialize(merged));
    }

    /// <summary>
    /// The account <paramref name="id"/>, locked, with the right to change its provider's default
    /// held (see <see cref="SerializeDefaultsAsync"/>); null when the tenant has no such account.
    /// </summary>
    private async Task<ProviderAccount?> LockForChangeAsync(string id, CancellationToken ct)
    {
        if (await db.ProviderAccounts.AsNoTracking().Where(a => a.Id == id).Select(a => a.Provider).FirstOrDefaultAsync(ct) is not { } provider)
            return null;
        await SerializeDefaultsAsync(provider, ct);
        return await db.LockedAsync<ProviderAccount>(id, ct);
    }

    /// <summary>
    /// Holds, until the transaction ends, the right to change which of the tenant's accounts at
    /// <paramref name="provider"/> is the default: two requests that both make a new default one
    /// after the other, not into the one-default index at once. On SQLite the transaction's write
    /// lock does it already.
    /// </summary>
    private async Task SerializeDefaultsAsync(string provider, CancellationToken ct)
    {
        if (!db.Database.IsNpgsql()) return;
        var key = $"provider-default:{db.Tenant.TenantId}:{provider}";
        await db.Database.SqlQueryRaw<int>("SELECT 1 AS \"Value\" FROM (SELECT pg_advisory_xact_lock(hashtext({0}))) AS locked", key).ToListAsync(ct);
    }

    private async Task ClearDefaultAsync(string provider, CancellationToken ct)
    {
        var current = await db.ProviderAccounts.Where(a => a.Provider == provider && a.IsDefault).ToListAsync(ct);
        if (current.Count == 0) return;
        foreach (var a in current) a.IsDefault = false;
        // Saved before another account is made the default: the database allows one at a time.
        await db.SaveChangesAsync(ct);
    }
}
