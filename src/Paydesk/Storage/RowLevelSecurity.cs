using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace Paydesk.Storage;

/// <summary>
/// The second wall of tenant isolation, on PostgreSQL: every table with a <c>tenant_id</c> has
/// row-level security, and its policy shows and accepts only the rows of the tenant the session
/// set in <c>app.tenant_id</c>; with none set, no rows at all. The application connects as a role
/// that is not the tables' owner (and so is bound by the policies), and sets the tenant of its
/// <see cref="TenantContext"/> on each connection it opens (<see cref="TenantSession"/>). The
/// few questions that cross tenants go through <see cref="Installation"/>'s functions.
/// </summary>
/// <remarks>
/// Applied as the owner after every migration (<see cref="StorageRegistrations.MigrateAsync"/>), so a
/// table a later migration adds is covered the next time Paydesk starts; each step changes
/// nothing when it is in place already, so a restart takes no locks.
/// </remarks>
public static class RowLevelSecurity
{
    public const string Setting = "app.tenant_id";

    private const string Policies = """
        DO $$
        DECLARE t record;
        BEGIN
          FOR t IN
            SELECT c.relname FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
            WHERE c.relkind = 'r'
          LOOP
            IF NOT EXISTS (SELECT 1 FROM pg_class WHERE relname = t.relname AND relrowsecurity
                           AND relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())) THEN
              EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t.relname);
            END IF;
            IF NOT EXISTS (SELECT 1 FROM pg_policies WHERE schemaname = current_schema() AND tablename = t.relname AND policyname = 'tenant_isolation') THEN
              EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = current_setting(''app.tenant_id'', true)) '
                             'WITH CHECK (tenant_id = current_setting(''app.tenant_id'', true))', t.relname);
            END IF;
          END LOOP;
        END $$;
        """;

