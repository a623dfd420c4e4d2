namespace Paydesk.Api;

/// <summary>
/// What every server-rendered page shares: the document shell (each page brings its own styles)
/// and the headers that protect it — inline styles only, no script, nothing fetched, no Referer
/// sent on, nothing cached.
/// </summary>
public static class HtmlPages
{
    /// <summary>No script, no form, nothing fetched, not framed.</summary>
    public const string StrictPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>The shell; <paramref name="title"/> and <paramref name="lang"/> are encoded here, <paramref name="body"/> and <paramref name="style"/> are the caller's HTML and CSS.</summary>
    public static string Document(string title, string style, string body, string lang = "en") => $$"""
        <!doctype html>
        <html lang="{{System.Net.WebUtility.HtmlEncode(lang)}}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="robots" content="noindex, nofollow">
        <title>{{System.Net.WebUtility.HtmlEncode(title)}}</title>
        <style>
        {{style}}
        </style>
        </head>
        <body><main>
        {{body}}
        </main></body>
        </html>
        """;

    /// <summary>
    /// Pages drawn with <see cref="Pages.Shell"/>: the stylesheet and script of <see cref="Pages.PageAssets"/>,
    /// htmx asking this site only, forms posted here only.
    /// </summary>
    public const string PagePolicy =
        "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// <see cref="PagePolicy"/> for a page whose form ends at a payment provider's page: a redirect
    /// after a form is held to form-action.
    /// </summary>
    public const string CheckoutPolicy =
        "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self' https:; frame-ancestors 'none'";

    /// <summary>The component <typeparamref name="TPage"/> rendered on the server with <paramref name="parameters"/>, as a whole page.</summary>
    public static IResult Page<TPage>(HttpContext http, object? parameters = null, string policy = PagePolicy, int status = StatusCodes.Status200OK)
        where TPage : Microsoft.AspNetCore.Components.IComponent
    {
        Protect(http, policy);
        return new Microsoft.AspNetCore.Http.HttpResults.RazorComponentResult<TPage>(parameters ?? new { }) { StatusCode = status };
    }

    public static IResult Respond(HttpContext http, string html, string policy = StrictPolicy)
    {
        Protect(http, policy);
        return Results.Content(html, "text/html; charset=utf-8");
    }

    private static void Protect(HttpContext http, string policy)
    {
        http.Response.Headers.ContentSecurityPolicy = policy;
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        http.Response.Headers["X-Robots-Tag"] = "noindex, nofollow";
        http.Response.Headers.CacheControl = "no-store";
    }
}
