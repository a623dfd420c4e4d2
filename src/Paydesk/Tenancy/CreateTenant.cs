using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Storage;

namespace Paydesk.Tenancy;

public sealed record NewTenant(string? Slug, string? Name, string? DefaultCurrency, string? TimeZone);

public sealed record CreatedTenant(Tenant Tenant, string AdminKeySecret);

/// <summary>
/// Creates a tenant and its first admin key (whose secret is returned once). Runs in a scope of
/// its own: the scope's <see cref="TenantContext"/> becomes the new tenant.
/// </summary>
public sealed class CreateTenant(PaydeskDb db, IdGenerator ids, TimeProvider time, IssueApiKey issueKey)
{
    public async Task<Result<CreatedTenant>> Run(NewTenant request, CancellationToken ct, string? adminKeySecret = null)
    {
        var errors = new FieldErrors();
        var slug = errors.Text("slug", request.Slug, 64);
        if (slug.Length > 0 && !slug.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            errors.Add("slug", "may hold only lower-case letters, digits and hyphens.");
        var name = errors.Text("name", request.Name);
        var currency = errors.Currency("defaultCurrency", request.DefaultCurrency);
        var zone = errors.TimeZone("timeZone", request.TimeZone, "UTC");
        if (errors.Any) return errors.ToProblem();

        if (await db.Tenants.AnyAsync(t => t.Slug == slug, ct))
            return Problem.Conflict($"A tenant with slug '{slug}' exists already.");

        var tenant = new Tenant
        {
            Id = ids.New("ten"), Slug = slug, Name = name, DefaultCurrency = currency!.Code, TimeZone = zone,
            CreatedAt = time.GetUtcNow(),
        };
        db.Tenants.Add(tenant);
        db.Tenant.Set(tenant.Id, Role.TenantAdmin);
        var key = issueKey.Add("Admin key", Role.TenantAdmin, customerId: null, expiresAt: null, adminKeySecret);
        await db.SaveChangesAsync(ct);
        return new CreatedTenant(tenant, key.Secret);
    }
}

public sealed record IssuedKey(ApiKey Key, string Secret);

/// <summary>
/// Makes an API key and hands back its secret: the only time anyone sees it; and revokes one. The
/// API and the back office's pages both come here.
/// </summary>
public sealed class IssueApiKey(PaydeskDb db, IdGenerator ids, TimeProvider time, IHostEnvironment environment)
{
    public IssuedKey Add(string name, Role role, string? customerId, DateTimeOffset? expiresAt, string? fixedSecret = null)
    {
        var prefix = role == Role.Customer ? ApiKey.CustomerKeyPrefix
            : ApiKey.SecretKeyPrefix + (environment.IsProduction() ? "live_" : "test_");
        // A fixed secret exists only for the published demo keys.
        if (fixedSecret is not null && !(environment.IsDevelopment() && fixedSecret.StartsWith(ApiKey.DemoKeyPrefix, StringComparison.Ordinal)))
            throw new InvalidOperationException("Only the demo keys have fixed secrets, and only in Development.");
        var secret = fixedSecret ?? ApiKey.NewSecret(prefix);
        var key = new ApiKey
        {
            TenantId = "", Id = ids.New("key"), Name = name, Role = role, CustomerId = customerId,
            Hint = ApiKey.HintOf(secret), Hash = ApiKey.HashSecret(secret), CreatedAt = time.GetUtcNow(), ExpiresAt = expiresAt,
        };
        db.ApiKeys.Add(key);
        return new IssuedKey(key, secret);
    }

    /// <summary>A key for the tenant's staff or admins, asked for by name and role ("admin", or "staff" when none), saved.</summary>
    public async Task<Result<IssuedKey>> CreateAsync(NewApiKey request, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var name = errors.Text("name", request.Name);
        var role = request.Role switch
        {
            "admin" => Role.TenantAdmin,
            "staff" or null => Role.Staff,
            _ => (Role?)null,
        };
        if (role is null) errors.Add("role", "must be 'admin' or 'staff'.");
        if (errors.Any) return errors.ToProblem();
        var issued = Add(name, role!.Value, customerId: null, expiresAt: null);
        await db.SaveChangesAsync(ct);
        return issued;
    }

    /// <summary>Revokes the current tenant's key <paramref name="id"/>; a key revoked already keeps when it was.</summary>
    public async Task<Result<ApiKey>> RevokeAsync(string id, CancellationToken ct)
    {
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, ct);
        if (key is null) return Problem.NotFound("API key", id);
        key.RevokedAt ??= time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return key;
    }
}
