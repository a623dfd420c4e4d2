using System.Globalization;

namespace Paydesk.Api.Pages;

/// <summary>
/// The language of a page whose reader is not known: the one they picked with the switcher (a
/// cookie), else the best their browser asks for, else English.
/// </summary>
public static class PageLanguage
{
    public const string Cookie = "paydesk-lang";

    public static CultureInfo Of(HttpContext http)
    {
        if (http.Request.Cookies[Cookie] is { } picked && Languages.Codes.Contains(picked))
            return CultureInfo.GetCultureInfo(picked);
        var asked = http.Request.GetTypedHeaders().AcceptLanguage
            .Where(l => l.Quality is not 0)
            .OrderByDescending(l => l.Quality ?? 1);
        foreach (var language in asked)
        {
            var tag = language.Value.Value ?? "";
            var code = tag.Split('-')[0].ToLowerInvariant();
            if (Languages.Codes.Contains(code)) return Languages.Culture(tag);
        }
        return CultureInfo.GetCultureInfo("en");
    }

    /// <summary><c>/language/{code}?back=/path</c>: remembers the pick for a year and returns to the page (on this site only).</summary>
    public static void MapLanguageSwitch(this WebApplication app)
    {
        app.MapGet("/language/{code}", (string code, string? back, HttpContext http) =>
        {
            if (!Languages.Codes.Contains(code)) return Results.NotFound();
            http.Response.Cookies.Append(Cookie, code, new CookieOptions
            {
                MaxAge = TimeSpan.FromDays(365), HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = http.Request.IsHttps, IsEssential = true,
            });
            return Results.LocalRedirect(IsLocal(back) ? back! : "/");
        }).ExcludeFromDescription();
    }

    /// <summary>A path on this site: one slash, not two, and no backslash a browser would read as one.</summary>
    public static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) && !url.Contains('\\');
}