    // Each function answers one question, and nothing wider; owned by the tables' owner, so it sees every tenant.
    private const string Functions = """
        CREATE OR REPLACE FUNCTION paydesk_api_key(p_hash text)
        RETURNS TABLE (key_tenant_id text, key_id text, key_role text, key_customer_id text, key_expires_at timestamptz, key_revoked_at timestamptz, customer_archived boolean)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
          SELECT k.tenant_id::text, k.id::text, k.role::text, k.customer_id::text, k.expires_at, k.revoked_at,
                 k.customer_id IS NOT NULL AND EXISTS (SELECT 1 FROM customers c WHERE c.tenant_id = k.tenant_id AND c.id = k.customer_id AND c.archived_at IS NOT NULL)
          FROM api_keys k WHERE k.hash = p_hash
        $$;

        CREATE OR REPLACE FUNCTION paydesk_tenant_of_provider_account(p_id text, p_provider text) RETURNS text
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
          SELECT a.tenant_id::text FROM provider_accounts a WHERE a.id = p_id AND a.provider = p_provider
        $$;

        CREATE OR REPLACE FUNCTION paydesk_memberships_of_user(p_user text)
        RETURNS TABLE (member_tenant_id text, member_id text, member_role text, member_customer_id text)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
          SELECT m.tenant_id::text, m.id::text, m.role::text, m.customer_id::text FROM memberships m WHERE m.user_id = p_user
        $$;

        CREATE OR REPLACE FUNCTION paydesk_tenant_of_clinic(p_id text) RETURNS text
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
          SELECT c.tenant_id::text FROM customers c WHERE c.id = p_id AND c.linked_tenant_id IS NOT NULL
        $$;

        CREATE OR REPLACE FUNCTION paydesk_tenant_of_payment(p_id text) RETURNS text
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
          SELECT p.tenant_id::text FROM payments p WHERE p.id = p_id
        $$;

        CREATE OR REPLACE FUNCTION paydesk_tenants_with_clear_webhook_secrets() RETURNS SETOF text
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
          SELECT DISTINCT a.tenant_id::text FROM provider_accounts a WHERE a.webhook_secret IS NOT NULL
        $$;

        CREATE OR REPLACE FUNCTION paydesk_claim_due_jobs(p_owner text, p_now timestamptz, p_until timestamptz, p_limit int)
        RETURNS TABLE (job_id text, job_tenant_id text, job_kind text, job_payload text, job_attempts int)
        LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
          -- Each kind of candidate is read in due order down the (state, due_at) index, which also
          -- marks the entries of jobs finished since as dead on the way, where one scan of both
          -- (a bitmap scan, which marks nothing) would visit every job claimed since the last vacuum.
          WITH due AS (SELECT d.id, d.due_at FROM jobs d WHERE d.state = 'Queued' AND d.due_at <= p_now
                       ORDER BY d.due_at LIMIT p_limit FOR UPDATE SKIP LOCKED),
               lapsed AS (SELECT d.id, d.due_at FROM jobs d WHERE d.state = 'Running' AND d.lease_until <= p_now
                          ORDER BY d.due_at LIMIT p_limit FOR UPDATE SKIP LOCKED)
          UPDATE jobs SET state = 'Running', lease_owner = p_owner, lease_until = p_until, attempts = jobs.attempts + 1, updated_at = p_now
          WHERE jobs.id IN (SELECT c.id FROM (SELECT * FROM due UNION ALL SELECT * FROM lapsed) c ORDER BY c.due_at LIMIT p_limit)
          RETURNING jobs.id::text, jobs.tenant_id::text, jobs.kind::text, jobs.payload::text, jobs.attempts
        $$;

        CREATE OR REPLACE FUNCTION paydesk_finish_job(
          p_id text, p_owner text, p_state text, p_due timestamptz, p_attempts int, p_error text, p_finished timestamptz, p_now timestamptz) RETURNS int
        LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
          WITH finished AS (
            UPDATE jobs SET state = p_state, due_at = p_due, lease_owner = NULL, lease_until = NULL, attempts = p_attempts,
                            last_error = p_error, finished_at = p_finished, updated_at = p_now
            WHERE jobs.id = p_id AND jobs.lease_owner = p_owner AND jobs.state = 'Running'
            RETURNING 1)
          SELECT count(*)::int FROM finished
        $$;

        CREATE OR REPLACE FUNCTION paydesk_ensure_recurring_job(p_id text, p_kind text, p_key text, p_due timestamptz) RETURNS int
        LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
          WITH added AS (
            INSERT INTO jobs (id, tenant_id, kind, key, payload, state, due_at, attempts, created_at, updated_at)
            VALUES (p_id, NULL, p_kind, p_key, '', 'Queued', p_due, 0, p_due, p_due)
            ON CONFLICT (key) DO NOTHING
            RETURNING 1)
          SELECT count(*)::int FROM added
        $$;

        CREATE OR REPLACE FUNCTION paydesk_prune_idempotency_keys(p_cutoff timestamptz) RETURNS int
        LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
          WITH pruned AS (DELETE FROM idempotency_records r WHERE r.created_at < p_cutoff RETURNING 1)
          SELECT count(*)::int FROM pruned
        $$;

        CREATE OR REPLACE FUNCTION paydesk_prune_finished_jobs(p_cutoff timestamptz) RETURNS int
        LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
          WITH pruned AS (DELETE FROM jobs j WHERE j.state = 'Done' AND j.finished_at < p_cutoff RETURNING 1)
          SELECT count(*)::int FROM pruned
        $$;
        """;

    private static readonly string[] FunctionSignatures =
    [
        "paydesk_api_key(text)", "paydesk_tenant_of_provider_account(text, text)", "paydesk_tenant_of_payment(text)", "paydesk_memberships_of_user(text)", "paydesk_tenant_of_clinic(text)",
        "paydesk_tenants_with_clear_webhook_secrets()", "paydesk_claim_due_jobs(text, timestamptz, timestamptz, int)",
        "paydesk_finish_job(text, text, text, timestamptz, int, text, timestamptz, timestamptz)",
        "paydesk_ensure_recurring_job(text, text, text, timestamptz)", "paydesk_prune_idempotency_keys(timestamptz)",
        "paydesk_prune_finished_jobs(timestamptz)",
    ];

    /// <summary>
    /// Puts the policies and functions in place as the owner (<paramref name="owner"/>), and lets
    /// <paramref name="appRole"/> — the role the application connects as, when it is another — use
    /// the tables (bound by the policies) and call the functions; nobody else may call them.
    /// </summary>
    // Only identifiers go into these statements — constants, and the configured role's name, quoted.
#pragma warning disable EF1002
    public static async Task ApplyAsync(PaydeskDb owner, string? appRole, CancellationToken ct)
    {
        await owner.Database.ExecuteSqlRawAsync(Policies, ct);
        await owner.Database.ExecuteSqlRawAsync(Functions, ct);
        foreach (var function in FunctionSignatures)
            await owner.Database.ExecuteSqlRawAsync($"REVOKE ALL ON FUNCTION {function} FROM PUBLIC", ct);
        if (appRole is null) return;

        var role = Quote(appRole);
        var schema = Quote(await CurrentSchemaAsync(owner, ct));
        await owner.Database.ExecuteSqlRawAsync($"""
            GRANT USAGE ON SCHEMA {schema} TO {role};
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role};
            REVOKE INSERT, UPDATE, DELETE ON "__EFMigrationsHistory" FROM {role};
            """, ct);
        foreach (var function in FunctionSignatures)
            await owner.Database.ExecuteSqlRawAsync($"GRANT EXECUTE ON FUNCTION {function} TO {role}", ct);
    }
#pragma warning restore EF1002

