using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Catalog;
using Paydesk.Core;
using Paydesk.Invoices;
using Paydesk.Storage;
using Paydesk.Tenancy;
using Paydesk.Web.Shop;

namespace Paydesk.Web.Admin;

/// <summary>A service or product as the catalog page lists it.</summary>
public sealed record CatalogItemRow(string Id, string Name, string Price, string Major, string Currency, int Version, int Stock, IReadOnlyList<string> Calendars);

/// <summary>
/// <c>/admin/{tenant}/catalog</c>: the catalog as staff read it, and what admins change there —
/// archive a plan, service or product, give a service or product a new price (a new list-price
/// version; what was sold keeps its own), set a product's stock, create a plan — each through the
/// API's own commands (<see cref="SavePlan"/>, <see cref="SaveCatalogItem"/>, <see cref="Archiving"/>)
/// and written to the audit log.
/// </summary>
internal static class CatalogPages
{
    public static void MapCatalogPages(this RouteGroupBuilder admin)
    {
        admin.MapGet("/catalog", async (string slug, string? done, string? error, HttpContext http, PaydeskDb db, CancellationToken ct) =>
        {
            var opening = await AdminPages.OpenAsync(http, db, slug, ct);
            if (opening.Staff is not { } staff) return opening.Refusal(http);
            var culture = staff.Frame.Culture;
            var plans = await PlanCards.LoadAsync(db, culture, onlyPlanId: null, ct);
            var services = await db.Services.AsNoTracking().Include(s => s.Calendars).Where(s => s.ArchivedAt == null).OrderBy(s => s.CreatedAt).ToListAsync(ct);
            var products = await db.Products.AsNoTracking().Where(p => p.ArchivedAt == null).OrderBy(p => p.CreatedAt).ToListAsync(ct);
            var features = await db.Features.AsNoTracking().Where(f => f.ArchivedAt == null).OrderBy(f => f.CreatedAt).ToListAsync(ct);
            return HtmlPages.Page<CatalogView>(http, new
            {
                Frame = staff.Frame, Admin = staff.Role == Role.TenantAdmin, Plans = plans,
                Services = services.Select(s => new CatalogItemRow(Uri.EscapeDataString(s.Id), s.Name, Display.Amount(s.PriceMinor, s.Currency, culture), Major(s.PriceMinor, s.Currency),
                    s.Currency, s.PriceVersion, 0, s.Calendars.Where(c => c.ArchivedAt == null)
                        .Select(c => $"{c.Name}: {Display.Amount(c.PriceMinor ?? s.PriceMinor, s.Currency, culture)}").ToList())).ToList(),
                Products = products.Select(p => new CatalogItemRow(Uri.EscapeDataString(p.Id), p.Name, Display.Amount(p.PriceMinor, p.Currency, culture), Major(p.PriceMinor, p.Currency),
                    p.Currency, p.PriceVersion, p.Stock, [])).ToList(),
                Features = features.Select(f => (f.Key, f.Name, f.Kind.ToString().ToLowerInvariant())).ToList(),
                Notice = error ?? (done is null ? null : AdminWords.All.For(culture).Done), NoticeIsError = error is not null,
            });
        });

        admin.MapPost("/catalog/{kind}/{id}/archive", async (string slug, string kind, string id, HttpContext http, PaydeskDb db, TimeProvider time, Audit audit, CancellationToken ct) =>
        {
            if (await AdminAsync(http, db, slug, ct) is not { } staff) return await RefuseAsync(http, db, slug, ct);
            if (await Visitors.FormAsync(http, ct) is null) return Results.BadRequest();
            IArchivable? archived = kind switch
            {
                "plans" => await Archiving.ArchiveAsync(db, db.Plans, id, time, ct),
                "services" => await Archiving.ArchiveAsync(db, db.Services, id, time, ct),
                "products" => await Archiving.ArchiveAsync(db, db.Products, id, time, ct),
                _ => null,
            };
            if (archived is null) return Results.NotFound();
            await audit.RecordAsync(db, staff.User, "archive", kind.TrimEnd('s'), id, new { status = "active" }, new { status = "archived" }, ct);
            return Results.LocalRedirect($"{staff.Frame.Root}/catalog?done=archive");
        });

        admin.MapPost("/catalog/services/{id}/price", async (string slug, string id, HttpContext http, PaydeskDb db, SaveCatalogItem save, Audit audit, CancellationToken ct) =>
        {
            if (await AdminAsync(http, db, slug, ct) is not { } staff) return await RefuseAsync(http, db, slug, ct);
            if (await Visitors.FormAsync(http, ct) is not { } form) return Results.BadRequest();
            var before = await db.Services.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
            if (before is null) return Results.NotFound();
            if (AdminPages.ParseMajor(form["price"].ToString(), Currency.Parse(before.Currency)) is not { } minor)
                return Back(staff, AdminWords.All.For(staff.Frame.Culture).AmountInvalid);
            var saved = await save.UpdateService(id, new ServiceInput(null, null, null, new MoneyInput(minor, before.Currency), null, null, null, null), ct);
            if (saved.Problem is { } problem) return Back(staff, problem.Message);
            await audit.RecordAsync(db, staff.User, "reprice", "service", id,
                new { priceMinor = before.PriceMinor, version = before.PriceVersion }, new { priceMinor = minor, version = saved.Value!.PriceVersion }, ct);
            return Results.LocalRedirect($"{staff.Frame.Root}/catalog?done=price");
        });

        admin.MapPost("/catalog/products/{id}", async (string slug, string id, HttpContext http, PaydeskDb db, SaveCatalogItem save, Audit audit, CancellationToken ct) =>
        {
            if (await AdminAsync(http, db, slug, ct) is not { } staff) return await RefuseAsync(http, db, slug, ct);
            if (await Visitors.FormAsync(http, ct) is not { } form) return Results.BadRequest();
            var before = await db.Products.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
            if (before is null) return Results.NotFound();
            var w = AdminWords.All.For(staff.Frame.Culture);
            if (AdminPages.ParseMajor(form["price"].ToString(), Currency.Parse(before.Currency)) is not { } minor) return Back(staff, w.AmountInvalid);
            if (!int.TryParse(form["stock"], NumberStyles.None, CultureInfo.InvariantCulture, out var stock)) return Back(staff, w.AmountInvalid);
            var saved = await save.UpdateProduct(id, new ProductInput(null, null, null, minor == before.PriceMinor ? null : new MoneyInput(minor, before.Currency), stock), ct);
            if (saved.Problem is { } problem) return Back(staff, problem.Message);
            await audit.RecordAsync(db, staff.User, "update-product", "product", id,
                new { priceMinor = before.PriceMinor, stock = before.Stock }, new { priceMinor = minor, stock }, ct);
            return Results.LocalRedirect($"{staff.Frame.Root}/catalog?done=product");
        });

        admin.MapGet("/catalog/plans/new", async (string slug, HttpContext http, PaydeskDb db, CancellationToken ct) =>
        {
            if (await AdminAsync(http, db, slug, ct) is not { } staff) return await RefuseAsync(http, db, slug, ct);
            return await FormAsync(http, db, staff, new Dictionary<string, string>(), [], ct);
        });

        admin.MapPost("/catalog/plans/new", async (string slug, HttpContext http, PaydeskDb db, SavePlan plans, Audit audit, CancellationToken ct) =>
        {
            if (await AdminAsync(http, db, slug, ct) is not { } staff) return await RefuseAsync(http, db, slug, ct);
            if (await Visitors.FormAsync(http, ct) is not { } form) return Results.BadRequest();
            var values = form.Keys.Where(k => k != "__form").ToDictionary(k => k, k => form[k].ToString().Trim());
            var currency = Currency.Parse(staff.Tenant.DefaultCurrency);
            var (input, errors) = Read(values, currency);
            if (errors.Count == 0)
            {
                var created = await plans.Create(input, ct);
                if (created.Value is { } plan)
                {
                    await audit.RecordAsync(db, staff.User, "create-plan", "plan", plan.Id, null, plan, ct);
                    return Results.LocalRedirect($"{staff.Frame.Root}/catalog?done=plan");
                }
                var problem = created.Problem!;
                errors = problem.Errors?.SelectMany(e => e.Value.Select(m => (e.Key, m))).ToList() ?? [("plan", problem.Detail ?? problem.Title)];
            }
            return await FormAsync(http, db, staff, values, errors, ct, StatusCodes.Status400BadRequest);
        });
    }

