using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Storage;

namespace Paydesk.Tenancy;

public sealed record NewApiKey(string? Name, string? Role);

public sealed record ApiKeyView(string Id, string Name, string Role, string Hint, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt)
{
    public static ApiKeyView From(ApiKey k) =>
        new(k.Id, k.Name, RoleNames.Of(k.Role), k.Hint, k.CreatedAt, k.ExpiresAt, k.RevokedAt);
}

internal static class RoleNames
{
    public static string Of(Role role) => role switch
    {
        Role.TenantAdmin => "admin",
        Role.Staff => "staff",
        Role.Customer => "customer",
        _ => "platform_admin",
    };
}

/// <summary>The secret appears in this answer and nowhere else, ever.</summary>
public sealed record CreatedApiKey(ApiKeyView Key, string Secret);

internal static class ApiKeyEndpoints
{
    public static void MapTenantSettings(this RouteGroupBuilder api)
    {
        var tenant = api.MapGroup("/tenant").WithTags("Tenant");
        tenant.MapGet("/", async (SaveTenantSettings settings, CancellationToken ct) => TypedResults.Ok(await settings.ReadAsync(ct)))
            .RequireAuthorization(Policies.Staff).Reads<TenantView>()
            .WithName("getTenant").WithSummary("Read the tenant's settings: name, time zone, fiscal receipts");
        tenant.MapPatch("/", async (TenantSettingsInput body, SaveTenantSettings settings, CancellationToken ct) => (await settings.Update(body, ct)).Ok())
            .RequireAuthorization(Policies.Admin).Revises<TenantView>()
            .WithName("reviseTenant").WithSummary("Change the tenant's name, time zone, or its fiscal receipts (54-FZ): on with a tax regime and VAT rate, or off");
    }

    public static void MapApiKeys(this RouteGroupBuilder api)
    {
        var keys = api.MapGroup("/api-keys").WithTags("API keys").RequireAuthorization(Policies.Admin);

        keys.MapGet("/", async (PageRequest page, PaydeskDb db, CancellationToken ct) =>
            (await page.Run(db.ApiKeys.Where(k => k.Role != Role.Customer), ApiKeyView.From, ct)).Ok()).Lists<ApiKeyView>()
            .WithName("listApiKeys").WithSummary("List the tenant's API keys, never with their secrets");

        keys.MapPost("/", async (NewApiKey body, IssueApiKey issue, CancellationToken ct) =>
        {
            var created = await issue.CreateAsync(body, ct);
            if (created.Problem is { } problem) return problem.ToHttp();
            var (key, secret) = created.Value!;
            return TypedResults.Created($"/api/v1/api-keys/{key.Id}", new CreatedApiKey(ApiKeyView.From(key), secret));
        }).WithMetadata(new ReturnsSecretOnce()).Creates<CreatedApiKey>()
            .WithName("createApiKey").WithSummary("Create an API key; its secret is shown once");

        keys.MapPost("/{id}/revoke", async (string id, IssueApiKey issue, CancellationToken ct) =>
        {
            var revoked = await issue.RevokeAsync(id, ct);
            return revoked.Problem is { } problem ? problem.ToHttp() : TypedResults.Ok(ApiKeyView.From(revoked.Value!));
        }).Reads<ApiKeyView>().WithName("revokeApiKey").WithSummary("Revoke an API key");
    }
}
