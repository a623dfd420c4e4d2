using Microsoft.EntityFrameworkCore;
using Paydesk.Tenancy;

namespace Paydesk.Storage;

/// <summary>An API key as authentication needs it, found by its hash before the tenant is known.</summary>
public sealed record KeyByHash(
    string TenantId, string Id, Role Role, string? CustomerId, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, bool CustomerArchived);

/// <summary>A user's role in one tenant, as sign-in reads it.</summary>
public sealed record MembershipOfUser(string TenantId, string Id, Role Role, string? CustomerId);

/// <summary>
/// The explicit, narrow path for the little work that crosses tenants: finding the tenant of an
/// API key, a provider account or a payment, a signed-in user's memberships or a listed clinic's platform, before any tenant is known, and the workers' claims on
/// the job queue and the installation's pruning. Everything else runs under one tenant.
/// </summary>
/// <remarks>
/// On PostgreSQL each of these is a <c>SECURITY DEFINER</c> function owned by the tables' owner
/// (<see cref="RowLevelSecurity"/>): the application's role, which row-level security confines to the
/// tenant it set, may call them and nothing wider. On SQLite, which has no row-level security, the
/// same questions are asked with the tenant filter lifted, here and nowhere else.
/// </remarks>
public static class Installation
{
    public static async Task<KeyByHash?> ApiKeyAsync(PaydeskDb db, string hash, CancellationToken ct)
    {
        if (db.Database.IsNpgsql())
        {
            var rows = await Sql.QueryAsync(db, "SELECT * FROM paydesk_api_key(@hash)", [("hash", hash)], r => new KeyByHash(
                r.GetString(0), r.GetString(1), Enum.Parse<Role>(r.GetString(2)), r.IsDBNull(3) ? null : r.GetString(3),
                Sql.ReadInstant(r, 4), Sql.ReadInstant(r, 5), r.GetBoolean(6)), ct);
            return rows.SingleOrDefault();
        }
        return await db.ApiKeys.IgnoreQueryFilters().AsNoTracking()
            .Where(k => k.Hash == hash)
            .Select(k => new KeyByHash(k.TenantId, k.Id, k.Role, k.CustomerId, k.ExpiresAt, k.RevokedAt,
                k.CustomerId != null && db.Customers.IgnoreQueryFilters().Any(c => c.TenantId == k.TenantId && c.Id == k.CustomerId && c.ArchivedAt != null)))
            .FirstOrDefaultAsync(ct);
    }

    /// <summary>The tenant whose <paramref name="provider"/> account a notification's URL names.</summary>
    public static Task<string?> TenantOfProviderAccountAsync(PaydeskDb db, string accountId, string provider, CancellationToken ct) =>
        db.Database.IsNpgsql()
            ? TenantAsync(db, "SELECT paydesk_tenant_of_provider_account(@id, @provider)", [("id", accountId), ("provider", provider)], ct)
            : db.ProviderAccounts.IgnoreQueryFilters().Where(a => a.Id == accountId && a.Provider == provider).Select(a => a.TenantId).FirstOrDefaultAsync(ct);

    /// <summary>What a signed-in user is in each tenant: their memberships, before any tenant is chosen.</summary>
    public static async Task<List<MembershipOfUser>> MembershipsOfUserAsync(PaydeskDb db, string userId, CancellationToken ct)
    {
        if (db.Database.IsNpgsql())
            return await Sql.QueryAsync(db, "SELECT * FROM paydesk_memberships_of_user(@user)", [("user", userId)], r => new MembershipOfUser(
                r.GetString(0), r.GetString(1), Enum.Parse<Role>(r.GetString(2)), r.IsDBNull(3) ? null : r.GetString(3)), ct);
        return await db.Memberships.IgnoreQueryFilters().AsNoTracking().Where(m => m.UserId == userId)
            .Select(m => new MembershipOfUser(m.TenantId, m.Id, m.Role, m.CustomerId)).ToListAsync(ct);
    }

    /// <summary>
    /// The platform tenant a clinic is listed on, for the clinic's public page: the customer must
    /// be a tenant itself (<c>linked_tenant_id</c>), so no person's id opens a page.
    /// </summary>
    public static Task<string?> TenantOfClinicAsync(PaydeskDb db, string customerId, CancellationToken ct) =>
        db.Database.IsNpgsql()
            ? TenantAsync(db, "SELECT paydesk_tenant_of_clinic(@id)", [("id", customerId)], ct)
            : db.Customers.IgnoreQueryFilters().Where(c => c.Id == customerId && c.LinkedTenantId != null).Select(c => c.TenantId).FirstOrDefaultAsync(ct);

    /// <summary>The tenant of a payment, for the page a provider sends the customer back to.</summary>
    public static Task<string?> TenantOfPaymentAsync(PaydeskDb db, string paymentId, CancellationToken ct) =>
        db.Database.IsNpgsql()
            ? TenantAsync(db, "SELECT paydesk_tenant_of_payment(@id)", [("id", paymentId)], ct)
            : db.Payments.IgnoreQueryFilters().Where(p => p.Id == paymentId).Select(p => p.TenantId).FirstOrDefaultAsync(ct);

    /// <summary>Tenants with a provider secret an earlier release stored in the clear (the upgrade step that seals them).</summary>
    public static async Task<List<string>> TenantsWithClearWebhookSecretsAsync(PaydeskDb db, string clearColumn, CancellationToken ct) =>
        db.Database.IsNpgsql()
            ? await Sql.QueryAsync(db, "SELECT * FROM paydesk_tenants_with_clear_webhook_secrets()", [], r => r.GetString(0), ct)
            : await db.ProviderAccounts.IgnoreQueryFilters().Where(a => EF.Property<string?>(a, clearColumn) != null)
                .Select(a => a.TenantId).Distinct().ToListAsync(ct);

    /// <summary>Forgets idempotency keys first used before <paramref name="cutoff"/>, in every tenant.</summary>
    public static async Task<int> PruneIdempotencyKeysAsync(PaydeskDb db, DateTimeOffset cutoff, CancellationToken ct) =>
        db.Database.IsNpgsql()
            ? (int)await Sql.ScalarAsync(db, "SELECT paydesk_prune_idempotency_keys(@cutoff)", [("cutoff", Sql.Instant(db, cutoff))], ct)
            : await db.IdempotencyRecords.IgnoreQueryFilters().Where(r => r.CreatedAt < cutoff).ExecuteDeleteAsync(ct);

    /// <summary>Forgets jobs done before <paramref name="cutoff"/>, in every tenant.</summary>
    public static async Task<int> PruneFinishedJobsAsync(PaydeskDb db, DateTimeOffset cutoff, CancellationToken ct) =>
        db.Database.IsNpgsql()
            ? (int)await Sql.ScalarAsync(db, "SELECT paydesk_prune_finished_jobs(@cutoff)", [("cutoff", Sql.Instant(db, cutoff))], ct)
            : await db.Jobs.IgnoreQueryFilters().Where(j => j.State == Jobs.JobState.Done && j.FinishedAt < cutoff).ExecuteDeleteAsync(ct);

    private static async Task<string?> TenantAsync(PaydeskDb db, string sql, (string, object?)[] parameters, CancellationToken ct) =>
        (await Sql.QueryAsync(db, sql, parameters, r => r.IsDBNull(0) ? null : r.GetString(0), ct)).SingleOrDefault();
}
