using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using Xunit.Abstractions;

namespace Paydesk.Tests.Infrastructure;

public sealed record ProcessOptions
{
    public required TestDatabase Database { get; init; }
    /// <summary>The Data Protection key ring. Processes on one database share it, so a restarted one opens what the killed one sealed.</summary>
    public required string KeyRingPath { get; init; }
    public string Environment { get; init; } = "Testing";
    /// <summary>Mail over SMTP to this port on 127.0.0.1 (maildev's); into a folder of the process's own when null.</summary>
    public int? SmtpPort { get; init; }
    /// <summary>Turns the Mock provider on whatever the environment; null leaves the environment's default.</summary>
    public bool? MockEnabled { get; init; } = true;
    /// <summary>
    /// The loopback port to listen on; a free one when null. A restarted process takes its
    /// predecessor's, as a restarted service keeps its address (the Mock provider notifies it there).
    /// </summary>
    public int? Port { get; init; }
    /// <summary>More settings, as <c>Section:Key</c> → value, after (and so over) <see cref="TestSettings"/>' own.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();
    /// <summary>Where the process's output goes when it is disposed, so a failing test shows what the process said.</summary>
    public ITestOutputHelper? Log { get; init; }
}

/// <summary>
/// Paydesk as a real OS process — <c>dotnet Paydesk.dll</c>, as an operator runs it — on a loopback
/// port, with the settings every test host gets (<see cref="TestSettings"/>). A test kills it with
/// SIGKILL, which nothing in the process sees coming (no shutdown, no <c>finally</c>), and starts
/// another on the same database. Disposing kills and reaps it, pass or fail; one still running
/// when the test run ends is killed then.
/// </summary>
public sealed class PaydeskProcess : IPaydeskServer, IAsyncDisposable
{
    private static readonly TimeSpan ReadyWithin = TimeSpan.FromSeconds(90);
    private static readonly ConcurrentDictionary<int, Process> Alive = new();
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output;
    private readonly string _mailFolder;
    private readonly ITestOutputHelper? _log;
    private readonly Lazy<Task<ApiContract>> _contract;

