using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;

namespace Paydesk.Notifications.Email;

/// <summary>
/// Delivers through an SMTP server with MailKit: one connection per message (connect, authenticate
/// when a username is set, send, quit), bounded by <c>Email:Smtp:TimeoutSeconds</c>.
/// </summary>
/// <remarks>
/// Delivery is at least once: if the connection drops after the server took the message but before
/// it said so, the failure is transient and a retry sends it again, with the same Message-ID.
/// </remarks>
public sealed class SmtpEmailSender(IOptions<EmailOptions> options, TimeProvider time, ILogger<SmtpEmailSender> log) : IEmailSender
{
    private readonly EmailOptions.SmtpServerOptions _smtp = options.Value.Smtp;

    public async Task SendAsync(EmailMessage message, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var timeout = TimeSpan.FromSeconds(_smtp.TimeoutSeconds);
        using var expiry = new CancellationTokenSource(timeout, time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct, expiry.Token);
        try
        {
            using var mime = MimeMessages.Build(message, time.GetUtcNow());
            using var client = new SmtpClient { Timeout = (int)timeout.TotalMilliseconds };
            await client.ConnectAsync(_smtp.Host ?? "", _smtp.Port, ToMailKit(_smtp.Security), deadline.Token);
            if (!string.IsNullOrEmpty(_smtp.Username))
            {
                if (!client.Capabilities.HasFlag(SmtpCapabilities.Authentication))
                    throw new EmailDeliveryException(
                        $"The SMTP server {_smtp.Host}:{_smtp.Port} offers no authentication, but Email:Smtp:Username is set " +
                        "(a server often offers it only over TLS: check Email:Smtp:Security).", isTransient: true);
                await client.AuthenticateAsync(_smtp.Username, _smtp.Password ?? "", deadline.Token);
            }
            await client.SendAsync(mime, deadline.Token);
            // The server has the message: a failure to say goodbye must not turn into a resend.
            try { await client.DisconnectAsync(quit: true, deadline.Token); }
            catch (Exception e) when (e is IOException or SocketException or ProtocolException or OperationCanceledException) { }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is not EmailDeliveryException && Classify(e, expiry.IsCancellationRequested) is { } failure)
        {
            var (transient, status, reason) = failure;
            reason = MimeMessages.Redact(reason, message.To);
            Failed(message, transient, status, reason, started);
            throw new EmailDeliveryException($"Email {message.MessageId} to …@{message.To.Domain} was not sent: {reason}", transient, status, e);
        }
        catch (EmailDeliveryException e)
        {
            Failed(message, e.IsTransient, e.SmtpStatusCode, e.Message, started);
            throw;
        }
        log.LogInformation("Email {MessageId} to {RecipientDomain} {Outcome} through {SmtpHost} in {ElapsedMs} ms",
            message.MessageId, message.To.Domain, "sent", _smtp.Host, (long)time.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>
    /// Whether a failure may pass (transient) or will recur for this message (permanent). SMTP
    /// replies decide by their class: 4xx transient, 5xx permanent. Not reaching the server, a
    /// timeout, a dropped connection, a refused login or TLS handshake are transient: they are about
    /// the server or our configuration, not this message, and a later attempt may succeed.
    /// </summary>
    /// <returns>Null for an exception that is not a delivery failure (a bug): it is not caught.</returns>
    internal static (bool Transient, int? Status, string Reason)? Classify(Exception e, bool timedOut = false) => e switch
    {
        SmtpCommandException c when (int)c.StatusCode is >= 400 and < 500 => (true, (int)c.StatusCode, $"the server answered {(int)c.StatusCode}: {c.Message}"),
        SmtpCommandException c when (int)c.StatusCode is >= 500 and < 600 => (false, (int)c.StatusCode, $"the server refused it with {(int)c.StatusCode}: {c.Message}"),
        SmtpCommandException c => (true, (int)c.StatusCode, $"the server answered {(int)c.StatusCode}: {c.Message}"),
        AuthenticationException => (true, null, $"the server refused the credentials of Email:Smtp:Username: {e.Message}"),
        SslHandshakeException => (true, null, $"the TLS handshake failed: {e.Message}"),
        OperationCanceledException when timedOut => (true, null, "no answer within Email:Smtp:TimeoutSeconds"),
        TimeoutException => (true, null, "no answer within Email:Smtp:TimeoutSeconds"),
        SocketException s => (true, null, $"the server could not be reached ({s.SocketErrorCode}): {s.Message}"),
        IOException { InnerException: SocketException { SocketErrorCode: SocketError.TimedOut } } => (true, null, "no answer within Email:Smtp:TimeoutSeconds"),
        IOException => (true, null, $"the connection failed: {e.Message}"),
        SmtpProtocolException => (true, null, $"the server broke the protocol or hung up: {e.Message}"),
        ServiceNotAuthenticatedException => (true, null, "the server requires authentication: set Email:Smtp:Username and Email:Smtp:Password"),
        // The server cannot take this message as it is (say, an internationalized address without SMTPUTF8).
        NotSupportedException => (false, null, e.Message),
        _ => null,
    };

    private void Failed(EmailMessage message, bool transient, int? status, string reason, long started) =>
        log.LogWarning("Email {MessageId} to {RecipientDomain} not sent through {SmtpHost} after {ElapsedMs} ms ({Outcome}, SMTP {SmtpStatus}): {Reason}",
            message.MessageId, message.To.Domain, _smtp.Host, (long)time.GetElapsedTime(started).TotalMilliseconds,
            transient ? "transient" : "permanent", status, reason);

    private static SecureSocketOptions ToMailKit(SmtpSecurity security) => security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.Auto,
    };
}
