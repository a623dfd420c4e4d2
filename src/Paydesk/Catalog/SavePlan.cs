using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Core;
using Paydesk.Storage;

namespace Paydesk.Catalog;

/// <summary>
/// A plan as a request describes it. Either <see cref="Price"/> (optionally recurring every
/// <see cref="Interval"/>) or <see cref="Terms"/> (prepaid terms of 1, 3, 6, 12… months, each
/// with its own price), never both.
/// </summary>
public sealed record PlanInput(
    string? Name, string? Description, MoneyInput? Price, IntervalInput? Interval, List<TermInput>? Terms,
    int? TrialDays, List<GrantInput>? Grants, RenewalInput? Renewal = null);

public sealed record TermInput(int? Months, MoneyInput? Price);

/// <summary>
/// One grant: <c>sessions</c> (serviceId, count, validFor), <c>access</c> / <c>badge</c> (feature,
/// term — none means the term or period bought), <c>tokens</c> (tokens, every: purchase | period),
/// <c>product</c> (productId, quantity).
/// </summary>
public sealed record GrantInput(
    string? Type, string? ServiceId, int? Count, IntervalInput? ValidFor, string? Feature, IntervalInput? Term,
    long? Tokens, string? Every, string? ProductId, int? Quantity);

public sealed record PlanPriceView(string Id, int? TermMonths, MoneyView Price);

public sealed record GrantView(
    string Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ServiceId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Count,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IntervalView? ValidFor,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Feature,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IntervalView? Term,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Tokens,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Every,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ProductId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Quantity)
{
    public static GrantView From(PlanGrant g) => new(
        g.Kind.ToString().ToLowerInvariant(), g.ServiceId, g.SessionCount, IntervalView.From(g.ValidForUnit, g.ValidForCount),
        g.FeatureKey, IntervalView.From(g.TermUnit, g.TermCount), g.TokenAmount,
        g.TokenCadence switch { TokenCadence.Once => "purchase", TokenCadence.EveryPeriod => "period", _ => null },
        g.ProductId, g.Quantity);
}

public sealed record PlanView(
    string Id, string Name, string? Description, string Status, int Version, string Currency, string Type,
    IntervalView? Interval, PlanPriceView? Price, IReadOnlyList<PlanPriceView> Terms, int TrialDays,
    IReadOnlyList<GrantView> Grants, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] RenewalView? Renewal)
{
    public static PlanView From(Plan plan) => From(plan, plan.Version);

    /// <summary>The plan as it was sold at <paramref name="version"/>: that version's prices and grants (an older one reads <c>superseded</c>).</summary>
    public static PlanView From(Plan plan, int version)
    {
        var prices = plan.Prices.Where(p => p.PlanVersion == version).OrderBy(p => p.TermMonths ?? 0).ToList();
        var grants = plan.Grants.Where(g => g.PlanVersion == version).OrderBy(g => g.Position);
        var base_ = prices.FirstOrDefault(p => p.TermMonths is null);
        var interval = prices.Select(p => p.Interval).FirstOrDefault(i => i is not null);
        return new PlanView(
            plan.Id, plan.Name, plan.Description, version == plan.Version ? CatalogStatus.Of(plan) : "superseded", version, plan.Currency,
            interval is null ? "one_time" : "recurring", interval is { } i ? IntervalView.From(i) : null,
            base_ is null ? null : View(base_),
            prices.Where(p => p.TermMonths is not null).Select(View).ToList(),
            plan.TrialDays, grants.Select(GrantView.From).ToList(), plan.CreatedAt, plan.UpdatedAt,
            interval is null ? null : RenewalView.From(plan.Renewal));
    }

    private static PlanPriceView View(PlanPrice p) => new(p.Id, p.TermMonths, MoneyView.From(p.Amount));
}

/// <summary>
/// Creates a plan, or revises one. A revision of prices, interval, terms, trial or grants never
/// edits a row: it supersedes the current version's rows and writes the next version's.
/// </summary>
public sealed class SavePlan(PaydeskDb db, IdGenerator ids, TimeProvider time)
{
    public static readonly int[] AllowedTermMonths = [1, 2, 3, 4, 6, 9, 12, 18, 24, 36];

    /// <summary>Tokens one grant gives; times an order's quantity it stays far inside 64 bits.</summary>
    public const long MaxTokens = 1_000_000_000;

