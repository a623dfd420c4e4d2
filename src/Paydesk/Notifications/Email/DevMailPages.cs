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

    // The pages' policy, except that the page frames itself (an email's HTML, sandboxed) and shows its
    // images and inline styles; the framed HTML inherits the policy, so it cannot reach out either.
    private const string Policy = "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src * data:; base-uri 'none'; form-action 'self'; frame-ancestors 'self'";

    public static void MapDevMail(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment()
            || app.Services.GetRequiredService<IOptions<EmailOptions>>().Value.Mode != EmailMode.Folder
            || app.Services.GetService<MailboxFolderEmailSender>() is null)
            return;

        app.MapGet("/dev/mail", (MailboxFolderEmailSender mail, HttpContext http) =>
            Api.HtmlPages.Page<DevMailList>(http, new { Mails = mail.List(ListSize), mail.Folder }, Policy)).ExcludeFromDescription();
        app.MapGet("/dev/mail/{id}", (string id, MailboxFolderEmailSender mail, HttpContext http) =>
            mail.Read(id) is { } stored ? Api.HtmlPages.Page<DevMailMessage>(http, new { Mail = stored }, Policy) : Results.NotFound()).ExcludeFromDescription();
    }

    internal static string Subject(StoredMail mail) => string.IsNullOrWhiteSpace(mail.Subject) ? "(no subject)" : mail.Subject;

    internal static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
