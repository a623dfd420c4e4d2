using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Core;
using Paydesk.Storage;

namespace Paydesk.Catalog;

public sealed record FeatureInput(string? Key, string? Name, string? Kind);

public sealed record FeatureView(string Id, string Key, string Name, string Kind, string Status, DateTimeOffset CreatedAt)
{
    public static FeatureView From(Feature f) =>
        new(f.Id, f.Key, f.Name, f.Kind == FeatureKind.Badge ? "badge" : "access", CatalogStatus.Of(f), f.CreatedAt);
}

public sealed record SpecialistInput(string? Name, string? Title, string? Email, string? TimeZone);

public sealed record SpecialistView(string Id, string Name, string? Title, string? Email, string TimeZone, string Status)
{
    public static SpecialistView From(Specialist s) => new(s.Id, s.Name, s.Title, s.Email, s.TimeZone, CatalogStatus.Of(s));
}

public sealed record DocumentInput(string? Title, string? Url);
public sealed record CalendarInput(string? Name, MoneyInput? Price);

public sealed record ServiceInput(
    string? Name, string? Description, int? DurationMinutes, MoneyInput? Price, List<string>? SpecialistIds,
    List<string>? RequiredForms, List<DocumentInput>? Documents, List<CalendarInput>? Calendars);

public sealed record CalendarView(string Id, string Name, MoneyView Price);

public sealed record ServiceView(
    string Id, string Name, string? Description, int DurationMinutes, MoneyView Price, int PriceVersion, IReadOnlyList<string> SpecialistIds,
    IReadOnlyList<string> RequiredForms, IReadOnlyList<ServiceDocument> Documents, IReadOnlyList<CalendarView> Calendars,
    string Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static ServiceView From(Service s) => new(
        s.Id, s.Name, s.Description, s.DurationMinutes, MoneyView.From(s.PriceMinor, s.Currency), s.PriceVersion,
        s.Specialists.Select(x => x.SpecialistId).Order(StringComparer.Ordinal).ToList(), s.RequiredForms, s.Documents,
        s.Calendars.Where(c => c.ArchivedAt is null).OrderBy(c => c.Id, StringComparer.Ordinal)
            .Select(c => new CalendarView(c.Id, c.Name, MoneyView.From(c.PriceMinor ?? s.PriceMinor, s.Currency))).ToList(),
        CatalogStatus.Of(s), s.CreatedAt, s.UpdatedAt);
}

public sealed record ProductInput(string? Sku, string? Name, string? Description, MoneyInput? Price, int? Stock);

public sealed record ProductView(
    string Id, string Sku, string Name, string? Description, MoneyView Price, int PriceVersion, int Stock, string Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static ProductView From(Product p) =>
        new(p.Id, p.Sku, p.Name, p.Description, MoneyView.From(p.PriceMinor, p.Currency), p.PriceVersion, p.Stock, CatalogStatus.Of(p), p.CreatedAt, p.UpdatedAt);
}

/// <summary>One version of a service's or product's list price: what it was, and from when until when.</summary>
public sealed record ListPriceView(int Version, MoneyView Price, string Status, DateTimeOffset From, DateTimeOffset? Until)
{
    /// <summary>Version <paramref name="version"/> of an item whose current price is given, from its kept history; null if there is none such.</summary>
    public static ListPriceView? Of(int version, int currentVersion, long currentMinor, string currency, DateTimeOffset created, IReadOnlyList<ListPrice> history)
    {
        if (version < 1 || version > currentVersion) return null;
        var from = history.FirstOrDefault(h => h.Version == version - 1)?.SupersededAt ?? created;
        if (version == currentVersion) return new(version, MoneyView.From(currentMinor, currency), "active", from, null);
        var kept = history.FirstOrDefault(h => h.Version == version);
        return kept is null ? null : new(version, MoneyView.From(kept.AmountMinor, kept.Currency), "superseded", from, kept.SupersededAt);
    }
}

internal static class CatalogStatus
{
    public static string Of(IArchivable item) => item.ArchivedAt is null ? "active" : "archived";
}

