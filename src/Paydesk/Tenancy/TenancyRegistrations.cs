using Microsoft.AspNetCore.Authentication;

namespace Paydesk.Tenancy;

public static class TenancyRegistrations
{
    public static IServiceCollection AddTenancy(this IServiceCollection services)
    {
        services.AddAuthentication(ApiKeyAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Admin, p => p.RequireRole(nameof(Role.TenantAdmin)))
            .AddPolicy(Policies.Staff, p => p.RequireRole(nameof(Role.TenantAdmin), nameof(Role.Staff)))
            .AddPolicy(Policies.Any, p => p.RequireAuthenticatedUser());
        services.AddSingleton<ApiKeyCache>();
        services.AddSingleton<Storage.AfterCommit, ForgetChangedKeys>();
        services.AddScoped<CreateTenant>();
        services.AddScoped<IssueApiKey>();
        services.AddScoped<SaveTenantSettings>();
        return services;
    }
}
