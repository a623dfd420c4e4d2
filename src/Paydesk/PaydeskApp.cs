using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Paydesk.Api;
using Paydesk.Api.Pages;
using Paydesk.Orders.Pages;
using Paydesk.Catalog;
using Paydesk.Customers;
using Paydesk.Demo;
using Paydesk.Health;
using Paydesk.Notifications.Email;
using Paydesk.Notifications.Outbox;
using Paydesk.Orders;
using Paydesk.Payments;
using Paydesk.Invoices;
using Paydesk.Jobs;
using Paydesk.Entitlements;
using Paydesk.Storage;
using Paydesk.Subscriptions.Pages;
using Paydesk.Subscriptions;
using Paydesk.Tenancy;
using Paydesk.Web;
using Paydesk.Web.Members;
using Scalar.AspNetCore;

namespace Paydesk;

/// <summary>
/// Builds the one Paydesk process: API, pages, webhooks and workers. Program and the tests both
/// start it through here, so a test runs the same pipeline a user does.
/// </summary>
public static class PaydeskApp
{
    public const long MaxApiBodyBytes = 256 * 1024;

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (builder.Environment.IsDevelopment() && string.IsNullOrEmpty(builder.Configuration["urls"])
            && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
            builder.WebHost.UseUrls("http://localhost:5080");
        if (!builder.Environment.IsDevelopment())
            builder.Logging.AddJsonConsole();
        configure?.Invoke(builder);

        var services = builder.Services;
        // A test host may have registered a clock it moves by hand.
        services.TryAddSingleton(TimeProvider.System);
        services.AddFaultPoints(builder.Configuration, builder.Environment);
        services.AddStorage(builder.Configuration, builder.Environment.ContentRootPath);
        services.AddKeyRing(builder.Configuration, builder.Environment);
        services.AddJobs(builder.Configuration);
        services.AddIdempotency();
        services.AddTenancy();
        services.AddCustomers();
        services.AddCatalog();
        services.AddOrders(builder.Configuration);
        services.AddEntitlements();
        services.AddSubscriptions(builder.Configuration);
        services.AddInvoices(builder.Configuration);
        services.AddPayments(builder.Configuration);
        services.AddPaydeskHealth();
        services.AddEmail(builder.Configuration, builder.Environment);
        services.AddOutbox();
        services.AddPaydeskRateLimits(builder.Configuration);
        services.AddSingleton<DemoData>();

        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
            c.ProblemDetails.Extensions["traceId"] = c.HttpContext.TraceIdentifier);
        services.AddExceptionHandler<ProblemHandling>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(o =>
        {
            // A field the request type does not have is an error, not silently dropped: that is
            // how a client learns it cannot set ids, tenants, statuses or computed amounts.
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
            o.SerializerOptions.Converters.Add(new RequestText.Converter());
        });
        services.AddPaydeskOpenApi();
        services.AddWebPages();
        // Pages are UTF-8: letters of every language are written as they are, not as character references.
        services.AddWebEncoders(o => o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.Use(RequestText.RefuseUnreadableAsync);
        app.UseRouting();
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/api"), api => api.Use(LimitBodySize));
        app.UseAuthentication();
        app.UseMiddleware<TenantContextMiddleware>();
        app.Use(IdempotencyMiddleware.NoteReplaysAsync);
        // After authentication, so a valid key is told from a wrong one; before authorization, which
        // would answer a wrong key with 401 before it is counted; before idempotency, so a refused
        // request is not remembered as the key's answer (a replay of a stored one is not counted).
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseMiddleware<IdempotencyMiddleware>();

        app.MapOpenApi("/openapi/{documentName}.json");
        // The docs page sends the API key as the document's bearer scheme says; in Development it
        // starts with the demo clinic's key, so "Send" works at once.
        app.MapScalarApiReference("/docs", o => o.WithTitle("Paydesk API").WithOpenApiRoutePattern("/openapi/{documentName}.json")
            .AddPreferredSecuritySchemes(OpenApiContract.SecurityScheme)
            .AddHttpAuthentication(OpenApiContract.SecurityScheme, auth =>
                auth.Token = app.Environment.IsDevelopment() ? DemoData.Keys["clinic"] : null));
        app.MapGet("/", () => Results.Redirect("/docs")).ExcludeFromDescription();
        app.MapPaydeskHealth();
        app.MapPaymentWebhooks();
        app.MapDevMail();
        app.MapInvoicePages();
        app.MapPayAgainPage();
        app.MapPeriodPaymentPage();
        app.MapPaymentReturnPages();
        app.MapPageAssets();
        app.MapLanguageSwitch();
        app.MapWebPages();

        var api = app.MapGroup("/api/v1").RequireAuthorization(Policies.Any).AnswersCommonProblems();
        api.MapCatalog();
        api.MapCustomers();
        api.MapOrders();
        api.MapOrderPayments();
        api.MapPayments();
        api.MapProviderAccounts();
        api.MapInvoices();
        api.MapInvoiceSettings();
        api.MapEntitlements();
        api.MapSubscriptions();
        api.MapAccessCheck();
        api.MapApiKeys();
        api.MapTenantSettings();
        api.MapJobs();
        api.MapMembers();
        return app;
    }