    static PaydeskProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var process in Alive.Values)
        {
            try
            {
                process.Kill();
                process.WaitForExit(5000);
            }
            catch (InvalidOperationException) { }
        }
    };

    private PaydeskProcess(Process process, ConcurrentQueue<string> output, int port, string mailFolder, ITestOutputHelper? log)
    {
        (_process, _output, Port, _mailFolder, _log) = (process, output, port, mailFolder, log);
        Id = process.Id;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        _contract = new Lazy<Task<ApiContract>>(() => ApiContract.FetchAsync(BaseAddress));
    }

    public int Id { get; }
    public int Port { get; }
    public Uri BaseAddress { get; }
    public bool HasExited => _process.HasExited;
    /// <summary>128 + the signal's number for a process a signal ended: 137 after SIGKILL.</summary>
    public int ExitCode => _process.ExitCode;
    /// <summary>What it wrote to stdout and stderr so far, line by line.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>How many lines of its output contain <paramref name="text"/>.</summary>
    public int LinesWith(string text) => _output.Count(line => line.Contains(text, StringComparison.Ordinal));

    /// <summary>Starts Paydesk serving, and answers once <c>/health/ready</c> says 200.</summary>
    public static async Task<PaydeskProcess> StartAsync(ProcessOptions options)
    {
        var port = options.Port ?? FreePort();
        var mailFolder = Path.Combine(Path.GetTempPath(), $"paydesk-process-mail-{Guid.NewGuid():N}");
        var output = new ConcurrentQueue<string>();
        var process = Launch(options, [], $"http://127.0.0.1:{port}", mailFolder, output);
        var paydesk = new PaydeskProcess(process, output, port, mailFolder, options.Log);
        try
        {
            await paydesk.WaitUntilReadyAsync();
            await paydesk.Contract;
            return paydesk;
        }
        catch
        {
            await paydesk.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs one of Paydesk's commands (<c>migrate</c>, <c>create-tenant …</c>) with the same settings; answers when it has ended.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(ProcessOptions options, params string[] command)
    {
        var output = new ConcurrentQueue<string>();
        var mailFolder = Path.Combine(Path.GetTempPath(), $"paydesk-process-mail-{Guid.NewGuid():N}");
        using var process = Launch(options, command, "http://127.0.0.1:0", mailFolder, output);
        try
        {
            using var timeout = new CancellationTokenSource(ReadyWithin);
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, string.Join('\n', output));
        }
        finally
        {
            if (!process.HasExited) process.Kill();
            await process.WaitForExitAsync();
            Alive.TryRemove(process.Id, out _);
            if (Directory.Exists(mailFolder)) Directory.Delete(mailFolder, recursive: true);
        }
    }

    /// <summary>Makes a tenant as an operator does, with <c>create-tenant</c>; answers its id and its admin key.</summary>
    public static async Task<(string TenantId, string AdminKey)> CreateTenantAsync(ProcessOptions options)
    {
        var slug = $"t-{Guid.NewGuid():N}"[..20];
        var (exitCode, output) = await RunAsync(options, "create-tenant", slug, $"Tenant {slug}", "RON", "Europe/Bucharest");
        Assert.True(exitCode == 0, $"create-tenant ended with {exitCode}:\n{output}");
        var tenantId = output.Split($"Tenant {slug} (")[1].Split(')')[0];
        var key = output.Split("Admin API key (shown once, store it now): ")[1].Split('\n')[0].Trim();
        return (tenantId, key);
    }

    /// <summary>The process's own OpenAPI document, fetched once it is ready (a test may kill it at any moment after).</summary>
    public Task<ApiContract> Contract => _contract.Value;

    public HttpClient Client(string? apiKey = null) => ContractCheckingHandler.Client(BaseAddress, () => Contract, apiKey);

    /// <summary>
    /// Ends the process with SIGKILL, at once, wherever it is, and reaps it. What it held — job
    /// claims, idempotency keys, open transactions, answers not yet sent — stays as it was left.
    /// </summary>
    public async Task KillAsync()
    {
        // On Linux, Process.Kill sends SIGKILL.
        if (!_process.HasExited) _process.Kill();
        await _process.WaitForExitAsync();
        Alive.TryRemove(Id, out _);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        finally
        {
            try
            {
                _log?.WriteLine($"--- Paydesk process {Id} on port {Port}, exit code {_process.ExitCode} ---\n{Output}");
            }
            catch (InvalidOperationException)
            {
                // No test is running any more to take it.
            }
            _process.Dispose();
            if (Directory.Exists(_mailFolder)) Directory.Delete(_mailFolder, recursive: true);
        }
    }

    private async Task WaitUntilReadyAsync()
    {
        using var probe = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"Paydesk exited ({_process.ExitCode}) before it was ready:\n{Output}");
            try
            {
                using var ready = await probe.GetAsync("/health/ready");
                if (ready.StatusCode == HttpStatusCode.OK) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }
            if (clock.Elapsed > ReadyWithin)
                throw new InvalidOperationException($"Paydesk did not answer GET {BaseAddress}health/ready with 200 within {ReadyWithin.TotalSeconds:0} s:\n{Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// The service's own build (<c>src/Paydesk/bin/{configuration}/{framework}/Paydesk.dll</c>), as an
    /// operator runs it; the copy beside the tests is rewritten by the coverage collector, and
    /// processes started from it, killed at any moment, would write into the test run's coverage.
    /// The copy beside the tests when the service's build is not there.
    /// </summary>
    private static string ServiceAssembly
    {
        get
        {
            var beside = typeof(PaydeskApp).Assembly.Location;
            var framework = new DirectoryInfo(Path.GetDirectoryName(beside)!);
            var configuration = framework.Parent!;
            for (var dir = configuration.Parent; dir is not null; dir = dir.Parent)
            {
                if (!File.Exists(Path.Combine(dir.FullName, "Paydesk.slnx"))) continue;
                var own = Path.Combine(dir.FullName, "src", "Paydesk", "bin", configuration.Name, framework.Name, "Paydesk.dll");
                return File.Exists(own) ? own : beside;
            }
            return beside;
        }
    }

    private static Process Launch(ProcessOptions options, string[] command, string urls, string mailFolder, ConcurrentQueue<string> output)
    {
        var paydesk = ServiceAssembly;
        // Its folder is the content root, so the process reads the appsettings.json built with it.
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(paydesk)!, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.ArgumentList.Add(paydesk);
        // A command's own arguments come first: create-tenant reads them by position.
        foreach (var a in command) start.ArgumentList.Add(a);
        var settings = TestSettings.Arguments(options.Database.Engine, options.Database.ConnectionString, options.Environment, urls,
            options.KeyRingPath, migrateOnStart: true, options.MockEnabled, options.SmtpPort, mailFolder, options.Settings);
        foreach (var a in settings) start.ArgumentList.Add(a);

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.Start();
        Alive[process.Id] = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
