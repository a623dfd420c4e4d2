using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Catalog;

internal static class CatalogEndpoints
{
    public static void MapCatalog(this RouteGroupBuilder api)
    {
        var plans = api.MapGroup("/plans").WithTags("Plans");
        MapReads(plans, "plan", db => PlanQueries.WithCurrentVersion(db.Plans), PlanView.From);
        plans.MapPost("/", async (PlanInput body, SavePlan save, CancellationToken ct) =>
            (await save.Create(body, ct)).Created(p => $"/api/v1/plans/{p.Id}")).RequireAuthorization(Policies.Admin).Creates<PlanView>()
            .WithName("createPlan").WithSummary("Create a plan");
        plans.MapPatch("/{id}", async (string id, PlanInput body, SavePlan save, CancellationToken ct) =>
            (await save.Revise(id, body, ct)).Ok()).RequireAuthorization(Policies.Admin).Revises<PlanView>()
            .WithName("revisePlan").WithSummary("Revise a plan: a new version, the earlier ones kept as sold");
        MapArchive(plans, "plan", db => PlanQueries.WithCurrentVersion(db.Plans), PlanView.From);
        // What an order, invoice or entitlement of an earlier version was sold as.
        plans.MapGet("/{id}/versions/{version:int}", async (string id, int version, PaydeskDb db, CancellationToken ct) =>
        {
            var plan = await db.Plans.AsNoTracking()
                .Include(p => p.Prices.Where(x => x.PlanVersion == version)).Include(p => p.Grants.Where(x => x.PlanVersion == version))
                .AsSplitQuery().FirstOrDefaultAsync(p => p.Id == id, ct);
            return plan is null || version < 1 || version > plan.Version
                ? Problem.NotFound($"version {version} of plan", id).ToHttp()
                : TypedResults.Ok(PlanView.From(plan, version));
        }).RequireAuthorization(Policies.Any).Reads<PlanView>()
            .WithName("getPlanVersion").WithSummary("Read a plan as it was at one of its versions");

        var services = api.MapGroup("/services").WithTags("Services");
        MapReads(services, "service", ServicesWithParts, ServiceView.From);
        services.MapPost("/", async (ServiceInput body, SaveCatalogItem save, CancellationToken ct) =>
            (await save.CreateService(body, ct)).Created(s => $"/api/v1/services/{s.Id}")).RequireAuthorization(Policies.Admin).Creates<ServiceView>()
            .WithName("createService").WithSummary("Create a service");
        services.MapPatch("/{id}", async (string id, ServiceInput body, SaveCatalogItem save, CancellationToken ct) =>
            (await save.UpdateService(id, body, ct)).Ok()).RequireAuthorization(Policies.Admin).Revises<ServiceView>()
            .WithName("reviseService").WithSummary("Revise a service");
        MapArchive(services, "service", ServicesWithParts, ServiceView.From);
        services.MapGet("/{id}/versions/{version:int}", async (string id, int version, PaydeskDb db, CancellationToken ct) =>
            await db.Services.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct) is { } s
                ? await PriceVersionAsync(db, id, version, s.PriceVersion, s.PriceMinor, s.Currency, s.CreatedAt, ct)
                : Problem.NotFound("service", id).ToHttp())
            .RequireAuthorization(Policies.Any).Reads<ListPriceView>()
            .WithName("getServicePriceVersion").WithSummary("Read a version of a service's list price");

