using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Paydesk.Tests.Api;

/// <summary>
/// The README's tour of the API is <c>docs/tour.sh</c>, command for command, and the script runs
/// from start to end against a fresh Paydesk with its demo data: the README cannot drift from what works.
/// </summary>
public sealed partial class ReadmeTourTests
{
    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "README.md")) && File.Exists(Path.Combine(dir.FullName, "docs", "tour.sh")))
                return dir.FullName;
        throw new InvalidOperationException("README.md and docs/tour.sh were not found above the test assembly.");
    }

    /// <summary>Shell commands as one line each: continuation lines joined, comments and blank lines left out, spaces collapsed.</summary>
    private static List<string> Commands(IEnumerable<string> lines)
    {
        var commands = new List<string>();
        var current = "";
        foreach (var raw in lines)
        {
            var line = Regex.Replace(raw, @"\s+#\s.*$", "").Trim(); // a trailing comment after two spaces
            if (current.Length == 0 && (line.Length == 0 || line.StartsWith('#'))) continue;
            current += (current.Length == 0 ? "" : " ") + line.TrimEnd('\\').Trim();
            if (line.EndsWith('\\')) continue;
            commands.Add(Spaces().Replace(current, " "));
            current = "";
        }
        return commands;
    }

    [Fact]
    public void Every_command_of_the_readmes_tour_stands_in_the_tour_script()
    {
        var root = Root();
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        var start = readme.IndexOf("## A tour of the API", StringComparison.Ordinal);
        var end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "the README has no tour section");
        var blocks = ShellBlock().Matches(readme[start..end]).Select(m => m.Groups[1].Value).ToList();
        var shown = Commands(blocks.SelectMany(b => b.Split('\n')));
        var script = Commands(File.ReadAllLines(Path.Combine(root, "docs", "tour.sh")));

        Assert.True(shown.Count >= 30, $"only {shown.Count} commands found in the README's tour");
        var missing = shown.Where(c => !script.Any(s => s.Contains(c, StringComparison.Ordinal))).ToList();
        Assert.True(missing.Count == 0, "README commands not in docs/tour.sh:\n" + string.Join("\n", missing));
    }

    [Fact]
    public async Task The_tour_script_runs_from_start_to_end_against_a_fresh_paydesk()
    {
        await using var host = await PaydeskHost.StartAsync(Engine.Sqlite, new HostOptions { Environment = "Development" });
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Root() };
        start.ArgumentList.Add("docs/tour.sh");
        start.Environment["PAYDESK"] = host.BaseAddress.Authority;
        using var tour = Process.Start(start)!;
        var output = tour.StandardOutput.ReadToEndAsync();
        var errors = tour.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await tour.WaitForExitAsync(timeout.Token);

        var said = $"{await output}\n{await errors}";
        Assert.True(tour.ExitCode == 0, said[^Math.Min(4000, said.Length)..]);
        Assert.Contains("== The tour is done", said);
        Assert.Contains("\"status\":\"shipped\"", said);
    }

    [GeneratedRegex(@"```sh\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShellBlock();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