    /// <summary>Applies migrations, writes the demo data in Development, and says where to go.</summary>
    public static async Task PrepareAsync(WebApplication app, CancellationToken ct = default)
    {
        if (app.Configuration.GetValue("Storage:MigrateOnStart", true))
            await StorageRegistrations.MigrateAsync(app.Services, ct);
        await RowLevelSecurity.RequireInProductionAsync(app.Services, app.Environment, ct);
        if (app.Environment.IsDevelopment() && app.Configuration.GetValue("Demo:Seed", true))
            await app.Services.GetRequiredService<DemoData>().SeedIfEmptyAsync(ct);
    }

    public static void PrintBanner(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var url = addresses.FirstOrDefault() ?? "http://localhost:5080";
        Console.WriteLine();
        Console.WriteLine($"  Paydesk is running on {url} ({app.Services.GetRequiredService<StorageInfo>().Engine}, {app.Environment.EnvironmentName})");
        Console.WriteLine($"  API docs:  {url}/docs");
        Console.WriteLine($"  Pages:     {url}/t/{{tenant}}/pricing (a tenant's prices), {url}/sign-in (staff)");
        Console.WriteLine($"  Health:    {url}/health/ready");
        var ring = app.Services.GetRequiredService<KeyRingInfo>();
        Console.WriteLine($"  Key ring:  {ring.Path} (protected at rest: {ring.ProtectedAtRest}; back it up with the database)");
        if (app.Environment.IsDevelopment() && app.Configuration.GetValue("Demo:Seed", true))
        {
            Console.WriteLine("  Demo API keys (Development only):");
            foreach (var (tenant, key) in DemoData.Keys)
                Console.WriteLine($"    {tenant,-9} {key}");
            Console.WriteLine($"  Sign in at {url}/sign-in with password {Passwords.Demo} (Development only) as:");
            Console.WriteLine($"    {DemoData.Accounts["clinic"],-24} the clinic's admin, also the platform's customer (the clinic's profile and paid services)");
            Console.WriteLine($"    {DemoData.Accounts["platform"],-24} the platform's admin");
            Console.WriteLine($"    {DemoData.Accounts["coach"],-24} the coach");
            Console.WriteLine("  Customers sign in by a link sent to them; in Development it lands in " + url + "/dev/mail:");
            foreach (var (tenant, email) in DemoData.Customers)
                Console.WriteLine($"    {url}/t/{tenant}/sign-in  {email}");
            Console.WriteLine($"  Try: curl -H 'Authorization: Bearer {DemoData.Keys["clinic"]}' {url}/api/v1/plans");
        }
        Console.WriteLine();
    }

    private static async Task LimitBodySize(HttpContext http, RequestDelegate next)
    {
        if (http.Request.ContentLength > MaxApiBodyBytes)
        {
            await TypedResults.Problem($"The body is larger than {MaxApiBodyBytes / 1024} KiB.",
                statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large").ExecuteAsync(http);
            return;
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = MaxApiBodyBytes;
        await next(http);
    }
}
