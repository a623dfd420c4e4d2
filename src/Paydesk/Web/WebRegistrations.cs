using Paydesk.Web.SignIn;

namespace Paydesk.Web;

/// <summary>The pages people click: sign-in, and (coming with them) pricing, billing, account and admin.</summary>
public static class WebRegistrations
{
    public static IServiceCollection AddWebPages(this IServiceCollection services)
    {
        services.AddRazorComponents();
        services.AddPageSignIn();
        services.AddSingleton<SignInTokens>();
        services.AddSingleton<SignInThrottle>();
        services.AddScoped<Admin.Audit>();
        return services;
    }

    public static void MapWebPages(this WebApplication app)
    {
        app.MapSignIn();
        Account.AccountEndpoints.MapAccount(app);
        Account.SubscriptionPortal.MapSubscriptionPortal(app);
        Shop.ShopEndpoints.MapShop(app);
        Clinics.ClinicPages.MapClinicPages(app);
        Admin.AdminPages.MapAdminPages(app);
    }
}
