using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
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
internal static class JobStore
{
    private const string Returning = "id, tenant_id, kind, payload, attempts";

    public static Task<List<ClaimedJob>> ClaimDueAsync(PaydeskDb db, string owner, DateTimeOffset now, DateTimeOffset until, int limit, CancellationToken ct)
    {
        var pg = db.Database.IsNpgsql();
        var sql = pg
            ? $"""
               UPDATE jobs SET state = 'Running', lease_owner = @owner, lease_until = @until, attempts = attempts + 1, updated_at = @now
               WHERE id IN (SELECT id FROM jobs
                            WHERE (state = 'Queued' AND due_at <= @now) OR (state = 'Running' AND lease_until <= @now)
                            ORDER BY due_at LIMIT @limit FOR UPDATE SKIP LOCKED)
               RETURNING {Returning}
               """
            : $"""
               UPDATE jobs SET state = 'Running', lease_owner = @owner, lease_until = @until, attempts = attempts + 1, updated_at = @now
               WHERE id IN (SELECT id FROM jobs
                              WHERE (state = 'Queued' AND due_at <= @now) OR (state = 'Running' AND lease_until <= @now)
                              ORDER BY due_at LIMIT @limit)
               RETURNING {Returning}
               """;
        return QueryAsync(db, sql, owner, [("owner", owner), ("until", Instant(db, until)), ("now", Instant(db, now)), ("limit", limit)], ct);
    }

    /// <summary>Claims one queued job of the current tenant by key, due or not: the caller runs it now.</summary>
    public static async Task<ClaimedJob?> ClaimAsync(PaydeskDb db, string key, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken ct)
    {
        var sql = $"""
            UPDATE jobs SET state = 'Running', lease_owner = @owner, lease_until = @until, attempts = attempts + 1, updated_at = @now
            WHERE key = @key AND state = 'Queued' AND tenant_id = @tenant
            RETURNING {Returning}
            """;
        var claimed = await QueryAsync(db, sql, owner,
            [("owner", owner), ("until", Instant(db, until)), ("now", Instant(db, now)), ("key", key), ("tenant", db.Tenant.TenantId)], ct);
        return claimed.SingleOrDefault();
    }

    /// <summary>Ends a run, if the claim is still this one's: a run whose lease was taken over finishes nothing.</summary>
    public static Task<int> FinishAsync(
        PaydeskDb db, ClaimedJob job, JobState state, DateTimeOffset due, int attempts, string? error, DateTimeOffset now, CancellationToken ct) =>
        ExecuteAsync(db, """
            UPDATE jobs SET state = @state, due_at = @due, lease_owner = NULL, lease_until = NULL, attempts = @attempts,
                            last_error = @error, finished_at = @finished, updated_at = @now
            WHERE id = @id AND lease_owner = @owner AND state = 'Running'
            """,
            [("state", state.ToString()), ("due", Instant(db, due)), ("attempts", attempts), ("error", error),
             ("finished", state is JobState.Done or JobState.Dead ? Instant(db, now) : null), ("now", Instant(db, now)),
             ("id", job.Id), ("owner", job.Owner)], ct);

    /// <summary>Queues the installation's own recurring work (no tenant) unless it is queued already.</summary>
    public static Task<int> EnsureRecurringAsync(PaydeskDb db, string id, string kind, DateTimeOffset due, CancellationToken ct) =>
        ExecuteAsync(db, """
            INSERT INTO jobs (id, tenant_id, kind, key, payload, state, due_at, attempts, created_at, updated_at)
            VALUES (@id, NULL, @kind, @key, '', 'Queued', @due, 0, @due, @due)
            ON CONFLICT (key) DO NOTHING
            """,
            [("id", id), ("kind", kind), ("key", JobQueue.KeyOf(kind, "installation")), ("due", Instant(db, due))], ct);

    /// <summary>Instants as each engine stores them: timestamptz, or UTC ticks on SQLite.</summary>
    private static object Instant(PaydeskDb db, DateTimeOffset at)
    {
        var stored = PaydeskDb.Stored(at);
        return db.Database.IsNpgsql() ? stored : stored.UtcTicks;
    }

    private static async Task<List<ClaimedJob>> QueryAsync(
        PaydeskDb db, string sql, string owner, (string Name, object? Value)[] parameters, CancellationToken ct) =>
        await WithCommandAsync(db, sql, parameters, async command =>
        {
            var claimed = new List<ClaimedJob>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                claimed.Add(new ClaimedJob(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2),
                    reader.GetString(3), reader.GetInt32(4), owner));
            return claimed;
        }, ct);

    private static Task<int> ExecuteAsync(PaydeskDb db, string sql, (string Name, object? Value)[] parameters, CancellationToken ct) =>
        WithCommandAsync(db, sql, parameters, command => command.ExecuteNonQueryAsync(ct), ct);

    private static async Task<T> WithCommandAsync<T>(
        PaydeskDb db, string sql, (string Name, object? Value)[] parameters, Func<DbCommand, Task<T>> run, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != ConnectionState.Open;
        if (opened) await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            foreach (var (name, value) in parameters)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = value ?? DBNull.Value;
                command.Parameters.Add(parameter);
            }
            return await run(command);
        }
        finally
        {
            if (opened) await db.Database.CloseConnectionAsync();
        }
    }
}
