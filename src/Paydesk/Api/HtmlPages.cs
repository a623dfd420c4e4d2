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

    public static IResult Respond(HttpContext http, string html, string policy = StrictPolicy)
    {
        http.Response.Headers.ContentSecurityPolicy = policy;
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        http.Response.Headers["X-Robots-Tag"] = "noindex, nofollow";
        http.Response.Headers.CacheControl = "no-store";
        return Results.Content(html, "text/html; charset=utf-8");
    }
}
