using System.Net;
using System.Text.RegularExpressions;

namespace Paydesk.Tests.Infrastructure;

/// <summary>
/// The pages as a browser without a screen uses them: cookies kept, each form posted with the
/// anti-forgery token of a page the signed-in visitor was shown. For tests that need a page
/// action many times or at once, where a real browser would add nothing.
/// </summary>
public sealed partial class PageClient(Uri baseAddress) : IDisposable
{
    private readonly HttpClient _http = new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = baseAddress };

    [GeneratedRegex("name=\"__form\" value=\"([^\"]+)\"")]
    private static partial Regex FormToken();

    /// <summary>The anti-forgery token of the page at <paramref name="path"/>, as its forms carry it.</summary>
    public async Task<string> TokenAsync(string path)
    {
        var html = await _http.GetStringAsync(path);
        return WebUtility.HtmlDecode(FormToken().Match(html) is { Success: true } m ? m.Groups[1].Value
            : throw new InvalidOperationException($"{path} has no form with an anti-forgery token."));
    }

    public async Task SignInAsync(string email, string password)
    {
        var answer = await PostAsync("/sign-in", "/sign-in", new() { ["email"] = email, ["password"] = password });
        if (answer.StatusCode != HttpStatusCode.Redirect)
            throw new InvalidOperationException($"Signing in as {email} answered {(int)answer.StatusCode}.");
    }

    /// <summary>Posts <paramref name="fields"/> to <paramref name="path"/> with the token of the page at <paramref name="formPage"/>.</summary>
    public async Task<HttpResponseMessage> PostAsync(string formPage, string path, Dictionary<string, string> fields)
    {
        fields["__form"] = await TokenAsync(formPage);
        return await _http.PostAsync(path, new FormUrlEncodedContent(fields));
    }

    /// <summary>The visitor's own client: cookies kept, redirects not followed.</summary>
    public HttpClient Http => _http;

    /// <summary>A page as the signed-in visitor sees it.</summary>
    public Task<string> GetStringAsync(string path) => _http.GetStringAsync(path);

    public void Dispose() => _http.Dispose();
}