    /// <summary>The plan the form describes, or what in the form cannot be read.</summary>
    private static (PlanInput Input, List<(string Field, string Message)> Errors) Read(Dictionary<string, string> form, Currency currency)
    {
        var errors = new List<(string, string)>();
        string? Get(string key) => form.TryGetValue(key, out var v) && v.Length > 0 ? v : null;
        int? Int(string key)
        {
            if (Get(key) is not { } text) return null;
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return n;
            errors.Add((key, "is not a whole number."));
            return null;
        }
        MoneyInput? Money(string key)
        {
            if (Get(key) is not { } text) return null;
            if (AdminPages.ParseMajor(text, currency) is { } minor) return new MoneyInput(minor, currency.Code);
            errors.Add((key, "is not an amount like 250.00."));
            return null;
        }

        var pricing = Get("pricing") ?? "once";
        MoneyInput? price = null;
        IntervalInput? interval = null;
        List<TermInput>? terms = null;
        if (pricing == "terms")
            terms = new[] { 1, 3, 6, 12 }.Select(m => (m, Money($"term{m}"))).Where(t => t.Item2 is not null).Select(t => new TermInput(t.m, t.Item2)).ToList();
        else
        {
            price = Money("amount");
            if (pricing == "recurring") interval = new IntervalInput(Get("intervalUnit") ?? "month", Int("intervalCount") ?? 1);
        }

        var grants = new List<GrantInput>();
        for (var i = 0; i < 3; i++)
        {
            if (Get($"grant{i}Type") is not { } type) continue;
            var valid = Int($"grant{i}ValidMonths");
            grants.Add(type switch
            {
                "sessions" => new GrantInput(type, Get($"grant{i}Service"), Int($"grant{i}Count"), valid is null ? null : new IntervalInput("month", valid), null, null, null, null, null, null),
                "access" or "badge" => new GrantInput(type, null, null, null, Get($"grant{i}Feature"), null, null, null, null, null),
                "tokens" => new GrantInput(type, null, null, null, null, null, Int($"grant{i}Tokens"), Get($"grant{i}Every") ?? "purchase", null, null),
                _ => new GrantInput(type, null, null, null, null, null, null, null, Get($"grant{i}Product"), Int($"grant{i}Quantity") ?? 1),
            });
        }
        return (new PlanInput(Get("name"), Get("description"), price, interval, terms, Int("trialDays"), grants), errors);
    }

