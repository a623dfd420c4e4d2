using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Core;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Entitlements;

/// <summary>
/// Whether the customer may use the feature now: an access or badge entitlement for it is active
/// and current. <paramref name="Until"/> is when that ends, following purchases that start where the
/// one before ends (null while it is allowed without end); <paramref name="EntitlementIds"/> are the
/// entitlements that allow it now.
/// </summary>
public sealed record AccessView(string CustomerId, string Feature, bool Allowed, DateTimeOffset? Until, IReadOnlyList<string> EntitlementIds);

/// <summary>
/// The question an app asks before each action ("may this customer use telerehab?"): one query,
/// which also tells an unknown customer or feature from one without access.
/// </summary>
internal static class CheckAccess
{
    private sealed record Grant(string Id, DateTimeOffset StartsAt, DateTimeOffset? EndsAt);

    public static void MapAccessCheck(this RouteGroupBuilder api) =>
        api.MapGet("/customers/{customerId}/access/{feature}", async (string customerId, string feature, PaydeskDb db, TimeProvider time, CancellationToken ct) =>
        {
            var now = time.GetUtcNow();
            var found = await db.Customers.AsNoTracking().Where(c => c.Id == customerId).Select(c => new
            {
                FeatureKnown = db.Features.Any(f => f.Key == feature),
                Grants = db.Entitlements.Where(e => e.CustomerId == c.Id && e.FeatureKey == feature && e.Status == EntitlementStatus.Active
                        && (e.Kind == EntitlementKind.Access || e.Kind == EntitlementKind.Badge) && (e.EndsAt == null || e.EndsAt > now))
                    .Select(e => new Grant(e.Id, e.StartsAt, e.EndsAt)).ToList(),
            }).FirstOrDefaultAsync(ct);
            if (found is null) return Problem.NotFound("customer", customerId).ToHttp();
            if (!found.FeatureKnown) return Problem.NotFound("feature", feature).ToHttp();
            return Results.Ok(Answer(customerId, feature, found.Grants, now));
        }).WithTags("Entitlements").RequireAuthorization(Policies.Any).Reads<AccessView>()
            .WithName("checkAccess").WithSummary("May this customer use this feature now? The check an app makes before each action");

    /// <summary>Allowed when a grant covers now; until the end of the run of grants that follow on from it without a gap.</summary>
    private static AccessView Answer(string customerId, string feature, List<Grant> grants, DateTimeOffset now)
    {
        var current = grants.Where(g => g.StartsAt <= now).Select(g => g.Id).Order(StringComparer.Ordinal).ToList();
        if (current.Count == 0) return new AccessView(customerId, feature, false, null, []);
        DateTimeOffset? until = now;
        foreach (var grant in grants.OrderBy(g => g.StartsAt))
        {
            if (until is null || grant.StartsAt > until) continue;
            until = grant.EndsAt is { } end ? (end > until ? end : until) : null;
        }
        return new AccessView(customerId, feature, true, until, current);
    }
}
