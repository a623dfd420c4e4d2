namespace Paydesk.Api;

/// <summary>
/// What every server-rendered page shares: a component rendered as the whole page, and the headers
/// that protect it — the site's own stylesheet and script only, no Referer sent on, nothing cached.
/// </summary>
public static class HtmlPages
{
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

    private static void Protect(HttpContext http, string policy)
    {
        if (policy == CheckoutPolicy && http.RequestServices.GetService<CheckoutTargets>() is { Origins.Count: > 0 } targets)
            policy = policy.Replace("form-action 'self' https:", $"form-action 'self' https: {string.Join(' ', targets.Origins)}", StringComparison.Ordinal);
        http.Response.Headers.ContentSecurityPolicy = policy;
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        http.Response.Headers["X-Robots-Tag"] = "noindex, nofollow";
        http.Response.Headers.CacheControl = "no-store";
    }
}

/// <summary>
/// Where else than an https address a checkout form may end: a provider's emulator answering plain
/// http on this machine (set from the providers' configured addresses; empty in production).
/// </summary>
public sealed class CheckoutTargets
{
    public List<string> Origins { get; } = [];

    /// <summary>Adds the origin of <paramref name="url"/> when it is plain http on a loopback address.</summary>
    public void AddLoopback(string? url)
    {
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback
            && uri.GetLeftPart(UriPartial.Authority) is var origin && !Origins.Contains(origin))
            Origins.Add(origin);
    }
}
