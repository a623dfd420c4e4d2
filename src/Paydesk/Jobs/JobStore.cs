using Microsoft.EntityFrameworkCore;
using Paydesk.Storage;

namespace Paydesk.Jobs;

/// <summary>A job as a worker claimed it.</summary>
internal sealed record ClaimedJob(string Id, string? TenantId, string Kind, string Payload, int Attempts, string Owner);

/// <summary>
/// The SQL of the job table's life cycle: claim, finish, and the installation's recurring work.
/// A claim takes due jobs (and jobs whose lease ran out) and stamps them with a lease in one
/// statement; on PostgreSQL the candidates are locked <c>FOR UPDATE SKIP LOCKED</c>, so several
/// processes claiming at once each get different jobs, without waiting on one another. SQLite
/// runs one process, and its single writer makes the statement atomic.
/// </summary>
/// <remarks>
/// Claiming across tenants, and finishing the installation's own jobs (no tenant), is work no
/// single tenant may do: on PostgreSQL it goes through <see cref="RowLevelSecurity"/>'s functions.
/// </remarks>
internal static class JobStore
{
    private const string Returning = "id, tenant_id, kind, payload, attempts";

    public static Task<List<ClaimedJob>> ClaimDueAsync(PaydeskDb db, string owner, DateTimeOffset now, DateTimeOffset until, int limit, CancellationToken ct) =>
        Sql.QueryAsync(db, db.Database.IsNpgsql()
                ? "SELECT * FROM paydesk_claim_due_jobs(@owner, @now, @until, @limit)"
                : $"""
                   UPDATE jobs SET state = 'Running', lease_owner = @owner, lease_until = @until, attempts = attempts + 1, updated_at = @now
                   WHERE id IN (SELECT id FROM jobs
                                WHERE (state = 'Queued' AND due_at <= @now) OR (state = 'Running' AND lease_until <= @now)
                                ORDER BY due_at LIMIT @limit)
                   RETURNING {Returning}
                   """,
            [("owner", owner), ("until", Sql.Instant(db, until)), ("now", Sql.Instant(db, now)), ("limit", limit)], r => Read(r, owner), ct);

    /// <summary>Claims one queued job of the current tenant by key, due or not: the caller runs it now.</summary>
    public static async Task<ClaimedJob?> ClaimAsync(PaydeskDb db, string key, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken ct)
    {
        var claimed = await Sql.QueryAsync(db, $"""
            UPDATE jobs SET state = 'Running', lease_owner = @owner, lease_until = @until, attempts = attempts + 1, updated_at = @now
            WHERE key = @key AND state = 'Queued' AND tenant_id = @tenant
            RETURNING {Returning}
            """,
            [("owner", owner), ("until", Sql.Instant(db, until)), ("now", Sql.Instant(db, now)), ("key", key), ("tenant", db.Tenant.TenantId)],
            r => Read(r, owner), ct);
        return claimed.SingleOrDefault();
    }

    /// <summary>Ends a run, if the claim is still this one's: a run whose lease was taken over finishes nothing.</summary>
    public static async Task<int> FinishAsync(
        PaydeskDb db, ClaimedJob job, JobState state, DateTimeOffset due, int attempts, string? error, DateTimeOffset now, CancellationToken ct)
    {
        (string, object?)[] parameters =
        [
            ("id", job.Id), ("owner", job.Owner), ("state", state.ToString()), ("due", Sql.Instant(db, due)), ("attempts", attempts), ("error", error),
            ("finished", state is JobState.Done or JobState.Dead ? Sql.Instant(db, now) : null), ("now", Sql.Instant(db, now)),
        ];
        return db.Database.IsNpgsql()
            ? (int)await Sql.ScalarAsync(db, "SELECT paydesk_finish_job(@id, @owner, @state, @due, @attempts, @error, @finished::timestamptz, @now)", parameters, ct)
            : await Sql.ExecuteAsync(db, """
                UPDATE jobs SET state = @state, due_at = @due, lease_owner = NULL, lease_until = NULL, attempts = @attempts,
                                last_error = @error, finished_at = @finished, updated_at = @now
                WHERE id = @id AND lease_owner = @owner AND state = 'Running'
                """, parameters, ct);
    }

    /// <summary>Queues the installation's own recurring work (no tenant) unless it is queued already.</summary>
    public static async Task<int> EnsureRecurringAsync(PaydeskDb db, string id, string kind, DateTimeOffset due, CancellationToken ct)
    {
        (string, object?)[] parameters = [("id", id), ("kind", kind), ("key", JobQueue.KeyOf(kind, "installation")), ("due", Sql.Instant(db, due))];
        return db.Database.IsNpgsql()
            ? (int)await Sql.ScalarAsync(db, "SELECT paydesk_ensure_recurring_job(@id, @kind, @key, @due)", parameters, ct)
            : await Sql.ExecuteAsync(db, """
                INSERT INTO jobs (id, tenant_id, kind, key, payload, state, due_at, attempts, created_at, updated_at)
                VALUES (@id, NULL, @kind, @key, '', 'Queued', @due, 0, @due, @due)
                ON CONFLICT (key) DO NOTHING
                """, parameters, ct);
    }

    private static ClaimedJob Read(System.Data.Common.DbDataReader r, string owner) =>
        new(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt32(4), owner);
}
