using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Paydesk.Tests.Infrastructure;

/// <summary>
/// A fresh database for Paydesk processes that a test starts, kills and starts again: a SQLite
/// file, or a database of the run's PostgreSQL cluster. The test reads what the processes left
/// with a connection of its own, as the owner of the tables, in plain SQL. A SQLite file is
/// deleted when disposed: declare it before the processes, so it outlives them.
/// </summary>
public sealed class TestDatabase : IDisposable
{
    private readonly string? _sqliteFile;

    private TestDatabase(Engine engine, string connectionString, string? sqliteFile) =>
        (Engine, ConnectionString, _sqliteFile) = (engine, connectionString, sqliteFile);

    public Engine Engine { get; }

    /// <summary>What Paydesk is given (through <see cref="TestSettings.Database"/>), and what the test reads with.</summary>
    public string ConnectionString { get; }

    public static async Task<TestDatabase> CreateAsync(Engine engine, string name)
    {
        if (engine == Engine.Postgres)
            return new TestDatabase(engine, await (await PostgresCluster.Shared).CreateDatabaseAsync(name), null);
        var file = Path.Combine(Path.GetTempPath(), $"paydesk-{name}-{Guid.NewGuid():N}.db");
        return new TestDatabase(engine, $"Data Source={file};Pooling=false", file);
    }

    /// <summary>The first column of the first row, as a whole number (a count, a sum).</summary>
    public async Task<long> CountAsync(string sql, params (string Name, object Value)[] parameters) =>
        Convert.ToInt64((await RowsAsync(sql, parameters)).Single()[0] ?? 0L, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Every row the query answers, each as its column values; NULL as null.</summary>
    public async Task<List<object?[]>> RowsAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using DbConnection connection = Engine == Engine.Postgres ? new NpgsqlConnection(ConnectionString) : new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        var rows = new List<object?[]>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    public void Dispose()
    {
        // The test's own pool, as the hosts release theirs (see PaydeskHost.DisposeAsync).
        if (Engine == Engine.Postgres) NpgsqlConnection.ClearPool(new NpgsqlConnection(ConnectionString));
        if (_sqliteFile is null) return;
        foreach (var file in new[] { _sqliteFile, _sqliteFile + "-wal", _sqliteFile + "-shm", _sqliteFile + "-journal" })
            File.Delete(file);
    }
}
