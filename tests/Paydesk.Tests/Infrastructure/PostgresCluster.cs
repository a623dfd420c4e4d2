using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Paydesk.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL cluster for the test run, made with the installed server binaries:
/// initdb into a temporary directory, started on a free loopback port, one database per test
/// host, stopped and deleted when the test process exits.
/// </summary>
public sealed class PostgresCluster
{
    private static readonly Lazy<Task<PostgresCluster>> Instance = new(StartAsync);
    private readonly string _bin;
    private readonly string _dataDir;
    private readonly bool _asPostgresUser;
    private int _databases;

    public int Port { get; }

    private PostgresCluster(string bin, string dataDir, bool asPostgresUser, int port) =>
        (_bin, _dataDir, _asPostgresUser, Port) = (bin, dataDir, asPostgresUser, port);

    public static Task<PostgresCluster> Shared => Instance.Value;

    /// <summary>The role Paydesk connects as in the tests, as in production: not the tables' owner, so row-level security binds it.</summary>
    public const string AppRole = "paydesk_app";

    /// <summary>The owner's (the cluster's superuser's) connection to a database: what migrates it.</summary>
    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true;Maximum Pool Size=20;Timeout=30";

    /// <summary>The application role's connection to the database an owner's connection string names.</summary>
    public static string AppConnectionOf(string ownerConnectionString) =>
        new NpgsqlConnectionStringBuilder(ownerConnectionString) { Username = AppRole }.ConnectionString;

    /// <summary>Whether a connection string is the owner's (one this cluster made).</summary>
    public static bool IsOwners(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString).Username == "postgres";

    /// <summary>Creates an empty database and answers its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Interlocked.Increment(ref _databases)}";
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    private static async Task<PostgresCluster> StartAsync()
    {
        var bin = FindBinaries();
        var asPostgresUser = Environment.UserName == "root";
        if (asPostgresUser && Run("id", ["-u", "postgres"], check: false).ExitCode != 0)
            throw new InvalidOperationException(
                "The tests run as root, and initdb refuses root, but there is no 'postgres' user to run it as. " +
                "Fix: apt-get install -y postgresql (it creates the user), or run the tests as a non-root user.");

        var dataDir = Path.Combine(Path.GetTempPath(), $"paydesk-pg-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        Directory.CreateDirectory(dataDir);
        if (asPostgresUser) Run("chown", ["postgres:postgres", dataDir]);

        var port = FreePort();
        var cluster = new PostgresCluster(bin, dataDir, asPostgresUser, port);
        cluster.Pg("initdb", "-D", dataDir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync");
        cluster.Pg("pg_ctl", "-D", dataDir, "-l", Path.Combine(dataDir, "server.log"), "-w", "-t", "60",
            "-o", $"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={dataDir} -c fsync=off -c max_connections=300", "start");
        cluster.StopWhenThisProcessEnds();

        await using var connection = new NpgsqlConnection(cluster.ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var role = new NpgsqlCommand($"CREATE ROLE {AppRole} LOGIN NOSUPERUSER NOBYPASSRLS", connection);
        await role.ExecuteNonQueryAsync();
        return cluster;
    }

    /// <summary>Everything the database holds, as <c>pg_dump</c> writes it: for tests that search what is stored.</summary>
    public string Dump(string connectionString)
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        var path = Path.Combine(_bin, "pg_dump");
        string[] args = ["-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "postgres", "--no-password", database];
        var (exitCode, output) = _asPostgresUser ? Run("runuser", ["-u", "postgres", "--", path, .. args], check: false) : Run(path, args, check: false);
        if (exitCode != 0)
            throw new InvalidOperationException($"pg_dump failed ({exitCode}):\n{output}");
        return output;
    }

    /// <summary>
    /// Stops the cluster and deletes its files once this process has ended, however it ends —
    /// a test host killed mid-run included. A watcher in a session of its own (so killing this
    /// process's tree spares it) reads a pipe from this process until it closes, then cleans up.
    /// </summary>
    private void StopWhenThisProcessEnds()
    {
        var pgCtl = Path.Combine(_bin, "pg_ctl");
        var stop = _asPostgresUser ? $"runuser -u postgres -- '{pgCtl}'" : $"'{pgCtl}'";
        var start = new ProcessStartInfo("setsid") { RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in new[] { "-f", "sh", "-c", $"cat >/dev/null; {stop} -D '{_dataDir}' -m immediate -w stop >/dev/null 2>&1; rm -rf '{_dataDir}'" })
            start.ArgumentList.Add(a);
        _watcher = Process.Start(start) ?? throw new InvalidOperationException("Could not start the watcher that stops the test cluster.");
    }

    // Held for the life of this process: its end closes the watcher's pipe.
    private Process? _watcher;

    private void Pg(string tool, params string[] args)
    {
        var path = Path.Combine(_bin, tool);
        var (exitCode, output) = _asPostgresUser ? Run("runuser", ["-u", "postgres", "--", path, .. args], check: false) : Run(path, args, check: false);
        if (exitCode != 0)
            throw new InvalidOperationException($"{tool} failed ({exitCode}):\n{output}");
    }

    private static string FindBinaries()
    {
        var root = "/usr/lib/postgresql";
        var bin = Directory.Exists(root)
            ? Directory.GetDirectories(root).Select(d => Path.Combine(d, "bin"))
                .Where(b => File.Exists(Path.Combine(b, "initdb"))).OrderDescending().FirstOrDefault()
            : null;
        return bin ?? throw new InvalidOperationException(
            "PostgreSQL server binaries were not found under /usr/lib/postgresql/*/bin. " +
            "Fix: apt-get update && apt-get install -y postgresql");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static (int ExitCode, string Output) Run(string file, string[] args, bool check = true)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        var output = stdout.Result + stderr.Result;
        if (check && process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}):\n{output}");
        return (process.ExitCode, output);
    }
}