    private static async Task<IResult> FormAsync(HttpContext http, PaydeskDb db, AdminPages.Staff staff, Dictionary<string, string> values,
        List<(string Field, string Message)> errors, CancellationToken ct, int status = StatusCodes.Status200OK)
    {
        var services = await db.Services.AsNoTracking().Where(s => s.ArchivedAt == null).OrderBy(s => s.Name).Select(s => new { s.Id, s.Name }).ToListAsync(ct);
        var features = await db.Features.AsNoTracking().Where(f => f.ArchivedAt == null).OrderBy(f => f.Name).Select(f => new { f.Key, f.Name }).ToListAsync(ct);
        var products = await db.Products.AsNoTracking().Where(p => p.ArchivedAt == null).OrderBy(p => p.Name).Select(p => new { p.Id, p.Name }).ToListAsync(ct);
        return HtmlPages.Page<PlanFormView>(http, new
        {
            staff.Frame, Currency = staff.Tenant.DefaultCurrency,
            ServiceChoices = services.Select(s => (s.Id, s.Name)).ToList(), FeatureChoices = features.Select(f => (f.Key, f.Name)).ToList(),
            ProductChoices = products.Select(p => (p.Id, p.Name)).ToList(), Values = values, Errors = errors,
        }, status: status);
    }

    /// <summary>The staff of the tenant when they are its admins; null otherwise.</summary>
    private static async Task<AdminPages.Staff?> AdminAsync(HttpContext http, PaydeskDb db, string slug, CancellationToken ct) =>
        (await AdminPages.OpenAsync(http, db, slug, ct)).Staff is { Role: Role.TenantAdmin } staff ? staff : null;

    /// <summary>Not an admin here: a 404 for someone signed in (staff included: nothing here is theirs to change), else to sign in.</summary>
    private static async Task<IResult> RefuseAsync(HttpContext http, PaydeskDb db, string slug, CancellationToken ct) =>
        (await AdminPages.OpenAsync(http, db, slug, ct)) is { Staff: null } opening ? opening.Refusal(http) : Results.NotFound();

    private static IResult Back(AdminPages.Staff staff, string error) => Results.LocalRedirect($"{staff.Frame.Root}/catalog?error={Uri.EscapeDataString(error)}");

    private static string Major(long minor, string currency)
    {
        var c = Currency.Parse(currency);
        return new Money(minor, c).ToMajor().ToString("F" + c.Exponent.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }
}
