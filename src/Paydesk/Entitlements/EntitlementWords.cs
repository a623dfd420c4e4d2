using System.Globalization;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using Paydesk.Api.Pages;
using Paydesk.Core;
using Paydesk.Invoices;

namespace Paydesk.Entitlements;

/// <summary>An entitlement in a sentence, in the reader's language: "Featured clinic — active until 3 June 2027".</summary>
public sealed class EntitlementWords
{
    public required Func<string, string, string> ActiveUntil { get; init; }
    public required Func<string, string> ActiveFrom { get; init; }
    /// <summary>"until 3 June 2027": the end of a term, after the name it belongs to.</summary>
    public required Func<string, string> Until { get; init; }
    /// <summary>A badge by its name: "Verified clinic (badge)".</summary>
    public required Func<string, string> Badge { get; init; }
    public required string Active { get; init; }
    public required Func<long, CultureInfo, string> Sessions { get; init; }
    public required Func<long, long, CultureInfo, string> SessionsLeft { get; init; }
    public required Func<string, string> UseBy { get; init; }
    public required Func<long, CultureInfo, string> Tokens { get; init; }
    public required string Expired { get; init; }
    public required string Revoked { get; init; }
    public required string UsedUp { get; init; }

    public static readonly Localized<EntitlementWords> All = new(
        en: new()
        {
            ActiveUntil = (what, date) => $"{what} — active until {date}",
            ActiveFrom = date => $"from {date}",
            Until = date => $"until {date}",
            Badge = name => $"{name} (badge)",
            Active = "active",
            Sessions = (n, c) => Plural.Count(n, c, "session", "sessions", "sessions"),
            SessionsLeft = (left, total, c) => $"{Plural.Count(left, c, "session", "sessions", "sessions")} left of {total.ToString("N0", c)}",
            UseBy = date => $"use by {date}",
            Tokens = (n, c) => Plural.Count(n, c, "token", "tokens", "tokens"),
            Expired = "expired",
            Revoked = "ended (refunded or revoked)",
            UsedUp = "used up",
        },
        ru: new()
        {
            ActiveUntil = (what, date) => $"{what} — активно до {date}",
            ActiveFrom = date => $"с {date}",
            Until = date => $"до {date}",
            Badge = name => $"{name} (значок)",
            Active = "активно",
            Sessions = (n, c) => Plural.Count(n, c, "сеанс", "сеанса", "сеансов"),
            SessionsLeft = (left, total, c) => $"осталось {Plural.Count(left, c, "сеанс", "сеанса", "сеансов")} из {total.ToString("N0", c)}",
            UseBy = date => $"использовать до {date}",
            Tokens = (n, c) => Plural.Count(n, c, "токен", "токена", "токенов"),
            Expired = "срок истёк",
            Revoked = "прекращено (возврат или отзыв)",
            UsedUp = "использовано полностью",
        },
        ro: new()
        {
            ActiveUntil = (what, date) => $"{what} — activ până la {date}",
            ActiveFrom = date => $"din {date}",
            Until = date => $"până la {date}",
            Badge = name => $"{name} (insignă)",
            Active = "activ",
            Sessions = (n, c) => Plural.Count(n, c, "ședință", "ședințe", "de ședințe"),
            SessionsLeft = (left, total, c) => $"{Plural.Count(left, c, "ședință rămasă", "ședințe rămase", "de ședințe rămase")} din {total.ToString("N0", c)}",
            UseBy = date => $"de folosit până la {date}",
            Tokens = (n, c) => Plural.Count(n, c, "token", "tokeni", "de tokeni"),
            Expired = "expirat",
            Revoked = "încheiat (rambursat sau revocat)",
            UsedUp = "folosit integral",
        });

    /// <summary>
    /// One line for <paramref name="e"/>: what it is (the feature's or service's name) and how much
    /// of it is left, dated in <paramref name="zone"/>. <paramref name="startedBy"/> is when the
    /// purchase took effect: a term starting later (bought again while still active) says from when.
    /// </summary>
    /// <param name="countLeft">Sessions as "9 left of 10" even when none is used (the customer's account), not "10 sessions" (a receipt).</param>
    public static string Describe(Entitlement e, string? name, DateTimeZone zone, CultureInfo culture, DateTimeOffset? startedBy = null, bool countLeft = false)
    {
        var w = All.For(culture);
        string Date(DateTimeOffset at) => Display.Date(at, zone, culture);
        var from = startedBy is { } started && e.StartsAt > started ? " " + w.ActiveFrom(Date(e.StartsAt)) : "";
        return e.Kind switch
        {
            EntitlementKind.Sessions =>
                $"{(name is null ? "" : name + ": ")}{(e.SessionsUsed == 0 && !countLeft ? w.Sessions(e.SessionsTotal ?? 0, culture) : w.SessionsLeft((e.SessionsTotal ?? 0) - e.SessionsUsed, e.SessionsTotal ?? 0, culture))}" +
                (e.EndsAt is { } useBy ? $", {w.UseBy(Date(useBy))}" : "") + from,
            EntitlementKind.Tokens => w.Tokens(e.Tokens ?? 0, culture),
            _ => e.EndsAt is { } end ? w.ActiveUntil(name ?? e.FeatureKey ?? "", Date(end)) + from : $"{name ?? e.FeatureKey} — {w.Active}{from}",
        };
    }

    /// <summary>The names the entitlements go by: their features' and services', by key and id.</summary>
    public static async Task<Dictionary<string, string>> NamesAsync(Storage.PaydeskDb db, IReadOnlyCollection<Entitlement> entitlements, CancellationToken ct)
    {
        var keys = entitlements.Select(e => e.FeatureKey).OfType<string>().Distinct().ToList();
        var serviceIds = entitlements.Select(e => e.ServiceId).OfType<string>().Distinct().ToList();
        var names = await db.Features.AsNoTracking().Where(f => keys.Contains(f.Key)).ToDictionaryAsync(f => f.Key, f => f.Name, ct);
        foreach (var s in await db.Services.AsNoTracking().Where(s => serviceIds.Contains(s.Id)).Select(s => new { s.Id, s.Name }).ToListAsync(ct))
            names[s.Id] = s.Name;
        return names;
    }

    /// <summary>The name <see cref="Describe"/> is given for <paramref name="e"/>, out of <see cref="NamesAsync"/>.</summary>
    public static string? NameOf(Entitlement e, IReadOnlyDictionary<string, string> names) => names.GetValueOrDefault(e.FeatureKey ?? e.ServiceId ?? "");
}
