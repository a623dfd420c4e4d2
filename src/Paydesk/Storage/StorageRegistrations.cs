using Microsoft.EntityFrameworkCore;
using Paydesk.Tenancy;

namespace Paydesk.Storage;

public enum StorageEngine { Sqlite, Postgres }

public static class StorageRegistrations
{
    public const string ConnectionStringName = "Paydesk";
    /// <summary>PostgreSQL only: the tables' owner, which migrates them; the application connects as another role.</summary>
    public const string OwnerConnectionStringName = "PaydeskOwner";

    /// <summary>Contexts kept for reuse; more are made when a burst needs them, and dropped after.</summary>
    private const int PoolSize = 256;

    /// <summary>
    /// SQLite unless <c>Storage:Engine</c> says <c>postgres</c>; the connection string is
    /// <c>ConnectionStrings:Paydesk</c> (for SQLite it defaults to <c>data/paydesk.db</c>). On
    /// PostgreSQL, <c>ConnectionStrings:PaydeskOwner</c> is the owner's, used to migrate; without it
    /// the application's own connection migrates (and, owning the tables, is not bound by
    /// row-level security).
    /// </summary>
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        var engine = ReadEngine(configuration);
        var connectionString = configuration.GetConnectionString(ConnectionStringName);
        var owner = configuration.GetConnectionString(OwnerConnectionStringName) is { Length: > 0 } o ? o : null;
        services.AddSingleton(new StorageInfo(engine, engine == StorageEngine.Postgres ? owner ?? connectionString : null,
            engine == StorageEngine.Postgres && owner is not null ? AppRoleOf(connectionString, owner) : null));

