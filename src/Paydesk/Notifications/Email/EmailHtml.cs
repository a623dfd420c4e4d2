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

    /// <summary>A message with its plain text and its HTML body (encoded already) put in <see cref="Document"/>.</summary>
    public static MessageContent Message(CultureInfo culture, string subject, string text, string body) =>
        new(subject, text, Document(culture, subject, body));

    /// <summary>A whole message: <paramref name="body"/> is HTML already encoded.</summary>
    public static string Document(CultureInfo culture, string subject, string body) =>
        $"<!doctype html><html lang=\"{E(culture.Name)}\"><head><meta charset=\"utf-8\"><title>{E(subject)}</title></head>" +
        $"<body style=\"font-family:system-ui,-apple-system,'Segoe UI',sans-serif;color:#1f2933;line-height:1.5\">{body}</body></html>";
}

/// <summary>What a message says: its subject, plain text and HTML.</summary>
public sealed record MessageContent(string Subject, string Text, string Html);
