using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.Extensions.Options;

namespace Paydesk.Notifications.Email;

/// <summary>
/// <c>/dev/mail</c>: what <see cref="MailboxFolderEmailSender"/> wrote, in a browser. Mapped only in
/// Development with <c>Email:Mode</c> folder; plain server-rendered HTML where every value is encoded
/// and a message's own HTML runs in a sandboxed frame without scripts.
/// </summary>
public static class DevMailPages
{
    public const int ListSize = 200;

    // The strict policy, except that the page frames itself (an email's HTML, sandboxed) and shows its
    // images; the framed HTML inherits the policy, so it cannot reach out either.
    private const string Policy = "default-src 'none'; style-src 'unsafe-inline'; img-src * data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    public static void MapDevMail(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment()
            || app.Services.GetRequiredService<IOptions<EmailOptions>>().Value.Mode != EmailMode.Folder
            || app.Services.GetService<MailboxFolderEmailSender>() is null)
            return;

        app.MapGet("/dev/mail", (MailboxFolderEmailSender mail, HttpContext http) =>
            Page(http, RenderList(mail.List(ListSize), mail.Folder))).ExcludeFromDescription();
        app.MapGet("/dev/mail/{id}", (string id, MailboxFolderEmailSender mail, HttpContext http) =>
            mail.Read(id) is { } stored ? Page(http, RenderMessage(stored)) : Results.NotFound()).ExcludeFromDescription();
    }

    internal static string RenderList(IReadOnlyList<StoredMail> mails, string folder)
    {
        var body = new StringBuilder();
        body.Append("<h1>Mail</h1>");
        body.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">{E(mails.Count.ToString(CultureInfo.InvariantCulture))} message(s), newest first, from <code>{E(folder)}</code>. Nothing here was sent anywhere.</p>");
        if (mails.Count == 0)
        {
            body.Append("<p>No mail yet.</p>");
        }
        else
        {
            body.Append("<table><thead><tr><th>time (UTC)</th><th>to</th><th>subject</th></tr></thead><tbody>");
            foreach (var mail in mails)
            {
                var href = "/dev/mail/" + Uri.EscapeDataString(mail.Id);
                body.Append(CultureInfo.InvariantCulture,
                    $"<tr><td class=\"time\">{E(Time(mail.SavedAt))}</td><td>{E(mail.To)}</td><td><a href=\"{E(href)}\">{E(Subject(mail))}</a></td></tr>");
            }
            body.Append("</tbody></table>");
        }
        return Document("Mail", body.ToString());
    }

    internal static string RenderMessage(StoredMail mail)
    {
        var body = new StringBuilder();
        body.Append("<p><a href=\"/dev/mail\">&larr; all mail</a></p>");
        body.Append(CultureInfo.InvariantCulture, $"<h1>{E(Subject(mail))}</h1>");
        body.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">to {E(mail.To)} &middot; from {E(mail.From)} &middot; {E(Time(mail.SavedAt))}</p>");
        if (mail.HtmlBody is { } html)
        {
            body.Append("<h2>HTML</h2>");
            // srcdoc is an attribute: encoded once here, the browser decodes it into the frame's
            // document. An empty sandbox allows no scripts, forms, popups or same-origin access.
            body.Append(CultureInfo.InvariantCulture, $"<iframe sandbox=\"\" referrerpolicy=\"no-referrer\" title=\"HTML body\" srcdoc=\"{E(html)}\"></iframe>");
        }
        body.Append("<h2>Text</h2>");
        body.Append(CultureInfo.InvariantCulture, $"<pre>{E(mail.TextBody ?? "")}</pre>");
        body.Append("<h2>Headers</h2><table class=\"headers\"><tbody>");
        foreach (var (name, value) in mail.Headers)
            body.Append(CultureInfo.InvariantCulture, $"<tr><th>{E(name)}</th><td>{E(value)}</td></tr>");
        body.Append("</tbody></table>");
        body.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">File: <code>{E(mail.Id)}.eml</code></p>");
        return Document(Subject(mail), body.ToString());
    }

    private static IResult Page(HttpContext http, string html) => Api.HtmlPages.Respond(http, html, Policy);

    private static string Document(string title, string body) =>
        Api.HtmlPages.Document($"{title} · Paydesk dev mail", Style, body);

    private const string Style = """
        body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2933; background: #f5f7fa; margin: 0; padding: 2rem; }
        main { max-width: 60rem; margin: 0 auto; background: #fff; border-radius: 8px; box-shadow: 0 1px 3px rgba(0,0,0,.08); padding: 1.5rem 2rem; }
        h1 { font-size: 1.4rem; margin: .2rem 0 .4rem; } h2 { font-size: 1rem; margin: 1.5rem 0 .5rem; color: #52606d; }
        a { color: #2f6fdf; text-decoration: none; } a:hover { text-decoration: underline; }
        .muted { color: #7b8794; font-size: .9rem; }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; vertical-align: top; padding: .45rem .6rem; border-bottom: 1px solid #e4e7eb; }
        thead th { font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; color: #7b8794; }
        tbody tr:hover { background: #f0f4f8; }
        td.time { white-space: nowrap; font-variant-numeric: tabular-nums; color: #52606d; }
        table.headers th { width: 12rem; font-weight: 600; color: #52606d; white-space: nowrap; }
        table.headers td { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .85rem; word-break: break-all; }
        pre { white-space: pre-wrap; background: #f5f7fa; padding: 1rem; border-radius: 6px; font-size: .9rem; }
        iframe { width: 100%; height: 32rem; border: 1px solid #e4e7eb; border-radius: 6px; background: #fff; }
        code { font-size: .85rem; }
        """;

    private static string Subject(StoredMail mail) => string.IsNullOrWhiteSpace(mail.Subject) ? "(no subject)" : mail.Subject;

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string E(string text) => Html.Encode(text);
}