        if (engine == StorageEngine.Postgres)
        {
            if (string.IsNullOrWhiteSpace(connectionString))
                throw new InvalidOperationException(
                    "Storage:Engine is postgres but ConnectionStrings:Paydesk is empty. " +
                    "Set it, e.g. ConnectionStrings__Paydesk='Host=127.0.0.1;Database=paydesk;Username=paydesk;Password=…'.");
            connectionString = Tuned(connectionString);
            services.AddSingleton<TenantSession>();
            AddPooled<PostgresPaydeskDb>(services, (sp, o) => o.UseNpgsql(connectionString).AddInterceptors(sp.GetRequiredService<TenantSession>()));
        }
        else
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                var dataDir = Path.Combine(contentRoot, "data");
                Directory.CreateDirectory(dataDir);
                connectionString = $"Data Source={Path.Combine(dataDir, "paydesk.db")}";
            }
            services.AddSingleton<SqliteWriteGate>();
            AddPooled<SqlitePaydeskDb>(services, (sp, o) => o.UseSqlite(connectionString).AddInterceptors(sp.GetRequiredService<SqliteWriteGate>()));
        }

        services.AddSingleton<IdGenerator>();
        services.AddScoped<TenantContext>();
        return services;
    }

    private static StorageEngine ReadEngine(IConfiguration configuration) =>
        configuration["Storage:Engine"]?.Trim().ToLowerInvariant() switch
        {
            null or "" or "sqlite" => StorageEngine.Sqlite,
            "postgres" or "postgresql" => StorageEngine.Postgres,
            var other => throw new InvalidOperationException($"Storage:Engine '{other}' is not known; use sqlite or postgres."),
        };

    /// <summary>
    /// Applies this engine's migrations, then the registered <see cref="IDataMigration"/>s in
    /// order; safe to run on every start.
    /// </summary>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken ct = default)
    {
        var storage = services.GetRequiredService<StorageInfo>();
        if (storage.Engine == StorageEngine.Postgres)
        {
            // As the owner: the schema, then the policies and the functions of the second wall.
            await using var owner = new PostgresPaydeskDb(
                new DbContextOptionsBuilder<PostgresPaydeskDb>().UseNpgsql(storage.OwnerConnectionString).UseSnakeCaseNamingConvention().Options);
            await MigrateIfPendingAsync(owner, ct);
            await RowLevelSecurity.ApplyAsync(owner, storage.AppRole, ct);
        }
        else
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PaydeskDb>();
            // Write-ahead logging: readers read beside the writer instead of waiting for it. It is a
            // property of the file, kept from then on.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
            await MigrateIfPendingAsync(db, ct);
        }
        foreach (var step in services.GetServices<IDataMigration>())
            await step.RunAsync(services, ct);
    }

    /// <summary>
    /// Npgsql's settings for the request path, each unless the connection string says otherwise:
    /// automatic preparation — the statements run thousands of times a second, and parsing and
    /// planning each one anew costs the server more than running it — and no reset of a connection
    /// returned to the pool (<c>No Reset On Close</c>): with prepared statements kept, the reset is
    /// several statements (close cursors, reset settings, unlisten, release advisory locks…) in front
    /// of the next use, about a tenth of the server's work in a renewal. Paydesk leaves nothing in a
    /// session to reset: the one setting it makes there, the tenant, is made again before the first
    /// command after every open (<see cref="TenantSession"/>, as empty when the context has none);
    /// its advisory locks are the transaction's own, and it opens no cursors, listens to nothing and
    /// makes no temporary tables.
    /// </summary>
    internal static string Tuned(string connectionString)
    {
        // Npgsql's own builder answers ContainsKey for every keyword it knows, set or not: whether the
        // string itself names a setting is read with the plain builder, which holds only what was given.
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Select(k => k.Replace(" ", "", StringComparison.Ordinal)).ToList();
        bool Given(string keyword) => given.Any(k => k.Equals(keyword, StringComparison.OrdinalIgnoreCase));
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (!Given("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 100;
            builder.AutoPrepareMinUsages = 2;
        }
        if (!Given("NoResetOnClose")) builder.NoResetOnClose = true;
        return builder.ConnectionString;
    }

    /// <summary>
    /// The engine's context, pooled: the options (the connection string and the interceptors, all
    /// singletons) are built once, and each context's services once per pooled instance, not per
    /// request. A scope's <see cref="PaydeskDb"/> is a context rented for it and given its tenant.
    /// </summary>
    private static void AddPooled<TContext>(IServiceCollection services, Action<IServiceProvider, DbContextOptionsBuilder> engine)
        where TContext : PaydeskDb
    {
        services.AddPooledDbContextFactory<TContext>((sp, o) =>
        {
            engine(sp, o);
            // What each module does once a change commits (wake the workers, forget what a cache read).
            o.UseSnakeCaseNamingConvention().AddInterceptors(sp.GetServices<AfterCommit>());
        }, PoolSize);
        services.AddScoped<PaydeskDb>(sp => sp.GetRequiredService<IDbContextFactory<TContext>>().CreateDbContext()
            .ServeFor(sp.GetRequiredService<TenantContext>()));
    }

    /// <summary>
    /// Migrates only when a migration is pending: asking is one read of the history table, while
    /// migrating an up-to-date database still builds and compares the models (a third of a second
    /// of every start).
    /// </summary>
    private static async Task MigrateIfPendingAsync(DbContext db, CancellationToken ct)
    {
        if ((await db.Database.GetPendingMigrationsAsync(ct)).Any())
            await db.Database.MigrateAsync(ct);
    }

    /// <summary>The role the application connects as, when the owner's connection names another: it is granted what it needs.</summary>
    private static string? AppRoleOf(string? app, string owner)
    {
        var appUser = new Npgsql.NpgsqlConnectionStringBuilder(app).Username;
        return appUser is { Length: > 0 } && appUser != new Npgsql.NpgsqlConnectionStringBuilder(owner).Username ? appUser : null;
    }
}

/// <param name="OwnerConnectionString">PostgreSQL: the connection that migrates (the owner's, or else the application's).</param>
/// <param name="AppRole">PostgreSQL: the application's role, when it is not the owner.</param>
public sealed record StorageInfo(StorageEngine Engine, string? OwnerConnectionString = null, string? AppRole = null);
