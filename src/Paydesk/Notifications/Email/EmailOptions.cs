using Microsoft.Extensions.Options;
using MimeKit;

namespace Paydesk.Notifications.Email;

public enum EmailMode
{
    /// <summary>Deliver through an SMTP server (the default outside Development).</summary>
    Smtp,
    /// <summary>Write each message as an <c>.eml</c> file into a folder (the default in Development).</summary>
    Folder,
}

/// <summary>How the connection to the SMTP server is secured.</summary>
public enum SmtpSecurity
{
    /// <summary>TLS from the first byte on port 465, otherwise STARTTLS when the server offers it.</summary>
    Auto,
    /// <summary>Plain text: only for a server on the same host or network.</summary>
    None,
    /// <summary>STARTTLS, required: a server that does not offer it is an error.</summary>
    StartTls,
    /// <summary>TLS from the first byte (usually port 465).</summary>
    SslOnConnect,
}

/// <summary>The <c>Email</c> configuration section.</summary>
public sealed class EmailOptions
{
    public const string Section = "Email";

    /// <summary><c>smtp</c> or <c>folder</c>; when not set, <c>folder</c> in Development and <c>smtp</c> elsewhere.</summary>
    public EmailMode Mode { get; set; }

    public SmtpServerOptions Smtp { get; set; } = new();

    /// <summary>Where <c>folder</c> mode writes mail; a relative path is under the content root.</summary>
    public string Folder { get; set; } = "data/mail";

    public SenderOptions From { get; set; } = new();

    public sealed class SmtpServerOptions
    {
        public string? Host { get; set; }
        public int Port { get; set; } = 25;
        public SmtpSecurity Security { get; set; } = SmtpSecurity.Auto;
        public string? Username { get; set; }
        public string? Password { get; set; }
        /// <summary>How long one delivery may take, from connecting to the server's last answer.</summary>
        public int TimeoutSeconds { get; set; } = 30;
    }

    public sealed class SenderOptions
    {
        public string Address { get; set; } = "billing@paydesk.local";
        public string Name { get; set; } = "Paydesk";
    }

    /// <summary>The sender Paydesk's own messages carry.</summary>
    public EmailAddress DefaultFrom => new(From.Address, From.Name);
}

/// <summary>Checked when the host starts, so a mistake stops the process with the setting's name instead of failing the first email.</summary>
internal sealed class EmailOptionsValidation : IValidateOptions<EmailOptions>
{
    public const int MaxTimeoutSeconds = 600;

    public ValidateOptionsResult Validate(string? name, EmailOptions o)
    {
        var failures = new List<string>();
        if (o.Mode == EmailMode.Smtp)
        {
            var smtp = o.Smtp;
            if (string.IsNullOrWhiteSpace(smtp.Host))
                failures.Add("Email:Smtp:Host is required when Email:Mode is smtp (set it, e.g. Email__Smtp__Host=smtp.example.com, or set Email:Mode to folder to write mail to a folder instead).");
            if (smtp.Port is < 1 or > 65535)
                failures.Add($"Email:Smtp:Port must be between 1 and 65535; it is {smtp.Port}.");
            if (smtp.TimeoutSeconds is < 1 or > MaxTimeoutSeconds)
                failures.Add($"Email:Smtp:TimeoutSeconds must be between 1 and {MaxTimeoutSeconds}; it is {smtp.TimeoutSeconds}.");
            var hasUser = !string.IsNullOrEmpty(smtp.Username);
            var hasPassword = !string.IsNullOrEmpty(smtp.Password);
            if (hasUser && !hasPassword)
                failures.Add("Email:Smtp:Password is required when Email:Smtp:Username is set.");
            if (hasPassword && !hasUser)
                failures.Add("Email:Smtp:Username is required when Email:Smtp:Password is set.");
        }
        else if (string.IsNullOrWhiteSpace(o.Folder))
        {
            failures.Add("Email:Folder must name a folder when Email:Mode is folder.");
        }

        if (!IsAddress(o.From.Address))
            failures.Add($"Email:From:Address '{o.From.Address}' is not an email address.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsAddress(string? text) =>
        text is not null && text.LastIndexOf('@') is var at && at > 0 && at < text.Length - 1
        && MailboxAddress.TryParse(text, out var mailbox) && mailbox.Address == text && string.IsNullOrEmpty(mailbox.Name);
}
