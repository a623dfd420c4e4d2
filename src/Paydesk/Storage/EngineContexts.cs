using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Paydesk.Tenancy;

namespace Paydesk.Storage;

/// <summary>The embedded default: one file under <c>./data</c>, one process.</summary>
public sealed class SqlitePaydeskDb(DbContextOptions<SqlitePaydeskDb> options) : PaydeskDb(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);
        // SQLite has no date type: stored as text it cannot be compared or ordered in SQL. All
        // instants are UTC, so their ticks order them correctly.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
    }
}

internal sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
    v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));

/// <summary>The production store: many Paydesk processes share one PostgreSQL.</summary>
public sealed class PostgresPaydeskDb(DbContextOptions<PostgresPaydeskDb> options) : PaydeskDb(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        // Ids are compared for cursor pagination: byte order, whatever the database's locale.
        foreach (var property in modelBuilder.Model.GetEntityTypes().SelectMany(e => e.GetProperties()))
        {
            if (property.ClrType == typeof(string) && (property.Name == "Id" || property.Name.EndsWith("Id", StringComparison.Ordinal)))
                property.SetCollation("C");
        }
    }
}

// Used by `dotnet ef migrations add`: each engine keeps its own migrations.
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqlitePaydeskDb>
{
    public SqlitePaydeskDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlitePaydeskDb>().UseSqlite("Data Source=design.db").UseSnakeCaseNamingConvention().Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresPaydeskDb>
{
    public PostgresPaydeskDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresPaydeskDb>().UseNpgsql("Host=localhost").UseSnakeCaseNamingConvention().Options);
}