    /// <summary>
    /// Whether the role this context connects as is bound by the policies: not a superuser, not
    /// <c>BYPASSRLS</c>, and not the owner of the tables (owners pass their own policies).
    /// </summary>
    public static async Task<Enforcement> CheckAsync(PaydeskDb db, CancellationToken ct)
    {
        var rows = await Sql.QueryAsync(db, """
            SELECT current_user::text, r.rolsuper OR r.rolbypassrls, pg_get_userbyid(c.relowner) = current_user, c.relrowsecurity
            FROM pg_roles r, pg_class c
            WHERE r.rolname = current_user AND c.relname = 'payments' AND c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())
            """, [], r => (Role: r.GetString(0), Bypass: r.GetBoolean(1), Owner: r.GetBoolean(2), Enabled: r.GetBoolean(3)), ct);
        if (rows.Count == 0) return new Enforcement(false, "the tables are not there yet", Known: false);
        var (role, bypass, owns, enabled) = rows[0];
        return !enabled ? new Enforcement(false, "row-level security is not enabled on the tables")
            : bypass ? new Enforcement(false, $"the application connects as {role}, a superuser or BYPASSRLS role")
            : owns ? new Enforcement(false, $"the application connects as {role}, the tables' owner, which the policies do not bind")
            : new Enforcement(true, $"the application connects as {role}, bound by the policies");
    }

    /// <param name="Known">False before the database is migrated: there is nothing to judge yet.</param>
    public sealed record Enforcement(bool Enforced, string Why, bool Known = true);

    public const string HowToEnforce =
        "Connect as a role that does not own the tables (ConnectionStrings:Paydesk), and let the owner migrate (ConnectionStrings:PaydeskOwner): " +
        "CREATE ROLE paydesk_app LOGIN PASSWORD '…' — Paydesk grants it what it needs when it migrates.";

    /// <summary>In Production, refuses to serve when row-level security does not bind the application.</summary>
    public static async Task RequireInProductionAsync(IServiceProvider services, IHostEnvironment environment, CancellationToken ct)
    {
        if (!environment.IsProduction() || services.GetRequiredService<StorageInfo>().Engine != StorageEngine.Postgres) return;
        await using var scope = services.CreateAsyncScope();
        var enforcement = await CheckAsync(scope.ServiceProvider.GetRequiredService<PaydeskDb>(), ct);
        if (enforcement is { Known: true, Enforced: false })
            throw new InvalidOperationException($"Row-level security does not keep tenants apart: {enforcement.Why}. {HowToEnforce}");
    }

    private static async Task<string> CurrentSchemaAsync(PaydeskDb db, CancellationToken ct) =>
        (await Sql.QueryAsync(db, "SELECT current_schema()::text", [], r => r.GetString(0), ct)).Single();

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";
}

/// <summary>
/// Sets the tenant of the context's <see cref="TenantContext"/> in the PostgreSQL session
/// (<c>app.tenant_id</c>) before the first command on a connection EF opened, and again before a
/// command if the tenant changed since. An unset tenant is set as empty, which no row has: a pooled
/// connection never carries another tenant into a context that set none (and Npgsql resets a
/// connection's session as it leaves the pool).
/// </summary>
/// <remarks>
/// A query carries the setting in its own round trip, as a <c>SET</c> in front of it (<see cref="Prefix"/>):
/// the two run as one, so they also fail and are rolled back as one, and a failed command leaves
/// the setting unknown, to be made again; so does a transaction it was made in that ends without a
/// commit, rolled back or only disposed. Other commands (a save's batch, whose statements EF
/// counts by position, or a bulk update) are preceded by a <c>set_config</c> of their own.
/// </remarks>
internal sealed class TenantSession : DbConnectionInterceptor, IDbCommandInterceptor, IDbTransactionInterceptor
{
    public override Task ConnectionClosedAsync(DbConnection connection, ConnectionEndEventData eventData)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    public override void ConnectionClosed(DbConnection connection, ConnectionEndEventData eventData) => Forget(eventData.Context);

