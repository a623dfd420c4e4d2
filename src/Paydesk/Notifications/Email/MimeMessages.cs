using System.Text.RegularExpressions;
using MimeKit;

namespace Paydesk.Notifications.Email;

/// <summary>Turns an <see cref="EmailMessage"/> into the MIME message both senders write.</summary>
internal static partial class MimeMessages
{
    public const string MessageIdDomain = "paydesk";

    // The headers the message itself sets; an extra header may not replace them.
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "From", "Sender", "Reply-To", "To", "Cc", "Bcc", "Subject", "Date", "Message-ID", "MIME-Version",
        "Content-Type", "Content-Transfer-Encoding", "Content-Disposition", "Content-ID",
        "Resent-From", "Resent-Sender", "Resent-To", "Resent-Cc", "Resent-Bcc", "Resent-Date", "Resent-Message-ID",
    };

    /// <exception cref="EmailDeliveryException">An address cannot be written (permanent).</exception>
    /// <exception cref="ArgumentException">The message id or an extra header is unusable.</exception>
    public static MimeMessage Build(EmailMessage message, DateTimeOffset date)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!IsValidMessageId(message.MessageId))
            throw new ArgumentException(
                $"Message id '{message.MessageId}' cannot be a Message-ID: use 1 to {EmailMessage.MaxMessageIdLength} letters, digits " +
                "or !#$%&'*+/=?^_`{|}~- with single dots between them.", nameof(message));

        var mime = new MimeMessage();
        mime.From.Add(Mailbox(message.From, "sender", message));
        mime.To.Add(Mailbox(message.To, "recipient", message));
        mime.Subject = message.Subject;
        mime.Date = date;
        mime.MessageId = $"{message.MessageId}@{MessageIdDomain}";
        foreach (var (name, value) in message.Headers)
        {
            if (!HeaderName().IsMatch(name) || Reserved.Contains(name))
                throw new ArgumentException($"'{name}' cannot be an extra header: it is not a header name, or the message sets it itself.", nameof(message));
            if (value.Contains('\r') || value.Contains('\n'))
                throw new ArgumentException($"The value of header '{name}' holds a line break.", nameof(message));
            mime.Headers.Add(name, value);
        }
        mime.Body = new BodyBuilder { TextBody = message.TextBody, HtmlBody = message.HtmlBody }.ToMessageBody();
        return mime;
    }

    public static bool IsValidMessageId(string? id) =>
        id is { Length: > 0 and <= EmailMessage.MaxMessageIdLength } && MessageIdLeft().IsMatch(id);

    /// <summary><paramref name="text"/> with the recipient's full address replaced by <c>…@domain</c>.</summary>
    public static string Redact(string text, EmailAddress to) =>
        string.IsNullOrEmpty(to.Address) ? text : text.Replace(to.Address, $"…@{to.Domain}", StringComparison.OrdinalIgnoreCase);

    private static MailboxAddress Mailbox(EmailAddress address, string role, EmailMessage message)
    {
        // A bad address usually comes from data (a customer typed it), not from code: the message
        // can never be sent, which is a permanent failure rather than a crash.
        var text = address.Address?.Trim() ?? "";
        var at = text.LastIndexOf('@');
        if (at > 0 && at < text.Length - 1)
        {
            try
            {
                return new MailboxAddress(address.Name ?? "", text);
            }
            catch (ParseException)
            {
            }
        }
        var shown = role == "recipient" ? $"…@{address.Domain}" : text;
        throw new EmailDeliveryException($"Email {message.MessageId}: the {role} address '{shown}' is not an email address.", isTransient: false);
    }

    // RFC 5322 dot-atom-text: the left part of a Message-ID.
    [GeneratedRegex(@"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")]
    private static partial Regex MessageIdLeft();

    [GeneratedRegex(@"^[!-9;-~]+$")]
    private static partial Regex HeaderName();
}