/// <summary>Creates and revises features, specialists, services and products.</summary>
public sealed class SaveCatalogItem(PaydeskDb db, IdGenerator ids, TimeProvider time)
{
    public async Task<Result<FeatureView>> CreateFeature(FeatureInput input, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var key = errors.Text("key", input.Key, 64);
        if (key.Length > 0 && !key.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-'))
            errors.Add("key", "may hold only lower-case letters, digits, '_' and '-'.");
        var name = errors.Text("name", input.Name);
        FeatureKind? kind = input.Kind switch { "access" or null => FeatureKind.Access, "badge" => FeatureKind.Badge, _ => null };
        if (kind is null) errors.Add("kind", "must be 'access' or 'badge'.");
        if (errors.Any) return errors.ToProblem();
        if (await db.Features.AnyAsync(f => f.Key == key, ct))
            return Problem.Conflict($"A feature with key '{key}' exists already.");

        var feature = new Feature { TenantId = "", Id = ids.New("feat"), Key = key, Name = name, Kind = kind!.Value, CreatedAt = time.GetUtcNow() };
        db.Features.Add(feature);
        await db.SaveChangesAsync(ct);
        return FeatureView.From(feature);
    }

    public async Task<Result<SpecialistView>> CreateSpecialist(SpecialistInput input, CancellationToken ct)
    {
        var tenant = await db.Tenants.SingleAsync(t => t.Id == db.Tenant.TenantId, ct);
        var specialist = new Specialist { TenantId = "", Id = ids.New("spec"), Name = "", TimeZone = tenant.TimeZone, CreatedAt = time.GetUtcNow() };
        var errors = new FieldErrors();
        specialist.Name = errors.Text("name", input.Name);
        specialist.Title = errors.OptionalText("title", input.Title, 200);
        specialist.Email = errors.Email("email", input.Email);
        specialist.TimeZone = errors.TimeZone("timeZone", input.TimeZone, tenant.TimeZone);
        if (errors.Any) return errors.ToProblem();
        db.Specialists.Add(specialist);
        await db.SaveChangesAsync(ct);
        return SpecialistView.From(specialist);
    }

    public Task<Result<ServiceView>> CreateService(ServiceInput input, CancellationToken ct) =>
        SaveService(new Service { TenantId = "", Id = ids.New("svc"), Name = "", Currency = "", CreatedAt = time.GetUtcNow() }, input, creating: true, ct);

    public Task<Result<ServiceView>> UpdateService(string id, ServiceInput input, CancellationToken ct) =>
        WhileOrdersMarkPricesAsync(async () =>
        {
            var service = await db.Services.Include(s => s.Specialists).Include(s => s.Calendars).FirstOrDefaultAsync(s => s.Id == id, ct);
            return service is null ? Problem.NotFound("service", id) : await SaveService(service, input, creating: false, ct);
        });

    private async Task<Result<ServiceView>> SaveService(Service service, ServiceInput input, bool creating, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (creating || input.Name is not null) service.Name = errors.Text("name", input.Name);
        if (input.Description is not null) service.Description = errors.OptionalText("description", input.Description);
        if (creating || input.DurationMinutes is not null)
            service.DurationMinutes = errors.Count("durationMinutes", input.DurationMinutes, min: 5, max: 24 * 60);
        if (creating || input.Price is not null)
        {
            // The currency is fixed once the service exists: its calendars and plans are priced in it.
            var price = errors.Price("price", input.Price, creating ? null : Currency.Parse(service.Currency));
            if (price is { } p)
            {
                if (!creating) Reprice(service.Id, service.PriceVersion, service.PriceInUse, service.PriceMinor, service.Currency, p.Minor, v => service.PriceVersion = v);
                if (!creating && service.PriceMinor != p.Minor) service.PriceInUse = false;
                (service.PriceMinor, service.Currency) = (p.Minor, p.Currency.Code);
            }
        }
        if (input.RequiredForms is not null)
        {
            service.RequiredForms = input.RequiredForms.Select((f, i) => errors.Text($"requiredForms[{i}]", f)).ToList();
        }
        if (input.Documents is not null)
        {
            service.Documents = input.Documents.Select((d, i) => new ServiceDocument(
                errors.Text($"documents[{i}].title", d.Title), errors.HttpUrl($"documents[{i}].url", d.Url, required: true))).ToList();
        }
        if (input.SpecialistIds is { } specialistIds)
        {
            var wanted = specialistIds.Distinct(StringComparer.Ordinal).ToList();
            var known = await db.Specialists.Where(s => wanted.Contains(s.Id) && s.ArchivedAt == null).Select(s => s.Id).ToListAsync(ct);
            for (var i = 0; i < specialistIds.Count; i++)
                if (!known.Contains(specialistIds[i])) errors.Add($"specialistIds[{i}]", $"no active specialist '{specialistIds[i]}'.");
            service.Specialists.RemoveAll(s => !wanted.Contains(s.SpecialistId));
            foreach (var id in wanted.Where(w => service.Specialists.All(s => s.SpecialistId != w)))
                service.Specialists.Add(new ServiceSpecialist { TenantId = "", ServiceId = service.Id, SpecialistId = id });
        }
        if (input.Calendars is { } calendars)
        {
            // Calendars are added here; an existing calendar is kept (bookings may point at it).
            for (var i = 0; i < calendars.Count; i++)
            {
                var name = errors.Text($"calendars[{i}].name", calendars[i].Name);
                var price = calendars[i].Price is null ? null
                    : errors.Price($"calendars[{i}].price", calendars[i].Price, service.Currency.Length == 3 ? Currency.Parse(service.Currency) : null);
                if (service.Calendars.Any(c => c.Name == name && c.ArchivedAt is null)) continue;
                service.Calendars.Add(new BookingCalendar { TenantId = "", Id = ids.New("cal"), ServiceId = service.Id, Name = name, PriceMinor = price?.Minor });
            }
        }
        if (errors.Any) return errors.ToProblem();

        service.UpdatedAt = time.GetUtcNow();
        if (creating) db.Services.Add(service);
        await db.SaveChangesAsync(ct);
        return ServiceView.From(service);
    }

    public async Task<Result<ProductView>> CreateProduct(ProductInput input, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var sku = errors.Text("sku", input.Sku, 64);
        var product = new Product { TenantId = "", Id = ids.New("prod"), Sku = sku, Name = "", Currency = "", CreatedAt = time.GetUtcNow() };
        ApplyProduct(product, input, errors, creating: true);
        if (errors.Any) return errors.ToProblem();
        if (await db.Products.AnyAsync(p => p.Sku == sku, ct))
            return Problem.Conflict($"A product with SKU '{sku}' exists already.");
        db.Products.Add(product);
        await db.SaveChangesAsync(ct);
        return ProductView.From(product);
    }

    public Task<Result<ProductView>> UpdateProduct(string id, ProductInput input, CancellationToken ct) =>
        WhileOrdersMarkPricesAsync<ProductView>(async () =>
        {
            var product = await db.Products.FirstOrDefaultAsync(p => p.Id == id, ct);
            if (product is null) return Problem.NotFound("product", id);
            var errors = new FieldErrors();
            if (input.Sku is not null && input.Sku != product.Sku) errors.Add("sku", "cannot change; archive the product and create another.");
            ApplyProduct(product, input, errors, creating: false);
            if (errors.Any) return errors.ToProblem();
            await db.SaveChangesAsync(ct);
            return ProductView.From(product);
        });

    /// <summary>
    /// Saves a revision; if an order marked the price in use meanwhile, or another revision made a
    /// version (the row's concurrency tokens, and the unique version of a kept price), reads the
    /// item again and applies the revision to what it is now.
    /// </summary>
    private async Task<Result<T>> WhileOrdersMarkPricesAsync<T>(Func<Task<Result<T>>> save)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await save();
            }
            catch (DbUpdateException) when (attempt < 5)
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>
    /// A new list price. Sold at already, the old one is kept as a <see cref="ListPrice"/> under its
    /// version and the item moves to the next; never sold at, it is changed in place.
    /// </summary>
    private void Reprice(string itemId, int version, bool inUse, long oldMinor, string currency, long newMinor, Action<int> setVersion)
    {
        if (newMinor == oldMinor || !inUse) return;
        db.ListPrices.Add(new ListPrice
        {
            TenantId = "", Id = ids.New("lpr"), ItemId = itemId, Version = version, AmountMinor = oldMinor, Currency = currency,
            SupersededAt = time.GetUtcNow(),
        });
        setVersion(version + 1);
    }

    private void ApplyProduct(Product product, ProductInput input, FieldErrors errors, bool creating)
    {
        if (creating || input.Name is not null) product.Name = errors.Text("name", input.Name);
        if (input.Description is not null) product.Description = errors.OptionalText("description", input.Description);
        if (creating || input.Price is not null)
        {
            var price = errors.Price("price", input.Price, creating ? null : Currency.Parse(product.Currency));
            if (price is { } p)
            {
                if (!creating) Reprice(product.Id, product.PriceVersion, product.PriceInUse, product.PriceMinor, product.Currency, p.Minor, v => product.PriceVersion = v);
                if (!creating && product.PriceMinor != p.Minor) product.PriceInUse = false;
                (product.PriceMinor, product.Currency) = (p.Minor, p.Currency.Code);
            }
        }
        if (input.Stock is not null) product.Stock = errors.Count("stock", input.Stock, min: 0);
        product.UpdatedAt = time.GetUtcNow();
    }
}