    // A connection from the pool has been reset: nothing is set in it until a command sets it.
    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken ct = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Forget(eventData.Context);

    // A failed command may have taken its SET with it (an implicit transaction is rolled back whole).
    public Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken ct = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    public void CommandFailed(DbCommand command, CommandErrorEventData eventData) => Forget(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken ct = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Forget(eventData.Context);

    /// <summary>The session's tenant is no longer known: it is set again before the next command.</summary>
    internal static void Forget(DbContext? context)
    {
        if (context is PaydeskDb db) (db.SessionTenant, db.SessionTenantIn) = (null, null);
    }

    // Committed: a setting made in the transaction stays with the session.
    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken ct = default)
    {
        TransactionCommitted(transaction, eventData);
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (eventData.Context is PaydeskDb db && db.SessionTenantIn == eventData.TransactionId) db.SessionTenantIn = null;
    }

    /// <summary>
    /// The session's tenant as known before a command: forgotten when it was set in a transaction that is no longer the
    /// context's and never committed — one disposed without a commit (on an exception) took the setting with it.
    /// </summary>
    private static void Recheck(PaydeskDb db)
    {
        if (db.SessionTenantIn is { } setIn && setIn != db.Database.CurrentTransaction?.TransactionId) Forget(db);
    }

    /// <summary>Notes that the session's tenant was just set, in the context's transaction if it has one (none: for good).</summary>
    private static void Noted(PaydeskDb db, string tenant) => (db.SessionTenant, db.SessionTenantIn) = (tenant, db.Database.CurrentTransaction?.TransactionId);

    public async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken ct = default)
    {
        await EnsureAsync(eventData, command, ct);
        return result;
    }

    public async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken ct = default)
    {
        await EnsureAsync(eventData, command, ct);
        return result;
    }

    public async ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken ct = default)
    {
        await EnsureAsync(eventData, command, ct);
        return result;
    }

    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        EnsureAsync(eventData, command, CancellationToken.None).GetAwaiter().GetResult();
        return result;
    }

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        EnsureAsync(eventData, command, CancellationToken.None).GetAwaiter().GetResult();
        return result;
    }

    public InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        EnsureAsync(eventData, command, CancellationToken.None).GetAwaiter().GetResult();
        return result;
    }

    private static Task EnsureAsync(CommandEventData eventData, DbCommand command, CancellationToken ct)
    {
        if (eventData.Context is not PaydeskDb db || command.Connection is not { } connection) return Task.CompletedTask;
        Recheck(db);
        if (eventData.CommandSource is CommandSource.LinqQuery or CommandSource.FromSqlQuery)
        {
            Prefix(db, command);
            return Task.CompletedTask;
        }
        return db.SessionTenant == (db.Tenant.TenantId ?? "") ? Task.CompletedTask : SetAsync(db, connection, command.Transaction, ct);
    }

    /// <summary>
    /// Puts the context's tenant in front of a query's own text when the session may not have it,
    /// so both go in one round trip. The query must be one whose answers are read by result set
    /// (a <c>SET</c> gives none), not a save's batch, whose statements EF counts by position.
    /// </summary>
    public static void Prefix(PaydeskDb db, DbCommand command)
    {
        Recheck(db);
        var tenant = db.Tenant.TenantId ?? "";
        if (db.SessionTenant == tenant) return;
        command.CommandText = $"SET {RowLevelSecurity.Setting} = {Literal(tenant)};\n{command.CommandText}";
        Noted(db, tenant);
    }

    // Ids are made here, of letters, digits, underscores and hyphens; anything else is refused rather than quoted.
    private static string Literal(string tenant) =>
        tenant.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-')
            ? $"'{tenant}'"
            : throw new InvalidOperationException("A tenant id holds a character no tenant id has; it is not set in the session.");

    private static async Task SetAsync(PaydeskDb db, DbConnection connection, DbTransaction? transaction, CancellationToken ct)
    {
        var tenant = db.Tenant.TenantId ?? "";
        await using var set = connection.CreateCommand();
        set.CommandText = $"SELECT set_config('{RowLevelSecurity.Setting}', @tenant, false)";
        set.Transaction = transaction;
        set.Parameters.Add(new NpgsqlParameter("tenant", tenant));
        await set.ExecuteNonQueryAsync(ct);
        Noted(db, tenant);
    }
}
