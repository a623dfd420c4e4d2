using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Customers;

/// <summary>A customer session as staff see it: enough to tell sessions apart, never the secret or its hash.</summary>
public sealed record CustomerSessionKeyView(
    string Id, string Hint, string Status, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt)
{
    public static CustomerSessionKeyView From(ApiKey k, DateTimeOffset now) =>
        new(k.Id, k.Hint, k.RevokedAt is not null ? "revoked" : k.ExpiresAt <= now ? "expired" : "active",
            k.CreatedAt, k.ExpiresAt, k.RevokedAt);
}

public sealed record RevokedSessions(int Revoked);

internal static class CustomerSessionQueries
{
    /// <summary>The customer's sessions: the API keys with the customer role made for that customer.</summary>
    public static IQueryable<ApiKey> Of(PaydeskDb db, string customerId) =>
        db.ApiKeys.Where(k => k.Role == Role.Customer && k.CustomerId == customerId);
}

/// <summary>
/// Ends customer sessions: one (staff revoking it, or the customer signing out), or every active one
/// of a customer (signing out everywhere, and archiving). The key row stays, with when it was revoked.
/// </summary>
public sealed class EndCustomerSessions(PaydeskDb db, TimeProvider time)
{
    public async Task<Result<CustomerSessionKeyView>> One(string customerId, string sessionId, CancellationToken ct)
    {
        var key = await CustomerSessionQueries.Of(db, customerId).FirstOrDefaultAsync(k => k.Id == sessionId, ct);
        if (key is null) return Problem.NotFound($"session of customer '{customerId}'", sessionId);
        var now = time.GetUtcNow();
        key.RevokedAt ??= now;
        await db.SaveChangesAsync(ct);
        return CustomerSessionKeyView.From(key, now);
    }

    public async Task<Result<RevokedSessions>> All(string customerId, CancellationToken ct)
    {
        if (!await db.Customers.AnyAsync(c => c.Id == customerId, ct)) return Problem.NotFound("customer", customerId);
        var revoked = await RevokeActive(customerId, ct);
        await db.SaveChangesAsync(ct);
        return new RevokedSessions(revoked);
    }

    /// <summary>
    /// Marks the customer's active sessions revoked and answers how many; the caller saves, so that
    /// this commits together with the change that called for it (archiving the customer).
    /// </summary>
    public async Task<int> RevokeActive(string customerId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var active = await CustomerSessionQueries.Of(db, customerId)
            .Where(k => k.RevokedAt == null && (k.ExpiresAt == null || k.ExpiresAt > now)).ToListAsync(ct);
        foreach (var key in active) key.RevokedAt = now;
        return active.Count;
    }
}
