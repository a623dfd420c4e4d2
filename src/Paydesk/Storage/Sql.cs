using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Paydesk.Storage;

/// <summary>
/// Plain SQL on a context's own connection and transaction, for the few statements EF does not
/// express (a claim with <c>FOR UPDATE SKIP LOCKED</c>, a call of a database function). The
/// connection is opened through EF, so what EF does on opening (setting the tenant) happens too.
/// </summary>
internal static class Sql
{
    public static Task<List<T>> QueryAsync<T>(PaydeskDb db, string sql, (string Name, object? Value)[] parameters, Func<DbDataReader, T> read, CancellationToken ct) =>
        WithCommandAsync(db, sql, parameters, async command =>
        {
            var rows = new List<T>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) rows.Add(read(reader));
            return rows;
        }, ct);

    public static Task<int> ExecuteAsync(PaydeskDb db, string sql, (string Name, object? Value)[] parameters, CancellationToken ct) =>
        WithCommandAsync(db, sql, parameters, command => command.ExecuteNonQueryAsync(ct), ct);

    public static async Task<long> ScalarAsync(PaydeskDb db, string sql, (string Name, object? Value)[] parameters, CancellationToken ct) =>
        await WithCommandAsync(db, sql, parameters, async command => Convert.ToInt64(await command.ExecuteScalarAsync(ct) ?? 0L, System.Globalization.CultureInfo.InvariantCulture), ct);

    /// <summary>Instants as each engine stores them: timestamptz, or UTC ticks on SQLite.</summary>
    public static object Instant(PaydeskDb db, DateTimeOffset at)
    {
        var stored = PaydeskDb.Stored(at);
        return db.Database.IsNpgsql() ? stored : stored.UtcTicks;
    }

    /// <summary>An instant read back from either engine.</summary>
    public static DateTimeOffset? ReadInstant(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null
        : reader.GetFieldType(ordinal) == typeof(long) ? new DateTimeOffset(reader.GetInt64(ordinal), TimeSpan.Zero)
        : reader.GetFieldValue<DateTimeOffset>(ordinal);

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
            if (db.Database.IsNpgsql()) TenantSession.Prefix(db, command);
            foreach (var (name, value) in parameters)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = value ?? DBNull.Value;
                command.Parameters.Add(parameter);
            }
            try
            {
                return await run(command);
            }
            catch
            {
                // It may have taken its SET with it.
                TenantSession.Forget(db);
                throw;
            }
        }
        finally
        {
            if (opened) await db.Database.CloseConnectionAsync();
        }
    }
}
