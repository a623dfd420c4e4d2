using System.Net.Sockets;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Paydesk.Notifications.Email;
using Xunit.Abstractions;

namespace Paydesk.Tests.Notifications;

public sealed class SmtpEmailSenderTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Arrival = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_message_reaches_a_real_smtp_server_with_its_subject_addresses_bodies_and_message_id()
    {
        var server = await MailDevServer.Shared;
        output.WriteLine($"maildev {MailDevServer.Version}: installed in {server.InstallTime.TotalSeconds:0.0} s, started in {server.StartTime.TotalSeconds:0.0} s");
        var to = MailDevServer.NewRecipient("maria");
        var logs = new CapturedLogs();
        var id = $"ntf_{Guid.NewGuid():N}";
        var message = new EmailMessage
        {
            From = new EmailAddress("billing@clinic.paydesk.test", "Clinica Sănătatea"),
            To = new EmailAddress(to, "Maria Pop"),
            Subject = "Plată primită — factura 2026-0042",
            TextBody = "Bună ziua,\nam primit 1.500,00 RON.\n",
            HtmlBody = "<p>Bună ziua,</p><p>am primit <b>1.500,00 RON</b>.</p>",
            MessageId = id,
            Headers = new Dictionary<string, string> { ["X-Paydesk-Event"] = "evt_123" },
        };

        await Sender(server.SmtpPort, logs).SendAsync(message, CancellationToken.None);

        var got = await server.WaitForMessageTo(to, Arrival);
        got.Str("subject").ShouldBe(message.Subject);
        var from = Assert.Single(got.GetProperty("from").EnumerateArray());
        from.Str("address").ShouldBe("billing@clinic.paydesk.test");
        from.Str("name").ShouldBe("Clinica Sănătatea");
        var recipient = Assert.Single(got.GetProperty("to").EnumerateArray());
        recipient.Str("address").ShouldBe(to);
        recipient.Str("name").ShouldBe("Maria Pop");
        got.Str("text").TrimEnd().ShouldBe(message.TextBody.TrimEnd());
        got.Str("html").TrimEnd().ShouldBe(message.HtmlBody);
        got.GetProperty("headers").Str("message-id").ShouldBe($"<{id}@paydesk>");
        got.GetProperty("headers").Str("x-paydesk-event").ShouldBe("evt_123");
        Assert.Contains("multipart/alternative", await server.SourceOf(got));
        Assert.Single(await server.MessagesTo(to));

        // The log says which message went where by domain only, never the mailbox.
        var line = Assert.Single(logs.Lines, l => l.Contains(id));
        Assert.Contains("Outcome=sent", line);
        Assert.Contains("RecipientDomain=paydesk.test", line);
        Assert.DoesNotContain(to.Split('@')[0], line);
    }

    [Fact]
    public async Task A_text_only_message_goes_out_as_plain_text()
    {
        var server = await MailDevServer.Shared;
        var to = MailDevServer.NewRecipient();
        await Sender(server.SmtpPort).SendAsync(Message(to) with { HtmlBody = null }, CancellationToken.None);

        var got = await server.WaitForMessageTo(to, Arrival);
        got.Str("text").TrimEnd().ShouldBe("Your receipt.");
        Assert.False(got.TryGetProperty("html", out var html) && html.ValueKind == JsonValueKind.String);
        Assert.DoesNotContain("multipart", await server.SourceOf(got));
    }

    [Fact]
    public async Task A_closed_port_is_a_transient_failure_and_the_password_is_not_in_the_error_or_the_log()
    {
        var logs = new CapturedLogs();
        var sender = Sender(ClosedPort(), logs, username: "paydesk", password: "hunter2-never-logged");

        var failure = await Assert.ThrowsAsync<EmailDeliveryException>(() =>
            sender.SendAsync(Message(MailDevServer.NewRecipient()), CancellationToken.None));

        Assert.True(failure.IsTransient);
        Assert.Null(failure.SmtpStatusCode);
        Assert.IsType<SocketException>(failure.InnerException, exactMatch: false);
        Assert.DoesNotContain("hunter2", failure.ToString());
        var line = Assert.Single(logs.Lines, l => l.Contains("Outcome=transient"));
        Assert.DoesNotContain("hunter2", string.Join('\n', logs.Lines));
        Assert.Contains("RecipientDomain=paydesk.test", line);
    }

    [Fact]
    public async Task A_server_that_never_answers_is_a_transient_failure_after_the_timeout()
    {
        // Accepts the connection, then says nothing: no greeting ever comes.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var accepted = silent.AcceptSocketAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var failure = await Assert.ThrowsAsync<EmailDeliveryException>(() =>
            Sender(((IPEndPoint)silent.LocalEndpoint).Port, timeoutSeconds: 1).SendAsync(Message(MailDevServer.NewRecipient()), CancellationToken.None));

        Assert.True(failure.IsTransient, failure.Message);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
        (await accepted).Dispose();
    }

    [Fact]
    public async Task A_message_the_server_refuses_with_a_5xx_is_a_permanent_failure()
    {
        var server = await MailDevServer.Shared;
        var to = MailDevServer.NewRecipient("big");
        var tooLarge = Message(to) with { TextBody = new string('x', MailDevServer.MaxMessageBytes + 1024) };

        var failure = await Assert.ThrowsAsync<EmailDeliveryException>(() =>
            Sender(server.SmtpPort).SendAsync(tooLarge, CancellationToken.None));

        Assert.False(failure.IsTransient, failure.Message);
        failure.SmtpStatusCode.ShouldBe(552);
        Assert.DoesNotContain(to, failure.Message);
        Assert.Empty(await server.MessagesTo(to));
    }

    [Fact]
    public async Task A_recipient_address_that_cannot_be_written_is_a_permanent_failure_without_connecting()
    {
        var failure = await Assert.ThrowsAsync<EmailDeliveryException>(() =>
            Sender(ClosedPort()).SendAsync(Message("maria pop@@example.com"), CancellationToken.None));
        Assert.False(failure.IsTransient);
        Assert.Null(failure.InnerException);
    }

    [Fact]
    public async Task A_cancelled_send_is_a_cancellation_not_a_delivery_failure()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Sender(((IPEndPoint)silent.LocalEndpoint).Port, timeoutSeconds: 30).SendAsync(Message(MailDevServer.NewRecipient()), cancel.Token));
    }

    [Theory]
    [InlineData(421, true)]   // service not available, closing
    [InlineData(450, true)]   // mailbox busy
    [InlineData(451, true)]   // local error in processing
    [InlineData(452, true)]   // insufficient storage
    [InlineData(550, false)]  // mailbox unavailable
    [InlineData(551, false)]  // user not local
    [InlineData(552, false)]  // exceeded storage allocation
    [InlineData(553, false)]  // mailbox name not allowed
    [InlineData(554, false)]  // transaction failed
    public void An_smtp_reply_is_transient_in_the_4xx_class_and_permanent_in_the_5xx_class(int code, bool transient)
    {
        var refusal = new SmtpCommandException(SmtpErrorCode.RecipientNotAccepted, (SmtpStatusCode)code, "refused");
        var (isTransient, status, _) = SmtpEmailSender.Classify(refusal)!.Value;
        isTransient.ShouldBe(transient);
        status.ShouldBe(code);
    }

    [Fact]
    public void Network_failures_are_transient_and_a_bug_is_not_a_delivery_failure()
    {
        Assert.True(SmtpEmailSender.Classify(new SocketException((int)SocketError.ConnectionRefused))!.Value.Transient);
        Assert.True(SmtpEmailSender.Classify(new IOException("reset"))!.Value.Transient);
        Assert.True(SmtpEmailSender.Classify(new TimeoutException())!.Value.Transient);
        Assert.True(SmtpEmailSender.Classify(new SmtpProtocolException("hung up"))!.Value.Transient);
        Assert.True(SmtpEmailSender.Classify(new MailKit.Security.AuthenticationException("535"))!.Value.Transient);
        Assert.Null(SmtpEmailSender.Classify(new NullReferenceException()));
    }

    private static SmtpEmailSender Sender(int port, CapturedLogs? logs = null, string? username = null, string? password = null, int timeoutSeconds = 10)
    {
        var options = new EmailOptions
        {
            Mode = EmailMode.Smtp,
            Smtp = { Host = "127.0.0.1", Port = port, Security = SmtpSecurity.Auto, Username = username, Password = password, TimeoutSeconds = timeoutSeconds },
        };
        var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(logs ?? new CapturedLogs()));
        return new SmtpEmailSender(Options.Create(options), TimeProvider.System, factory.CreateLogger<SmtpEmailSender>());
    }

    private static EmailMessage Message(string to) => new()
    {
        From = new EmailAddress("billing@paydesk.local", "Paydesk"),
        To = new EmailAddress(to),
        Subject = "Your receipt",
        TextBody = "Your receipt.",
        HtmlBody = "<p>Your receipt.</p>",
        MessageId = $"ntf_{Guid.NewGuid():N}",
    };

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port; // closed again when the listener is disposed
    }
}
