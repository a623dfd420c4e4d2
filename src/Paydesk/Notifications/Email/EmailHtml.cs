using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace Paydesk.Notifications.Email;

/// <summary>What every message's HTML part shares: the document around its body, and encoding text into it.</summary>
public static class EmailHtml
{
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    /// <summary>The text, safe inside an element or a quoted attribute.</summary>
    public static string E(string text) => Html.Encode(text);

    /// <summary>A whole message: <paramref name="body"/> is HTML already encoded.</summary>
    public static string Document(CultureInfo culture, string subject, string body) =>
        $"<!doctype html><html lang=\"{E(culture.Name)}\"><head><meta charset=\"utf-8\"><title>{E(subject)}</title></head>" +
        $"<body style=\"font-family:system-ui,-apple-system,'Segoe UI',sans-serif;color:#1f2933;line-height:1.5\">{body}</body></html>";
}