        var products = api.MapGroup("/products").WithTags("Products");
        MapReads(products, "product", db => db.Products, ProductView.From);
        products.MapPost("/", async (ProductInput body, SaveCatalogItem save, CancellationToken ct) =>
            (await save.CreateProduct(body, ct)).Created(p => $"/api/v1/products/{p.Id}")).RequireAuthorization(Policies.Admin).Creates<ProductView>()
            .WithName("createProduct").WithSummary("Create a product");
        products.MapPatch("/{id}", async (string id, ProductInput body, SaveCatalogItem save, CancellationToken ct) =>
            (await save.UpdateProduct(id, body, ct)).Ok()).RequireAuthorization(Policies.Admin).Revises<ProductView>()
            .WithName("reviseProduct").WithSummary("Revise a product");
        MapArchive(products, "product", db => db.Products, ProductView.From);
        products.MapGet("/{id}/versions/{version:int}", async (string id, int version, PaydeskDb db, CancellationToken ct) =>
            await db.Products.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct) is { } p
                ? await PriceVersionAsync(db, id, version, p.PriceVersion, p.PriceMinor, p.Currency, p.CreatedAt, ct)
                : Problem.NotFound("product", id).ToHttp())
            .RequireAuthorization(Policies.Any).Reads<ListPriceView>()
            .WithName("getProductPriceVersion").WithSummary("Read a version of a product's list price");

        var features = api.MapGroup("/features").WithTags("Features");
        MapReads(features, "feature", db => db.Features, FeatureView.From);
        features.MapPost("/", async (FeatureInput body, SaveCatalogItem save, CancellationToken ct) =>
            (await save.CreateFeature(body, ct)).Created(f => $"/api/v1/features/{f.Id}")).RequireAuthorization(Policies.Admin).Creates<FeatureView>()
            .WithName("createFeature").WithSummary("Create a feature (an access or a badge)");
        MapArchive(features, "feature", db => db.Features, FeatureView.From);

        var specialists = api.MapGroup("/specialists").WithTags("Specialists");
        MapReads(specialists, "specialist", db => db.Specialists, SpecialistView.From);
        specialists.MapPost("/", async (SpecialistInput body, SaveCatalogItem save, CancellationToken ct) =>
            (await save.CreateSpecialist(body, ct)).Created(s => $"/api/v1/specialists/{s.Id}")).RequireAuthorization(Policies.Admin).Creates<SpecialistView>()
            .WithName("createSpecialist").WithSummary("Create a specialist");
        MapArchive(specialists, "specialist", db => db.Specialists, SpecialistView.From);
    }

    public static IServiceCollection AddCatalog(this IServiceCollection services) =>
        services.AddScoped<SavePlan>().AddScoped<SaveCatalogItem>();

    private static IQueryable<Service> ServicesWithParts(PaydeskDb db) =>
        db.Services.Include(s => s.Specialists).Include(s => s.Calendars).AsSplitQuery();

    /// <summary>
    /// GET list and GET by id. Anyone of the tenant may read the catalog, customers included, but
    /// archived items are listed only for staff who ask for them.
    /// </summary>
    private static async Task<IResult> PriceVersionAsync(
        PaydeskDb db, string id, int version, int current, long minor, string currency, DateTimeOffset created, CancellationToken ct)
    {
        var history = await db.ListPrices.AsNoTracking().Where(l => l.ItemId == id).ToListAsync(ct);
        return ListPriceView.Of(version, current, minor, currency, created, history) is { } view
            ? TypedResults.Ok(view)
            : Problem.NotFound($"version {version} of the price of", id).ToHttp();
    }

    private static void MapReads<T, TView>(RouteGroupBuilder group, string what, Func<PaydeskDb, IQueryable<T>> source, Func<T, TView> view)
        where T : class, IArchivable where TView : class
    {
        group.MapGet("/", async (PageRequest page, bool? includeArchived, PaydeskDb db, CancellationToken ct) =>
        {
            var query = source(db);
            if (includeArchived != true || db.Tenant.IsCustomer) query = query.Where(x => x.ArchivedAt == null);
            return (await page.Run(query, view, ct)).Ok();
        }).RequireAuthorization(Policies.Any).Lists<TView>()
            .WithName($"list{Plural(what)}").WithSummary($"List {what}s");

        group.MapGet("/{id}", async (string id, PaydeskDb db, CancellationToken ct) =>
        {
            var item = await source(db).FirstOrDefaultAsync(x => x.Id == id && (x.ArchivedAt == null || !db.Tenant.IsCustomer), ct);
            return ApiResults.OkOrNotFound(item is null ? null : view(item), what, id);
        }).RequireAuthorization(Policies.Any).Reads<TView>()
            .WithName($"get{Singular(what)}").WithSummary($"Read a {what}");
    }

    /// <summary>"plan" → "Plan", for the operation ids of the endpoints the catalog's kinds share.</summary>
    private static string Singular(string what) => char.ToUpperInvariant(what[0]) + what[1..];

    private static string Plural(string what) => Singular(what) + "s";

    private static void MapArchive<T, TView>(RouteGroupBuilder group, string what, Func<PaydeskDb, IQueryable<T>> source, Func<T, TView> view)
        where T : class, IArchivable
    {
        group.MapPost("/{id}/archive", async (string id, PaydeskDb db, TimeProvider time, CancellationToken ct) =>
        {
            var item = await Archiving.ArchiveAsync(db, source(db), id, time, ct);
            return item is null ? Problem.NotFound(what, id).ToHttp() : TypedResults.Ok(view(item));
        }).RequireAuthorization(Policies.Admin).Reads<TView>()
            .WithName($"archive{Singular(what)}").WithSummary($"Archive a {what}: it stays readable, and is no longer sold");
    }
}
