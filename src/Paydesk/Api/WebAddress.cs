using System.Globalization;

namespace Paydesk.Api;

/// <summary>Web addresses a browser is sent to: absolute http(s), and writable in a Location header.</summary>
public static class WebAddress
{
    private static readonly IdnMapping Idna = new() { UseStd3AsciiRules = true };

    /// <summary>
    /// The address in ASCII — the host in punycode, the path and query percent-encoded — or null
    /// when it is not an absolute http(s) address or its host has no ASCII form (a label IDNA
    /// refuses, one longer than 63 characters once encoded).
    /// </summary>
    public static string? AsciiHttpUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")) return null;
        try
        {
            var builder = new UriBuilder(uri);
            if (uri.HostNameType == UriHostNameType.Dns && !uri.Host.All(char.IsAscii))
                builder.Host = Idna.GetAscii(uri.Host);
            var ascii = builder.Uri.AbsoluteUri;
            return ascii.All(c => char.IsAscii(c) && !char.IsControl(c)) ? ascii : null;
        }
        catch (Exception e) when (e is ArgumentException or UriFormatException)
        {
            return null;
        }
    }
}