    public async Task<Result<PlanView>> Create(PlanInput input, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var name = errors.Text("name", input.Name);
        var description = errors.OptionalText("description", input.Description);
        var pricing = await ReadVersion(input, errors, ct);
        var renewal = ReadRenewal(input.Renewal, RenewalPolicy.Default, recurring: pricing.Interval is not null, errors);
        if (errors.Any) return errors.ToProblem();

        var now = time.GetUtcNow();
        var plan = new Plan
        {
            TenantId = "", Id = ids.New("plan"), Name = name, Description = description, Currency = pricing.Currency!.Code,
            TrialDays = pricing.TrialDays, Renewal = renewal, CreatedAt = now, UpdatedAt = now,
        };
        AddVersion(plan, pricing, now);
        db.Plans.Add(plan);
        await db.SaveChangesAsync(ct);
        return PlanView.From(plan);
    }

    public async Task<Result<PlanView>> Revise(string id, PlanInput input, CancellationToken ct)
    {
        var plan = await PlanQueries.WithCurrentVersion(db.Plans).FirstOrDefaultAsync(p => p.Id == id, ct);
        if (plan is null) return Problem.NotFound("plan", id);

        var errors = new FieldErrors();
        if (input.Name is not null) plan.Name = errors.Text("name", input.Name);
        if (input.Description is not null) plan.Description = errors.OptionalText("description", input.Description);

        var now = time.GetUtcNow();
        var repriced = input.Price is not null || input.Interval is not null || input.Terms is not null
                       || input.TrialDays is not null || input.Grants is not null;
        if (repriced)
        {
            var merged = MergeWithCurrent(plan, input);
            var pricing = await ReadVersion(merged, errors, ct);
            if (!errors.Any && pricing.Currency!.Code != plan.Currency)
                errors.Add(input.Terms is not null ? "terms" : "price", $"must stay in {plan.Currency}; make a new plan for another currency.");
            if (errors.Any) return errors.ToProblem();

            foreach (var price in plan.Prices) price.SupersededAt ??= now;
            foreach (var grant in plan.Grants) grant.SupersededAt ??= now;
            plan.Version++;
            plan.TrialDays = pricing.TrialDays;
            AddVersion(plan, pricing, now);
        }
        if (input.Renewal is not null)
            plan.Renewal = ReadRenewal(input.Renewal, plan.Renewal, recurring: plan.CurrentPrices.Any(p => p.Interval is not null), errors);
        if (errors.Any) return errors.ToProblem();

        plan.UpdatedAt = now;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problem.Conflict("The plan was revised by another request at the same time; read it again and retry.");
        }
        return PlanView.From(plan);
    }

    private static RenewalPolicy ReadRenewal(RenewalInput? input, RenewalPolicy current, bool recurring, FieldErrors errors)
    {
        if (input is null) return current;
        if (!recurring)
        {
            errors.Add("renewal", "applies only to a recurring plan.");
            return current;
        }
        return RenewalInputs.Read(input, current, errors);
    }

    /// <summary>What the request leaves out stays as the current version has it.</summary>
    private static PlanInput MergeWithCurrent(Plan plan, PlanInput input)
    {
        var current = PlanView.From(plan);
        var switchesToTerms = input.Terms is { Count: > 0 };
        var switchesToPrice = input.Price is not null;
        return new PlanInput(
            plan.Name, plan.Description,
            input.Price ?? (switchesToTerms || current.Price is null ? null : new MoneyInput(current.Price.Price.Amount, current.Price.Price.Currency)),
            input.Interval ?? (switchesToTerms || current.Interval is null ? null : new IntervalInput(current.Interval.Unit, current.Interval.Count)),
            input.Terms ?? (switchesToPrice ? null : current.Terms.Select(t => new TermInput(t.TermMonths, new MoneyInput(t.Price.Amount, t.Price.Currency))).ToList()),
            input.TrialDays ?? current.TrialDays,
            input.Grants ?? current.Grants.Select(g => new GrantInput(
                g.Type, g.ServiceId, g.Count, g.ValidFor is { } v ? new IntervalInput(v.Unit, v.Count) : null, g.Feature,
                g.Term is { } t ? new IntervalInput(t.Unit, t.Count) : null, g.Tokens, g.Every, g.ProductId, g.Quantity)).ToList());
    }

    private sealed record VersionSpec(Currency? Currency, Money? Price, BillingInterval? Interval, List<(int Months, Money Price)> Terms, int TrialDays, List<PlanGrant> Grants);

    private async Task<VersionSpec> ReadVersion(PlanInput input, FieldErrors errors, CancellationToken ct)
    {
        Currency? currency = null;
        Money? price = null;
        BillingInterval? interval = null;
        var terms = new List<(int, Money)>();

        if (input.Price is null && input.Terms is not { Count: > 0 })
            errors.Add("price", "is required (or give terms).");
        if (input.Price is not null && input.Terms is { Count: > 0 })
            errors.Add("terms", "cannot be combined with price: a plan has one price, or one price per term.");

        if (input.Price is not null)
        {
            price = errors.Price("price", input.Price);
            currency = price?.Currency;
            if (input.Interval is not null) interval = errors.Interval("interval", input.Interval);
        }
        else if (input.Interval is not null)
        {
            errors.Add("interval", "applies to a plan with a single price; terms are prepaid.");
        }

        for (var i = 0; i < (input.Terms?.Count ?? 0); i++)
        {
            var term = input.Terms![i];
            var months = errors.Count($"terms[{i}].months", term.Months, min: 1, max: 36);
            if (term.Months is { } m && !AllowedTermMonths.Contains(m))
                errors.Add($"terms[{i}].months", $"must be one of {string.Join(", ", AllowedTermMonths)}.");
            if (terms.Any(t => t.Item1 == months))
                errors.Add($"terms[{i}].months", "is given twice.");
            if (errors.Price($"terms[{i}].price", term.Price, currency) is { } termPrice)
            {
                currency ??= termPrice.Currency;
                terms.Add((months, termPrice));
            }
        }

        var trialDays = errors.Count("trialDays", input.TrialDays ?? 0, min: 0, max: 365);
        if (trialDays > 0 && interval is null)
            errors.Add("trialDays", "applies only to a recurring plan.");

        var grants = await ReadGrants(input.Grants ?? [], errors, hasTermOrPeriod: interval is not null || terms.Count > 0, recurring: interval is not null, ct);
        return new VersionSpec(currency, price, interval, terms, trialDays, grants);
    }

    private async Task<List<PlanGrant>> ReadGrants(List<GrantInput> inputs, FieldErrors errors, bool hasTermOrPeriod, bool recurring, CancellationToken ct)
    {
        var serviceIds = inputs.Select(g => g.ServiceId).OfType<string>().ToList();
        var productIds = inputs.Select(g => g.ProductId).OfType<string>().ToList();
        var featureKeys = inputs.Select(g => g.Feature).OfType<string>().ToList();
        var services = await db.Services.Where(s => serviceIds.Contains(s.Id) && s.ArchivedAt == null).Select(s => s.Id).ToListAsync(ct);
        var products = await db.Products.Where(p => productIds.Contains(p.Id) && p.ArchivedAt == null).Select(p => p.Id).ToListAsync(ct);
        var features = await db.Features.Where(f => featureKeys.Contains(f.Key) && f.ArchivedAt == null).ToDictionaryAsync(f => f.Key, f => f.Kind, ct);

        var grants = new List<PlanGrant>();
        for (var i = 0; i < inputs.Count; i++)
        {
            var g = inputs[i];
            var at = $"grants[{i}]";
            switch (g.Type)
            {
                case "sessions":
                    if (g.ServiceId is null) errors.Add($"{at}.serviceId", "is required.");
                    else if (!services.Contains(g.ServiceId)) errors.Add($"{at}.serviceId", $"no active service '{g.ServiceId}'.");
                    var count = errors.Count($"{at}.count", g.Count, max: 10_000);
                    var validFor = errors.Interval($"{at}.validFor", g.ValidFor, required: false);
                    grants.Add(new PlanGrant
                    {
                        TenantId = "", Id = "", PlanId = "", Kind = GrantKind.Sessions, ServiceId = g.ServiceId, SessionCount = count,
                        ValidForUnit = validFor?.Unit, ValidForCount = validFor?.Count,
                    });
                    break;

                case "access" or "badge":
                    var kind = g.Type == "badge" ? FeatureKind.Badge : FeatureKind.Access;
                    if (g.Feature is null) errors.Add($"{at}.feature", "is required.");
                    else if (!features.TryGetValue(g.Feature, out var featureKind))
                        errors.Add($"{at}.feature", $"no active feature with key '{g.Feature}'.");
                    else if (featureKind != kind)
                        errors.Add($"{at}.feature", $"'{g.Feature}' is a{(featureKind == FeatureKind.Badge ? " badge" : "n access")} feature, not a{(kind == FeatureKind.Badge ? " badge" : "n access")} one.");
                    var term = errors.Interval($"{at}.term", g.Term, required: !hasTermOrPeriod);
                    grants.Add(new PlanGrant
                    {
                        TenantId = "", Id = "", PlanId = "", Kind = kind == FeatureKind.Badge ? GrantKind.Badge : GrantKind.Access,
                        FeatureKey = g.Feature, TermUnit = term?.Unit, TermCount = term?.Count,
                    });
                    break;

                case "tokens":
                    if (g.Tokens is null or < 1 or > MaxTokens) errors.Add($"{at}.tokens", $"must be a whole number from 1 to {MaxTokens}.");
                    TokenCadence? cadence = g.Every switch { null or "purchase" => TokenCadence.Once, "period" => TokenCadence.EveryPeriod, _ => null };
                    if (cadence is null) errors.Add($"{at}.every", "must be 'purchase' or 'period'.");
                    else if (cadence == TokenCadence.EveryPeriod && !recurring) errors.Add($"{at}.every", "'period' needs a recurring plan.");
                    grants.Add(new PlanGrant { TenantId = "", Id = "", PlanId = "", Kind = GrantKind.Tokens, TokenAmount = g.Tokens, TokenCadence = cadence });
                    break;

                case "product":
                    if (g.ProductId is null) errors.Add($"{at}.productId", "is required.");
                    else if (!products.Contains(g.ProductId)) errors.Add($"{at}.productId", $"no active product '{g.ProductId}'.");
                    var quantity = errors.Count($"{at}.quantity", g.Quantity ?? 1, max: 1000);
                    grants.Add(new PlanGrant { TenantId = "", Id = "", PlanId = "", Kind = GrantKind.Product, ProductId = g.ProductId, Quantity = quantity });
                    break;

                default:
                    errors.Add($"{at}.type", "must be one of sessions, access, badge, tokens, product.");
                    break;
            }
        }
        return grants;
    }

    private void AddVersion(Plan plan, VersionSpec spec, DateTimeOffset now)
    {
        if (spec.Price is { } price)
            plan.Prices.Add(NewPrice(plan, null, price, spec.Interval, now));
        foreach (var (months, termPrice) in spec.Terms)
            plan.Prices.Add(NewPrice(plan, months, termPrice, null, now));

        var position = 0;
        foreach (var g in spec.Grants)
        {
            plan.Grants.Add(new PlanGrant
            {
                TenantId = "", Id = ids.New("grant"), PlanId = plan.Id, PlanVersion = plan.Version, Position = position++,
                Kind = g.Kind, ServiceId = g.ServiceId, SessionCount = g.SessionCount, ValidForUnit = g.ValidForUnit,
                ValidForCount = g.ValidForCount, FeatureKey = g.FeatureKey, TermUnit = g.TermUnit, TermCount = g.TermCount,
                TokenAmount = g.TokenAmount, TokenCadence = g.TokenCadence, ProductId = g.ProductId, Quantity = g.Quantity,
            });
        }
    }

    private PlanPrice NewPrice(Plan plan, int? termMonths, Money amount, BillingInterval? interval, DateTimeOffset now) => new()
    {
        TenantId = "", Id = ids.New("price"), PlanId = plan.Id, PlanVersion = plan.Version, TermMonths = termMonths,
        AmountMinor = amount.Minor, Currency = amount.Currency.Code, IntervalUnit = interval?.Unit, IntervalCount = interval?.Count,
        CreatedAt = now,
    };
}

internal static class PlanQueries
{
    /// <summary>Plans with the rows of their current version (superseded rows stay in the database).</summary>
    public static IQueryable<Plan> WithCurrentVersion(IQueryable<Plan> plans) => plans
        .Include(p => p.Prices.Where(x => x.SupersededAt == null))
        .Include(p => p.Grants.Where(x => x.SupersededAt == null))
        .AsSplitQuery();
}
