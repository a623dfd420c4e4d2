using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Paydesk.Storage;

namespace Paydesk.Tenancy;

/// <summary>
/// <c>Authorization: Bearer sk_…</c> (a tenant's key) or <c>Bearer ck_…</c> (a customer
/// session). The secret is hashed and looked up; it is never logged or stored in clear.
/// </summary>
internal sealed class ApiKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    PaydeskDb db, ApiKeyCache keys, TimeProvider time, IHostEnvironment environment)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string TenantClaim = "paydesk:tenant";
    public const string KeyIdClaim = "paydesk:key";
    public const string CustomerClaim = "paydesk:customer";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.NoResult();

        var secret = header["Bearer ".Length..].Trim();
        if (!secret.StartsWith(ApiKey.SecretKeyPrefix, StringComparison.Ordinal)
            && !secret.StartsWith(ApiKey.CustomerKeyPrefix, StringComparison.Ordinal))
            return AuthenticateResult.Fail("Not a Paydesk key.");

        if (secret.StartsWith(ApiKey.DemoKeyPrefix, StringComparison.Ordinal) && !environment.IsDevelopment())
        {
            Logger.LogWarning("A demo key was presented outside Development and refused");
            return AuthenticateResult.Fail("Demo keys work only in Development.");
        }

        var hash = ApiKey.HashSecret(secret);
        // One round trip, which also tells whether a customer key's customer is archived: archiving
        // revokes their sessions, but a session made while the archive was being saved would escape that.
        // Found before the tenant is known: the narrow way across tenants. Kept at most a second.
        var key = await keys.FindAsync(db, hash, Context.RequestAborted);
        var now = time.GetUtcNow();
        if (key is null || key.RevokedAt is not null || key.ExpiresAt <= now)
            return AuthenticateResult.Fail("Unknown, revoked or expired key.");
        if (key.CustomerArchived)
            return AuthenticateResult.Fail("The key's customer is archived.");

        List<Claim> claims =
        [
            new(TenantClaim, key.TenantId),
            new(KeyIdClaim, key.Id),
            new(ClaimTypes.Role, key.Role.ToString()),
        ];
        if (key.CustomerId is not null) claims.Add(new Claim(CustomerClaim, key.CustomerId));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        await TypedResults.Problem(
            "Send a Paydesk API key: Authorization: Bearer sk_…", statusCode: 401, title: "Unauthorized").ExecuteAsync(Context);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await TypedResults.Problem(
            "This key's role may not do this.", statusCode: 403, title: "Forbidden").ExecuteAsync(Context);
    }
}

/// <summary>Copies the authenticated caller into the request's <see cref="TenantContext"/>.</summary>
internal sealed class TenantContextMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext http, TenantContext tenant)
    {
        var tenantId = http.User.FindFirst(ApiKeyAuthentication.TenantClaim)?.Value;
        if (tenantId is not null && Enum.TryParse<Role>(http.User.FindFirst(ClaimTypes.Role)?.Value, out var role))
            tenant.Set(tenantId, role, http.User.FindFirst(ApiKeyAuthentication.CustomerClaim)?.Value);
        return next(http);
    }
}

public static class Policies
{
    /// <summary>Changes the catalog, keys and settings.</summary>
    public const string Admin = "admin";
    /// <summary>Works with customers and reads everything of the tenant.</summary>
    public const string Staff = "staff";
    /// <summary>Any authenticated caller, customers included (who then see only their own).</summary>
    public const string Any = "any";
}
