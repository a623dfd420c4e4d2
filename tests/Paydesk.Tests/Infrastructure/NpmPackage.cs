using System.Collections.Concurrent;
using System.Diagnostics;

namespace Paydesk.Tests.Infrastructure;

/// <summary>
/// A tool the tests take from npm (maildev, axe-core), installed once into a cache folder outside
/// the repository and kept there across runs, so that only the first run on a machine needs the
/// npm registry. A missing node or npm fails with the command that installs them.
/// </summary>
public static class NpmPackage
{
    public const string Fix = "apt-get install -y nodejs npm";

    // Tests running in parallel in this process share one install per package.
    private static readonly ConcurrentDictionary<string, Lazy<string>> Installs = new();

    /// <summary>Where a package is installed: <c>$XDG_CACHE_HOME</c> or <c>~/.cache</c>, then <c>paydesk-test-tools/{name}-{version}</c>.</summary>
    public static string DirectoryOf(string name, string version)
    {
        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (string.IsNullOrEmpty(cache))
        {
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            cache = string.IsNullOrEmpty(home) ? Path.GetTempPath() : Path.Combine(home, ".cache");
        }
        // A scoped name (@scope/name) makes one folder, not two.
        return Path.Combine(cache, "paydesk-test-tools", $"{name.TrimStart('@').Replace('/', '-')}-{version}");
    }

    /// <summary>
    /// Installs <paramref name="name"/>@<paramref name="version"/> unless it is there already;
    /// answers the full path of <paramref name="fileInPackage"/> (a path inside the package's own
    /// folder, such as <c>axe.min.js</c>).
    /// </summary>
    public static string Install(string name, string version, string fileInPackage) =>
        Installs.GetOrAdd($"{name}@{version}/{fileInPackage}", _ => new Lazy<string>(() => InstallOnce(name, version, fileInPackage))).Value;

    /// <summary>
    /// The full path of <paramref name="command"/> (<c>node</c> or <c>npm</c>); when it is missing, an
    /// error that starts with <paramref name="neededFor"/> (what the tests wanted it for) and names the fix.
    /// </summary>
    public static string Require(string command, string neededFor) =>
        FindOnPath(command) ?? throw new InvalidOperationException(
            $"{neededFor}, which needs Node.js 20 or later and npm, but {command} is not on the PATH. Fix: {Fix}");

    private static string InstallOnce(string name, string version, string fileInPackage)
    {
        var dir = DirectoryOf(name, version);
        var file = FileIn(dir, name, fileInPackage);
        if (File.Exists(file)) return file;

        var npm = Require("npm", $"The tests install {name} {version} from npm");
        // npm writes into a private folder that is moved into place when it is complete, so a run
        // stopped halfway, or two runs at once, never leave a half-installed package behind.
        var partial = $"{dir}.partial-{Environment.ProcessId}";
        if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
        Directory.CreateDirectory(partial);
        var (exitCode, log) = Run(npm, ["install", "--no-audit", "--no-fund", "--no-save", "--prefix", partial, $"{name}@{version}"], partial);
        if (exitCode != 0 || !File.Exists(FileIn(partial, name, fileInPackage)))
            throw new InvalidOperationException(
                $"npm install {name}@{version} into {partial} failed ({exitCode}) or did not write {fileInPackage}; " +
                $"the npm registry must be reachable (and Node.js and npm installed: {Fix}):\n{log}");
        try
        {
            Directory.Move(partial, dir);
        }
        catch (IOException) when (File.Exists(file))
        {
            Directory.Delete(partial, recursive: true); // another run finished first
        }
        return file;
    }

    private static string FileIn(string dir, string name, string fileInPackage) =>
        Path.Combine([dir, "node_modules", .. name.Split('/'), .. fileInPackage.Split('/')]);

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    private static (int ExitCode, string Output) Run(string file, string[] args, string workingDirectory)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
