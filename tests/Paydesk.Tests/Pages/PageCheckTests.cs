using Microsoft.Playwright;
using Xunit.Sdk;

namespace Paydesk.Tests.Pages;

/// <summary>
/// The checks every browser test runs on its pages, shown to fail on pages made to break them: a
/// check that never fails would let every page through.
/// </summary>
public sealed class PageCheckTests
{
    // The pages' own policy: no inline scripts, so axe must get in some other way.
    private const string Head = """<meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="script-src 'self'"><title>Check</title>""";

    private static async Task<IPage> PageWith(string body)
    {
        var page = await Browser.NewPageAsync();
        await page.SetContentAsync($"""<!doctype html><html lang="en"><head>{Head}</head><body><main><h1>Check</h1>{body}</main></body></html>""");
        return page;
    }

    [Fact]
    public async Task A_page_that_fits_a_phone_and_has_nothing_serious_passes_and_leaves_both_screenshots()
    {
        var page = await PageWith("""<p>Paid.</p><form><label for="email">Email</label><input id="email" type="email"></form><img src="data:," alt="Logo">""");
        var size = page.ViewportSize!;
        await Assert.ThrowsAsync<PlaywrightException>(() => page.AddScriptTagAsync(new() { Content = "window.inline = true" }));

        await PageCheck.VisitAsync(page, "clean");
        // A second visit of the same document finds axe already there.
        await PageCheck.VisitAsync(page, "clean-again");

        page.ViewportSize!.Width.ShouldBe(size.Width);
        page.ViewportSize!.Height.ShouldBe(size.Height);
        var folder = Path.Combine(PageCheck.ScreenshotRoot, nameof(PageCheckTests));
        var desktop = Assert.Single(Directory.GetFiles(folder, "*-clean.png"));
        var phone = Assert.Single(Directory.GetFiles(folder, "*-clean-phone.png"));
        PngWidth(desktop).ShouldBe(size.Width);
        PngWidth(phone).ShouldBe(PageCheck.PhoneWidth);
        Assert.Single(Directory.GetFiles(folder, "*-clean-again.png"));
    }

    [Fact]
    public async Task An_image_without_alt_text_and_a_field_without_a_label_fail_naming_the_rules()
    {
        var page = await PageWith("""<img src="data:,"><form><input type="text"></form>""");

        var failure = await Assert.ThrowsAsync<XunitException>(() => PageCheck.VisitAsync(page, "unlabelled"));

        Assert.Contains("axe image-alt (critical)", failure.Message);
        Assert.Contains("axe label (critical)", failure.Message);
        Assert.Contains("'img'", failure.Message);
        Assert.DoesNotContain("horizontally", failure.Message);
    }

    [Fact]
    public async Task A_page_wider_than_a_phone_fails_naming_what_sticks_out()
    {
        var page = await PageWith("""<div id="table" class="wide lines" style="width:900px">Nine hundred pixels.</div>""");

        var failure = await Assert.ThrowsAsync<XunitException>(() => PageCheck.VisitAsync(page, "too-wide"));

        Assert.Contains($"scrolls horizontally at {PageCheck.PhoneWidth} px", failure.Message);
        Assert.Contains("div#table.wide.lines", failure.Message);
        Assert.DoesNotContain("- axe", failure.Message);
    }

    // A PNG begins with an 8-byte signature and the IHDR chunk, whose data opens with the width (big-endian).
    private static int PngWidth(string path)
    {
        var bytes = File.ReadAllBytes(path);
        return (bytes[16] << 24) | (bytes[17] << 16) | (bytes[18] << 8) | bytes[19];
    }
}
