using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Paydesk.Api.Pages;
using Paydesk.Catalog;
using Paydesk.Core;
using Paydesk.Invoices;
using Paydesk.Storage;

namespace Paydesk.Web.Shop;

/// <summary>A plan as the pricing page shows it.</summary>
/// <param name="Lead">The price the card leads with: its one price, or for a plan sold by term the lowest it comes to a month.</param>
public sealed record PlanCard(
    string Id, string Name, string? Description, IReadOnlyList<string> Included, string? Trial, string Lead,
    IReadOnlyList<PriceOption> Prices, IReadOnlyList<CalendarOption> Calendars)
{
    public bool Termed => Prices.Any(p => p.TermMonths is not null);
}

/// <summary>One price of a plan: for a term (<see cref="TermMonths"/>), or its only one.</summary>
public sealed record PriceOption(int? TermMonths, string? Label, string Amount);

public sealed record CalendarOption(string Id, string Label);

/// <summary>The tenant's plans on sale, in words of one language: what each includes and costs.</summary>
public static class PlanCards
{
    public static async Task<List<PlanCard>> LoadAsync(PaydeskDb db, CultureInfo culture, string? onlyPlanId, CancellationToken ct)
    {
        var w = ShopWords.All.For(culture);
        var common = CommonWords.All.For(culture);
        var query = db.Plans.AsNoTracking().Include(p => p.Prices).Include(p => p.Grants).Where(p => p.ArchivedAt == null);
        if (onlyPlanId is not null) query = query.Where(p => p.Id == onlyPlanId);
        var plans = await query.OrderBy(p => p.CreatedAt).ToListAsync(ct);
        var grants = plans.SelectMany(p => p.CurrentGrants).ToList();
        var serviceIds = grants.Select(g => g.ServiceId).OfType<string>().Distinct().ToList();
        var services = await db.Services.AsNoTracking().Include(s => s.Calendars).Where(s => serviceIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, ct);
        var featureKeys = grants.Select(g => g.FeatureKey).OfType<string>().Distinct().ToList();
        var features = await db.Features.AsNoTracking().Where(f => featureKeys.Contains(f.Key)).ToDictionaryAsync(f => f.Key, f => f.Name, ct);
        var productIds = grants.Select(g => g.ProductId).OfType<string>().Distinct().ToList();
        var products = await db.Products.AsNoTracking().Where(p => productIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);

        string Period(IntervalUnit? unit, int? count) => common.Period(unit ?? IntervalUnit.Month, count ?? 1, culture);
        string Included(PlanGrant g) => g.Kind switch
        {
            GrantKind.Sessions => w.Sessions(g.SessionCount ?? 0, culture, services.GetValueOrDefault(g.ServiceId ?? "")?.Name ?? "")
                + (g.ValidForUnit is null ? "" : ", " + w.UseWithin(Period(g.ValidForUnit, g.ValidForCount))),
            GrantKind.Access => features.GetValueOrDefault(g.FeatureKey ?? "", g.FeatureKey ?? "")
                + (g.TermUnit is null ? "" : " " + w.ForPeriod(Period(g.TermUnit, g.TermCount))),
            GrantKind.Badge => w.Badge(features.GetValueOrDefault(g.FeatureKey ?? "", g.FeatureKey ?? ""))
                + (g.TermUnit is null ? "" : " " + w.ForPeriod(Period(g.TermUnit, g.TermCount))),
            GrantKind.Tokens => g.TokenCadence == TokenCadence.EveryPeriod ? w.TokensEveryPeriod(g.TokenAmount ?? 0, culture) : w.Tokens(g.TokenAmount ?? 0, culture),
            GrantKind.Product => w.Shipped((g.Quantity is > 1 ? $"{g.Quantity} × " : "") + products.GetValueOrDefault(g.ProductId ?? "", "")),
            _ => "",
        };

        return plans.Select(plan =>
        {
            var prices = plan.CurrentPrices.Select(p =>
            {
                var amount = Display.Amount(p.AmountMinor, p.Currency, culture);
                if (p.IntervalUnit is { } unit) amount += " " + common.Recurring(unit, p.IntervalCount ?? 1, culture);
                return new PriceOption(p.TermMonths, p.TermMonths is { } months ? common.Period(IntervalUnit.Month, months, culture) : null, amount);
            }).ToList();
            var calendars = plan.CurrentGrants.Where(g => g.Kind == GrantKind.Sessions && g.ServiceId is not null)
                .Select(g => services.GetValueOrDefault(g.ServiceId!)).OfType<Service>().Distinct()
                .SelectMany(s => s.Calendars.Where(c => c.ArchivedAt == null)
                    .Select(c => new CalendarOption(c.Id, $"{c.Name} — {w.PerSession(Display.Amount(c.PriceMinor ?? s.PriceMinor, s.Currency, culture))}")))
                .ToList();
            var termed = plan.CurrentPrices.Where(p => p.TermMonths is > 0).ToList();
            var lead = termed.Count == 0 ? prices.FirstOrDefault()?.Amount ?? ""
                : $"{w.From} {Display.Amount(termed.Min(p => p.AmountMinor / p.TermMonths!.Value), termed[0].Currency, culture)} {common.Recurring(IntervalUnit.Month, 1, culture)}";
            return new PlanCard(plan.Id, plan.Name, plan.Description, plan.CurrentGrants.Select(Included).Where(t => t.Length > 0).ToList(),
                plan.TrialDays > 0 ? w.Trial(common.Period(IntervalUnit.Day, plan.TrialDays, culture)) : null, lead, prices, calendars);
        }).Where(card => card.Prices.Count > 0).ToList();
    }
}
