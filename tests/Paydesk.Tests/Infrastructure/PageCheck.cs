using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Sdk;

namespace Paydesk.Tests.Infrastructure;

/// <summary>
/// What every browser test does once for each page it visits, so that no page escapes the checks a
/// person would otherwise have to remember: the page must fit a phone (390 px wide) without
/// scrolling sideways, and axe-core must find nothing serious or critical in it. Each visit also
/// leaves two screenshots under <c>artifacts/screenshots/{test class}/</c> (the desktop view, and
/// the phone view beside it), numbered in the order of the visits, so the pages of a run can be
/// looked at without running anything.
/// </summary>
public static class PageCheck
{
    public const string AxeVersion = "4.14.1";
    public const int PhoneWidth = 390;
    public const int PhoneHeight = 844;

    /// <summary>The size to go back to when the page's context sets none (Browser's keep Playwright's default, 1280×720).</summary>
    private static readonly (int Width, int Height) DesktopSize = (1280, 900);
    private static readonly Lazy<string> AxeSource = new(() => File.ReadAllText(NpmPackage.Install("axe-core", AxeVersion, "axe.min.js")));
    private static readonly Lazy<string> RepositoryRoot = new(FindRepositoryRoot);
    private static readonly Dictionary<string, int> VisitsByArea = [];

    /// <summary>Where the screenshots go: <c>artifacts/screenshots</c> in the repository (git ignores <c>/artifacts/</c>).</summary>
    public static string ScreenshotRoot => Path.Combine(RepositoryRoot.Value, "artifacts", "screenshots");

    /// <summary>
    /// Checks the page as it is now and saves its screenshots, failing with every problem found at
    /// once, after the screenshots are written (they show what failed). <paramref name="area"/> is the
    /// screenshots' folder: by default the name of the calling test's file, which is its class.
    /// </summary>
    public static async Task VisitAsync(IPage page, string name, string? area = null, [CallerFilePath] string callerFile = "")
    {
        var screenshot = NextScreenshot(area ?? Path.GetFileNameWithoutExtension(callerFile), name);
        var problems = new List<string>();

        var size = page.ViewportSize is { } own ? (own.Width, own.Height) : DesktopSize;
        await page.SetViewportSizeAsync(PhoneWidth, PhoneHeight);
        try
        {
            await NextFrameAsync(page);
            if (await SidewaysScrollAsync(page) is { } scroll) problems.Add(scroll);
            await page.ScreenshotAsync(new() { Path = $"{screenshot}-phone.png", FullPage = true });
        }
        finally
        {
            await page.SetViewportSizeAsync(size.Width, size.Height);
        }
        await NextFrameAsync(page);
        problems.AddRange(await AxeViolationsAsync(page));
        await page.ScreenshotAsync(new() { Path = $"{screenshot}.png", FullPage = true });

        if (problems.Count > 0)
            throw new XunitException(
                $"The page '{name}' ({page.Url}) failed its checks:\n{string.Join("\n", problems)}\n" +
                $"Screenshots: {screenshot}.png, {screenshot}-phone.png");
    }

    /// <summary>
    /// The path, without its extension, of the next screenshot of <paramref name="area"/>. The first
    /// visit of an area in this process empties its folder, so a run never mixes its numbers with an
    /// earlier run's.
    /// </summary>
    private static string NextScreenshot(string area, string name)
    {
        var folder = Path.Combine(ScreenshotRoot, FileNamePart(area));
        int number;
        lock (VisitsByArea)
        {
            if (!VisitsByArea.TryGetValue(area, out number) && Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            VisitsByArea[area] = ++number;
        }
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, $"{number:00}-{FileNamePart(name)}");
    }

    private static string FileNamePart(string text) => Regex.Replace(text, "[^A-Za-z0-9._-]+", "-").Trim('-') is { Length: > 0 } part ? part : "page";

    // Two frames: the first lays the page out at its new size, the second has painted it.
    private static Task NextFrameAsync(IPage page) =>
        page.EvaluateAsync("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))");

    /// <summary>Null when the page is no wider than the window; otherwise what sticks out, widest first.</summary>
    private static async Task<string?> SidewaysScrollAsync(IPage page)
    {
        var found = await page.EvaluateAsync<JsonElement>("""
            () => {
              const root = document.documentElement;
              const width = root.clientWidth;
              const describe = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                + (typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().split(/\s+/).join('.') : '');
              const wide = root.scrollWidth <= width ? [] : [...document.querySelectorAll('body *')]
                .map(e => ({ e, right: e.getBoundingClientRect().right + window.scrollX }))
                .filter(x => x.right > width)
                .sort((a, b) => b.right - a.right)
                .slice(0, 5)
                .map(x => `${describe(x.e)} (right edge at ${Math.round(x.right)} px)`);
              return { scrollWidth: root.scrollWidth, clientWidth: width, wide };
            }
            """);
        var (scrollWidth, clientWidth) = (found.GetProperty("scrollWidth").GetInt32(), found.GetProperty("clientWidth").GetInt32());
        if (scrollWidth <= clientWidth) return null;
        var wide = found.GetProperty("wide").EnumerateArray().Select(e => e.GetString()).ToList();
        return $"- scrolls horizontally at {PhoneWidth} px: the page is {scrollWidth} px wide in a window {clientWidth} px wide; " +
               (wide.Count > 0 ? $"sticking out: {string.Join(", ", wide)}" : "no element sticks out (a margin or a transform does)");
    }

    /// <summary>
    /// axe-core's serious and critical violations, one line each. The pages allow only their own
    /// scripts (<c>script-src 'self'</c>), so axe is not added as a script element: its source is
    /// evaluated through the DevTools protocol, which the page's policy does not govern, once per document.
    /// </summary>
    private static async Task<IEnumerable<string>> AxeViolationsAsync(IPage page)
    {
        if (await page.EvaluateAsync<bool>("() => typeof axe === 'undefined'"))
            await page.EvaluateAsync($"{AxeSource.Value}\n;undefined");
        var violations = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const results = await axe.run(document, { resultTypes: ['violations'] });
              return results.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => ({ id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl, count: v.nodes.length,
                             targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')) }));
            }
            """);
        return violations.EnumerateArray().Select(v =>
            $"- axe {v.Str("id")} ({v.Str("impact")}): {v.Str("help")}, on {v.GetProperty("count").GetInt32()} element(s) " +
            $"such as {string.Join(", ", v.GetProperty("targets").EnumerateArray().Select(t => $"'{t.GetString()}'"))} ({v.Str("helpUrl")})").ToList();
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Paydesk.slnx"))) return dir.FullName;
        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds Paydesk.slnx: the screenshots go under the repository's root.");
    }
}
