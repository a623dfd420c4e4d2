using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Paydesk.Storage;

/// <summary>
/// SQLite takes one writer at a time. A second one is refused with "busy", and the driver answers
/// that by sleeping 150 ms and trying again — under load, requests queue behind those sleeps and the
/// slowest take seconds. This gate lets one unit of work of this process write at a time and has the
/// others wait for it without sleeping: a transaction holds it from its start to its end, and a
/// write outside a transaction while it runs. Reads never wait (the database runs in WAL mode, so
/// they read beside the writer).
/// </summary>
/// <remarks>
/// A wait longer than <see cref="MaxWait"/> fails as SQLite's own would: with "database is locked".
/// Another process writing to the same file is still held off by SQLite's lock.
/// </remarks>
internal sealed class SqliteWriteGate : DbConnectionInterceptor, IDbTransactionInterceptor, IDbCommandInterceptor
{
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);
    private readonly SemaphoreSlim _writer = new(1, 1);

    private async ValueTask EnterAsync(DbContext? context, CancellationToken ct)
    {
        if (context is not PaydeskDb db || db.WriteGate is not null) return;
        if (!await _writer.WaitAsync(MaxWait, ct))
            throw new InvalidOperationException($"database is locked: no turn to write came within {MaxWait.TotalSeconds:0} s.");
        db.WriteGate = this;
    }

    private void Enter(DbContext? context)
    {
        if (context is not PaydeskDb db || db.WriteGate is not null) return;
        if (!_writer.Wait(MaxWait))
            throw new InvalidOperationException($"database is locked: no turn to write came within {MaxWait.TotalSeconds:0} s.");
        db.WriteGate = this;
    }

    /// <summary>Gives the turn back, if <paramref name="context"/> holds it; also when the context is disposed holding it.</summary>
    internal void Leave(DbContext? context)
    {
        if (context is not PaydeskDb db || db.WriteGate != this) return;
        db.WriteGate = null;
        _writer.Release();
    }

    // A transaction: from its start to its commit or rollback.
    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken ct = default)
    {
        await EnterAsync(eventData.Context, ct);
        return result;
    }

    public InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        Enter(eventData.Context);
        return result;
    }

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken ct = default)
    {
        Leave(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Leave(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken ct = default)
    {
        Leave(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Leave(eventData.Context);

    // A transaction disposed without commit or rollback ends when its connection closes, or at the
    // latest when its context is disposed.
    public override Task ConnectionClosedAsync(DbConnection connection, ConnectionEndEventData eventData)
    {
        Leave(eventData.Context);
        return Task.CompletedTask;
    }

    public override void ConnectionClosed(DbConnection connection, ConnectionEndEventData eventData) => Leave(eventData.Context);

    // A write outside a transaction: while the statement runs.
    private static bool WritesAlone(DbCommand command) => command.Transaction is null && IsWrite(command.CommandText);

    internal static bool IsWrite(string sql)
    {
        var text = sql.AsSpan().TrimStart();
        foreach (var verb in (ReadOnlySpan<string>)["INSERT", "UPDATE", "DELETE", "REPLACE"])
            if (text.StartsWith(verb, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    public async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken ct = default)
    {
        if (WritesAlone(command)) await EnterAsync(eventData.Context, ct);
        return result;
    }

    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        if (WritesAlone(command)) Enter(eventData.Context);
        return result;
    }

    public async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken ct = default)
    {
        if (WritesAlone(command)) await EnterAsync(eventData.Context, ct);
        return result;
    }

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        if (WritesAlone(command)) Enter(eventData.Context);
        return result;
    }

    public ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken ct = default)
    {
        if (command.Transaction is null) Leave(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        if (command.Transaction is null) Leave(eventData.Context);
        return result;
    }

    // A write that returns rows holds SQLite's lock until its reader is done with.
    public InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
    {
        if (command.Transaction is null) Leave(eventData.Context);
        return result;
    }

    public void CommandFailed(DbCommand command, CommandErrorEventData eventData)
    {
        if (command.Transaction is null) Leave(eventData.Context);
    }

    public Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken ct = default)
    {
        if (command.Transaction is null) Leave(eventData.Context);
        return Task.CompletedTask;
    }
}
