using Microsoft.Playwright;

namespace Paydesk.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium, driven by Playwright, shared by the test run. No browser is downloaded:
/// the tests use /usr/bin/chromium, and fail with the command that installs it when it is missing.
/// </summary>
public static class Browser
{
    public const string ChromiumPath = "/usr/bin/chromium";
    private static readonly Lazy<Task<IBrowser>> Instance = new(LaunchAsync);

    public static Task<IBrowser> Shared => Instance.Value;

    /// <summary>
    /// A fresh page in a context of its own (no cookies shared with other tests). Tests wait on
    /// what the page shows (<see cref="Assertions.Expect(IPage)"/>), with room for a machine busy
    /// running the rest of the suite: a minute for an action or a navigation, half of that for a
    /// page to show what is expected.
    /// </summary>
    public static async Task<IPage> NewPageAsync()
    {
        var context = await (await Shared).NewContextAsync(new BrowserNewContextOptions { Locale = "en-US" });
        context.SetDefaultTimeout(60_000);
        context.SetDefaultNavigationTimeout(60_000);
        return await context.NewPageAsync();
    }

    private static async Task<IBrowser> LaunchAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException(
                $"Browser tests need Chromium at {ChromiumPath}. Fix: apt-get update && apt-get install -y chromium");
        Assertions.SetDefaultExpectTimeout(30_000);
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // This machine has no internet: without these Chromium keeps trying to reach Google.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            browser.CloseAsync().GetAwaiter().GetResult();
            playwright.Dispose();
        };
        return browser;
    }
}
