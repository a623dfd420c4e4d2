using System.Globalization;
using System.Text.Json;
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
/// create a plan, service (with its calendars), product or feature; revise a plan (a new version
/// when what it sells changes); archive a plan, service or product; give a service or product a
/// new price (a new list-price version; what was sold keeps its own); set a product's stock — each
/// through the API's own commands (<see cref="SavePlan"/>, <see cref="SaveCatalogItem"/>, <see cref="Archiving"/>)
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
                Frame = staff.Frame, Admin = staff.Role == Role.TenantAdmin, Currency = staff.Tenant.DefaultCurrency, Plans = plans,
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

        admin.MapPost("/catalog/services/new", async (string slug, HttpContext http, PaydeskDb db, SaveCatalogItem save, Audit audit, CancellationToken ct) =>
        {
            if (await AdminAsync(http, db, slug, ct) is not { } staff) return await RefuseAsync(http, db, slug, ct);
            if (await Visitors.FormAsync(http, ct) is not { } form) return Results.BadRequest();
            var currency = Currency.Parse(staff.Tenant.DefaultCurrency);
            var errors = new List<string>();
            MoneyInput? Price(string field)
            {
                var text = form[field].ToString().Trim();
                if (text.Length == 0) return null;
                if (AdminPages.ParseMajor(text, currency) is { } minor) return new MoneyInput(minor, currency.Code);
                errors.Add($"{field}: is not an amount like 250.00.");
                return null;
            }
            int? duration = int.TryParse(form["durationMinutes"], NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) ? minutes : null;
            var price = Price("price");
            var calendars = Enumerable.Range(1, 2)
                .Select(n => (Name: form[$"calendar{n}Name"].ToString().Trim(), Price: Price($"calendar{n}Price")))
                .Where(c => c.Name.Length > 0).Select(c => new CalendarInput(c.Name, c.Price)).ToList();
            if (errors.Count > 0) return Back(staff, string.Join(" ", errors));
            var created = await save.CreateService(new ServiceInput(Text(form, "name"), Text(form, "description"), duration, price ?? new MoneyInput(null, currency.Code),
                null, null, null, calendars), ct);
            return await AfterCreateAsync(created, "service", v => v.Id, staff, db, audit, ct);
        });

        admin.MapPost("/catalog/products/new", async (string slug, HttpContext http, PaydeskDb db, SaveCatalogItem save, Audit audit, CancellationToken ct) =>
        {
            if (await AdminAsync(http, db, slug, ct) is not { } staff) return await RefuseAsync(http, db, slug, ct);
            if (await Visitors.FormAsync(http, ct) is not { } form) return Results.BadRequest();
            var currency = Currency.Parse(staff.Tenant.DefaultCurrency);
            var w = AdminWords.All.For(staff.Frame.Culture);
            if (AdminPages.ParseMajor(form["price"].ToString(), currency) is not { } minor) return Back(staff, $"price: {w.AmountInvalid}");
            if (!int.TryParse(form["stock"], NumberStyles.None, CultureInfo.InvariantCulture, out var stock)) return Back(staff, $"stock: {w.AmountInvalid}");
            var created = await save.CreateProduct(new ProductInput(Text(form, "sku"), Text(form, "name"), Text(form, "description"), new MoneyInput(minor, currency.Code), stock), ct);
            return await AfterCreateAsync(created, "product", v => v.Id, staff, db, audit, ct);
        });

        admin.MapPost("/catalog/features/new", async (string slug, HttpContext http, PaydeskDb db, SaveCatalogItem save, Audit audit, CancellationToken ct) =>
        {
            if (await AdminAsync(http, db, slug, ct) is not { } staff) return await RefuseAsync(http, db, slug, ct);
            if (await Visitors.FormAsync(http, ct) is not { } form) return Results.BadRequest();
            var created = await save.CreateFeature(new FeatureInput(Text(form, "key"), Text(form, "name"), Text(form, "kind")), ct);
            return await AfterCreateAsync(created, "feature", v => v.Id, staff, db, audit, ct);
        });

        admin.MapGet("/catalog/plans/{id}", async (string slug, string id, HttpContext http, PaydeskDb db, CancellationToken ct) =>
        {
            if (await AdminAsync(http, db, slug, ct) is not { } staff) return await RefuseAsync(http, db, slug, ct);
            if (await CurrentAsync(db, id, ct) is not { } plan) return Results.NotFound();
            return await FormAsync(http, db, staff, ValuesOf(plan), [], ct, editing: plan);
        });

        admin.MapPost("/catalog/plans/{id}", async (string slug, string id, HttpContext http, PaydeskDb db, SavePlan plans, Audit audit, CancellationToken ct) =>
        {
            if (await AdminAsync(http, db, slug, ct) is not { } staff) return await RefuseAsync(http, db, slug, ct);
            if (await Visitors.FormAsync(http, ct) is not { } form) return Results.BadRequest();
            if (await CurrentAsync(db, id, ct) is not { } before) return Results.NotFound();
            var values = form.Keys.Where(k => k != "__form").ToDictionary(k => k, k => form[k].ToString().Trim());
            var currency = Currency.Parse(before.Currency);
            var (input, errors) = Read(values, currency);
            if (errors.Count == 0)
            {
                // What the plan sells is versioned; only when the form changes it does a new version begin.
                var (was, _) = Read(ValuesOf(before), currency);
                var repriced = JsonSerializer.Serialize(input with { Name = null, Description = null }) != JsonSerializer.Serialize(was with { Name = null, Description = null });
                var revision = repriced
                    ? input with { Name = values.GetValueOrDefault("name", ""), Description = values.GetValueOrDefault("description", "") }
                    : new PlanInput(values.GetValueOrDefault("name", ""), values.GetValueOrDefault("description", ""), null, null, null, null, null);
                var revised = await plans.Revise(id, revision, ct);
                if (revised.Value is { } plan)
                {
                    await audit.RecordAsync(db, staff.User, "revise-plan", "plan", id, before, plan, ct);
                    return Results.LocalRedirect($"{staff.Frame.Root}/catalog?done=plan");
                }
                errors = FieldsOf(revised.Problem!);
            }
            return await FormAsync(http, db, staff, values, errors, ct, StatusCodes.Status400BadRequest, editing: before);
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
                errors = FieldsOf(created.Problem!);
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
            terms = SavePlan.AllowedTermMonths.Select(m => (m, Money($"term{m}"))).Where(t => t.Item2 is not null).Select(t => new TermInput(t.m, t.Item2)).ToList();
        else
        {
            price = Money("amount");
            if (pricing == "recurring") interval = new IntervalInput(Get("intervalUnit") ?? "month", Int("intervalCount") ?? 1);
        }

        var grants = new List<GrantInput>();
        for (var i = 0; i < MaxGrants; i++)
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
        List<(string Field, string Message)> errors, CancellationToken ct, int status = StatusCodes.Status200OK, PlanView? editing = null)
    {
        var services = await db.Services.AsNoTracking().Where(s => s.ArchivedAt == null).OrderBy(s => s.Name).Select(s => new { s.Id, s.Name }).ToListAsync(ct);
        var features = await db.Features.AsNoTracking().Where(f => f.ArchivedAt == null).OrderBy(f => f.Name).Select(f => new { f.Key, f.Name }).ToListAsync(ct);
        var products = await db.Products.AsNoTracking().Where(p => p.ArchivedAt == null).OrderBy(p => p.Name).Select(p => new { p.Id, p.Name }).ToListAsync(ct);
        return HtmlPages.Page<PlanFormView>(http, new
        {
            staff.Frame, Currency = editing?.Currency ?? staff.Tenant.DefaultCurrency, PlanId = editing is null ? null : Uri.EscapeDataString(editing.Id), PlanName = editing?.Name,
            TermMonths = new[] { 1, 3, 6, 12 }.Union(editing?.Terms.Select(t => t.TermMonths!.Value) ?? []).Order().ToList(),
            GrantRows = Math.Clamp((editing?.Grants.Count ?? 0) + 1, 3, MaxGrants),
            ServiceChoices = services.Select(s => (s.Id, s.Name)).ToList(), FeatureChoices = features.Select(f => (f.Key, f.Name)).ToList(),
            ProductChoices = products.Select(p => (p.Id, p.Name)).ToList(), Values = values, Errors = errors,
        }, status: status);
    }

    /// <summary>What a create on the catalog page comes to: back with the refusal, its fields named; or audited, and back saying done.</summary>
    private static async Task<IResult> AfterCreateAsync<T>(Result<T> created, string kind, Func<T, string> idOf, AdminPages.Staff staff, PaydeskDb db, Audit audit,
        CancellationToken ct)
    {
        if (created.Problem is { } problem) return Back(staff, problem.Explained);
        await audit.RecordAsync(db, staff.User, $"create-{kind}", kind, idOf(created.Value!), null, created.Value, ct);
        return Results.LocalRedirect($"{staff.Frame.Root}/catalog?done={kind}");
    }

    /// <summary>The most grants the plan form holds.</summary>
    private const int MaxGrants = 10;

    private static async Task<PlanView?> CurrentAsync(PaydeskDb db, string id, CancellationToken ct) =>
        await PlanQueries.WithCurrentVersion(db.Plans.AsNoTracking()).FirstOrDefaultAsync(p => p.Id == id && p.ArchivedAt == null, ct) is { } plan ? PlanView.From(plan) : null;

    /// <summary>The plan form's fields as <paramref name="plan"/> fills them.</summary>
    private static Dictionary<string, string> ValuesOf(PlanView plan)
    {
        var currency = Currency.Parse(plan.Currency);
        var values = new Dictionary<string, string> { ["name"] = plan.Name, ["description"] = plan.Description ?? "", ["trialDays"] = Inv(plan.TrialDays) };
        if (plan.Terms.Count > 0)
        {
            values["pricing"] = "terms";
            foreach (var term in plan.Terms) values[$"term{Inv(term.TermMonths!.Value)}"] = Major(term.Price.Amount, plan.Currency);
        }
        else
        {
            values["pricing"] = plan.Interval is null ? "once" : "recurring";
            if (plan.Price is { } price) values["amount"] = Major(price.Price.Amount, currency.Code);
            if (plan.Interval is { } interval) (values["intervalUnit"], values["intervalCount"]) = (interval.Unit, Inv(interval.Count));
        }
        foreach (var (g, i) in plan.Grants.Select((g, i) => (g, i)))
        {
            void Set(string field, string? value) { if (value is not null) values[$"grant{Inv(i)}{field}"] = value; }
            Set("Type", g.Type);
            Set("Service", g.ServiceId);
            Set("Count", g.Count is { } count ? Inv(count) : null);
            Set("ValidMonths", g.ValidFor switch { { Unit: "month" } v => Inv(v.Count), { Unit: "year" } v => Inv(12 * v.Count), _ => null });
            Set("Feature", g.Feature);
            Set("Tokens", g.Tokens is { } tokens ? tokens.ToString(CultureInfo.InvariantCulture) : null);
            Set("Every", g.Every);
            Set("Product", g.ProductId);
            Set("Quantity", g.Quantity is { } quantity ? Inv(quantity) : null);
        }
        return values;
    }

    private static string Inv(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string? Text(IFormCollection form, string field) => form[field].ToString().Trim() is { Length: > 0 } text ? text : null;

    /// <summary>A refusal of the catalog's, field by field.</summary>
    private static List<(string Field, string Message)> FieldsOf(Problem problem) =>
        problem.Errors?.SelectMany(e => e.Value.Select(m => (e.Key, m))).ToList() ?? [("plan", problem.Detail ?? problem.Title)];


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
