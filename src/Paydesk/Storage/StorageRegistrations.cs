using Microsoft.EntityFrameworkCore;
using Paydesk.Tenancy;

namespace Paydesk.Storage;

public enum StorageEngine { Sqlite, Postgres }

public static class StorageRegistrations
{
    public const string ConnectionStringName = "Paydesk";

    /// <summary>
    /// SQLite unless <c>Storage:Engine</c> says <c>postgres</c>; the connection string is
    /// <c>ConnectionStrings:Paydesk</c> (for SQLite it defaults to <c>data/paydesk.db</c>).
    /// </summary>
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        var engine = ReadEngine(configuration);
        var connectionString = configuration.GetConnectionString(ConnectionStringName);
        services.AddSingleton(new StorageInfo(engine));

        if (engine == StorageEngine.Postgres)
        {
            if (string.IsNullOrWhiteSpace(connectionString))
                throw new InvalidOperationException(
                    "Storage:Engine is postgres but ConnectionStrings:Paydesk is empty. " +
                    "Set it, e.g. ConnectionStrings__Paydesk='Host=127.0.0.1;Database=paydesk;Username=paydesk;Password=…'.");
            services.AddDbContext<PostgresPaydeskDb>((sp, o) => o.UseNpgsql(connectionString).UseSnakeCaseNamingConvention()
                .AddInterceptors(sp.GetRequiredService<Jobs.JobWakeUp>()));
            services.AddScoped<PaydeskDb>(sp => sp.GetRequiredService<PostgresPaydeskDb>());
        }
        else
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                var dataDir = Path.Combine(contentRoot, "data");
                Directory.CreateDirectory(dataDir);
                connectionString = $"Data Source={Path.Combine(dataDir, "paydesk.db")}";
            }
            services.AddDbContext<SqlitePaydeskDb>((sp, o) => o.UseSqlite(connectionString).UseSnakeCaseNamingConvention()
                .AddInterceptors(sp.GetRequiredService<Jobs.JobWakeUp>()));
            services.AddScoped<PaydeskDb>(sp => sp.GetRequiredService<SqlitePaydeskDb>());
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
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PaydeskDb>();
            await db.Database.MigrateAsync(ct);
        }
        foreach (var step in services.GetServices<IDataMigration>())
            await step.RunAsync(services, ct);
    }
}

public sealed record StorageInfo(StorageEngine Engine);
