namespace Paydesk.Notifications.Email;

/// <summary>Hands one message to whatever delivers mail: an SMTP server, or a folder in Development.</summary>
public interface IEmailSender
{
    /// <summary>
    /// Returns once the message is accepted for delivery. Throws <see cref="EmailDeliveryException"/>
    /// when it was not, saying whether trying again later can help; cancelling <paramref name="ct"/>
    /// throws <see cref="OperationCanceledException"/>. A message with an unusable id or header is
    /// a bug in the caller and throws <see cref="ArgumentException"/>.
    /// </summary>
    Task SendAsync(EmailMessage message, CancellationToken ct);
}

/// <summary>
/// A message was not delivered. <see cref="IsTransient"/>: the server could not be reached, timed
/// out, answered 4xx, or refused our credentials or TLS — the same message may go through later.
/// Otherwise the server refused this message for good (5xx: no such mailbox, too large…), or its
/// address cannot be written, and sending it again will fail the same way.
/// </summary>
/// <remarks>
/// <see cref="Exception.Message"/> names the recipient only by domain; the
/// <see cref="Exception.InnerException"/> is the transport's own and may quote the full address.
/// </remarks>
public sealed class EmailDeliveryException(string message, bool isTransient, int? smtpStatusCode = null, Exception? inner = null)
    : Exception(message, inner)
{
    public bool IsTransient { get; } = isTransient;

    /// <summary>The SMTP reply code when the server answered with a refusal (421, 450, 550, 552…).</summary>
    public int? SmtpStatusCode { get; } = smtpStatusCode;
}
