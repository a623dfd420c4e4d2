using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Paydesk.Tests.Infrastructure;

/// <summary>
/// A real SMTP server for the test run: maildev 3.0.0 from npm, installed once into a cache folder
/// outside the repository (<see cref="NpmPackage"/>), started on free loopback ports, stopped when
/// the test process exits.
/// It keeps every message it receives and shows them over its REST API (<c>/api/email</c>); tests
/// keep apart by sending to a recipient of their own (<see cref="NewRecipient"/>), never by
/// deleting mail. It refuses messages over <see cref="MaxMessageBytes"/> with a 552, so a test can
/// see a real permanent refusal.
/// </summary>
public sealed class MailDevServer
{
    public const string Version = "3.0.0";
    public const int MaxMessageBytes = 1024 * 1024;
    private static readonly Lazy<Task<MailDevServer>> Instance = new(StartAsync);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly HttpClient _api;

    public int SmtpPort { get; }
    public Uri WebAddress { get; }
    /// <summary>How long the shared instance took to install (zero when it was already) and to start.</summary>
    public TimeSpan InstallTime { get; }
    public TimeSpan StartTime { get; }

    private MailDevServer(int smtpPort, Uri webAddress, TimeSpan installTime, TimeSpan startTime)
    {
        (SmtpPort, WebAddress, InstallTime, StartTime) = (smtpPort, webAddress, installTime, startTime);
        _api = new HttpClient { BaseAddress = webAddress, Timeout = TimeSpan.FromSeconds(10) };
    }

    public static Task<MailDevServer> Shared => Instance.Value;

    /// <summary>Where maildev is installed: <c>$XDG_CACHE_HOME</c> or <c>~/.cache</c>, then <c>paydesk-test-tools/maildev-3.0.0</c>.</summary>
    public static string InstallDirectory => NpmPackage.DirectoryOf("maildev", Version);

    /// <summary>An address no other test sends to.</summary>
    public static string NewRecipient(string hint = "to") => $"{hint}-{Guid.NewGuid():N}@paydesk.test";

    /// <summary>Every message maildev holds with <paramref name="address"/> among its recipients, oldest first.</summary>
    public async Task<IReadOnlyList<JsonElement>> MessagesTo(string address)
    {
        var all = await _api.GetFromJsonAsync<JsonElement>("/api/email");
        return all.EnumerateArray().Where(m => IsTo(m, address)).Select(m => m.Clone()).ToList();
    }

    /// <summary>The first message to <paramref name="address"/>, waiting for it up to <paramref name="timeout"/>.</summary>
    public async Task<JsonElement> WaitForMessageTo(string address, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var messages = await MessagesTo(address);
            if (messages.Count > 0) return messages[0];
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"maildev received nothing for {address} within {timeout.TotalSeconds:0.#} s.");
            await Task.Delay(50);
        }
    }

    /// <summary>The message as it arrived, headers and all (<c>GET /api/email/:id/source</c>).</summary>
    public Task<string> SourceOf(JsonElement message) => _api.GetStringAsync($"/api/email/{message.Str("id")}/source");

    private static bool IsTo(JsonElement message, string address)
    {
        static bool Has(JsonElement m, string property, string address) =>
            m.TryGetProperty(property, out var list) && list.ValueKind == JsonValueKind.Array
            && list.EnumerateArray().Any(a => a.TryGetProperty("address", out var value)
                && string.Equals(value.GetString(), address, StringComparison.OrdinalIgnoreCase));

        return Has(message, "to", address)
            || (message.TryGetProperty("envelope", out var envelope) && Has(envelope, "to", address));
    }

    private static async Task<MailDevServer> StartAsync()
    {
        var node = NpmPackage.Require("node", $"The email tests run maildev {Version} (an SMTP server from npm)");

        var installClock = Stopwatch.StartNew();
        var script = NpmPackage.Install("maildev", Version, "dist/bin/maildev.js");
        var installTime = installClock.Elapsed;

        var mailDir = Path.Combine(Path.GetTempPath(), $"paydesk-maildev-{Environment.ProcessId}-{Guid.NewGuid():N}"[..48]);
        Directory.CreateDirectory(mailDir);
        var (smtpPort, webPort) = FreePorts();
        var start = new ProcessStartInfo(node)
        {
            // maildev looks for a configuration file in the working directory and its parents.
            WorkingDirectory = mailDir,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // The preload ends maildev when its stdin closes, which happens when this process dies by
        // any means, so a killed test run leaves no server behind.
        foreach (var a in new[]
                 {
                     "--require", WatchStdinScript(), script,
                     "--ip", "127.0.0.1", "--web-ip", "127.0.0.1",
                     "-s", smtpPort.ToString(), "-w", webPort.ToString(),
                     "--mail-directory", mailDir,
                     "--max-message-size", MaxMessageBytes.ToString(),
                 })
            start.ArgumentList.Add(a);

        var output = new ConcurrentQueue<string>();
        var startClock = Stopwatch.StartNew();
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop(process, mailDir);

        var web = new Uri($"http://127.0.0.1:{webPort}");
        using var probe = new HttpClient { BaseAddress = web, Timeout = TimeSpan.FromSeconds(2) };
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"maildev exited ({process.ExitCode}) before it was ready:\n{string.Join('\n', output)}");
            try
            {
                if ((await probe.GetAsync("/api/healthz")).IsSuccessStatusCode) break;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }
            if (startClock.Elapsed > StartTimeout)
            {
                Stop(process, mailDir);
                throw new InvalidOperationException(
                    $"maildev did not answer GET {web}api/healthz within {StartTimeout.TotalSeconds:0} s:\n{string.Join('\n', output)}");
            }
            await Task.Delay(50);
        }
        return new MailDevServer(smtpPort, web, installTime, startClock.Elapsed);
    }

    private static string WatchStdinScript()
    {
        var path = Path.Combine(Path.GetTempPath(), "paydesk-maildev-exit-with-parent.cjs");
        const string source = "process.stdin.on('end', () => process.exit(0)); process.stdin.on('error', () => process.exit(0)); process.stdin.resume();\n";
        if (!File.Exists(path) || File.ReadAllText(path) != source) File.WriteAllText(path, source);
        return path;
    }

    private static void Stop(Process process, string mailDir)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException) { }
        try { Directory.Delete(mailDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    // Both held open together, so the two are never the same port.
    private static (int, int) FreePorts()
    {
        using var a = new TcpListener(IPAddress.Loopback, 0);
        using var b = new TcpListener(IPAddress.Loopback, 0);
        a.Start();
        b.Start();
        return (((IPEndPoint)a.LocalEndpoint).Port, ((IPEndPoint)b.LocalEndpoint).Port);
    }
}
