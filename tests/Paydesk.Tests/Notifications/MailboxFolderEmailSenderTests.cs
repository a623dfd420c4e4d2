using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Paydesk.Notifications.Email;

namespace Paydesk.Tests.Notifications;

public sealed class MailboxFolderEmailSenderTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"paydesk-mail-{Guid.NewGuid():N}", "data", "mail");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 9, 30, 15, 250, TimeSpan.Zero));

    public void Dispose()
    {
        var root = Path.GetDirectoryName(Path.GetDirectoryName(_folder))!;
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    [Fact]
    public async Task Each_message_id_becomes_one_eml_file_and_sending_it_again_changes_nothing()
    {
        var sender = Sender();
        Assert.False(Directory.Exists(_folder));

        await sender.SendAsync(Message("ntf_1", "First"), CancellationToken.None);
        _clock.Advance(TimeSpan.FromMinutes(5));
        await sender.SendAsync(Message("ntf_1", "First, sent again"), CancellationToken.None);
        await sender.SendAsync(Message("ntf_2", "Second"), CancellationToken.None);

        var files = Directory.GetFiles(_folder).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(["20260301T093015250Z.ntf_1.eml", "20260301T093515250Z.ntf_2.eml"], files);
        Assert.Equal("First", Assert.Single(sender.List(10), m => m.MessageId == "ntf_1@paydesk").Subject);
    }

    [Fact]
    public async Task Sending_the_same_id_at_once_from_many_callers_writes_one_file()
    {
        var sender = Sender();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => sender.SendAsync(Message("ntf_race", $"try {i}"), CancellationToken.None)));
        Assert.Single(Directory.GetFiles(_folder));
    }

    [Fact]
    public async Task The_list_is_newest_first_and_holds_at_most_the_number_asked_for()
    {
        var sender = Sender();
        foreach (var n in new[] { 1, 2, 3 })
        {
            await sender.SendAsync(Message($"ntf_{n}", $"Message {n}"), CancellationToken.None);
            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(["Message 3", "Message 2", "Message 1"], sender.List(10).Select(m => m.Subject));
        Assert.Equal(["Message 3", "Message 2"], sender.List(2).Select(m => m.Subject));
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 9, 30, 17, 250, TimeSpan.Zero), sender.List(1)[0].SavedAt);
    }

    [Fact]
    public async Task A_stored_message_reads_back_with_its_addresses_subject_bodies_and_headers()
    {
        var sender = Sender();
        var sent = Message("ord.42+receipt", "Plată primită") with
        {
            HtmlBody = "<p>Am primit <b>150,00 RON</b>.</p>",
            Headers = new Dictionary<string, string> { ["X-Paydesk-Event"] = "evt_9" },
        };
        await sender.SendAsync(sent, CancellationToken.None);

        var id = Assert.Single(sender.List(10)).Id;
        var read = sender.Read(id)!;
        read.Subject.ShouldBe("Plată primită");
        read.MessageId.ShouldBe("ord.42+receipt@paydesk");
        read.From.ShouldBe("Paydesk <billing@paydesk.local>");  // shown as typed, not RFC-quoted
        read.To.ShouldBe("Maria Pop <maria@example.com>");
        read.TextBody!.TrimEnd().ShouldBe("Hello, Maria.");
        read.HtmlBody!.TrimEnd().ShouldBe(sent.HtmlBody);
        Assert.Contains(read.Headers, h => h.Key == "X-Paydesk-Event" && h.Value == "evt_9");
        Assert.Contains(read.Headers, h => h.Key == "Date");
        // The file name keeps ids apart without letting one reach outside the folder.
        Assert.Equal("20260301T093015250Z.ord~2E42~2Breceipt", id);
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("20260301T093015250Z.ntf_1/../../x")]
    [InlineData("20260301T093015250Z.missing")]
    [InlineData("")]
    public async Task Reading_an_id_that_is_not_a_stored_message_answers_nothing(string id)
    {
        var sender = Sender();
        await sender.SendAsync(Message("ntf_1", "There"), CancellationToken.None);
        Assert.Null(sender.Read(id));
    }

    [Fact]
    public void An_empty_or_missing_folder_lists_nothing() => Assert.Empty(Sender().List(10));

    [Fact]
    public void Long_or_unusual_ids_stay_distinct_and_fit_a_file_name()
    {
        var a = MailboxFolderEmailSender.EncodeId(new string('a', 300));
        var b = MailboxFolderEmailSender.EncodeId(new string('a', 299) + "b");
        Assert.NotEqual(a, b);
        Assert.True(a.Length <= 150, a);
        Assert.NotEqual(MailboxFolderEmailSender.EncodeId("a.b"), MailboxFolderEmailSender.EncodeId("a~2Eb"));
        MailboxFolderEmailSender.EncodeId("ntf_01-X").ShouldBe("ntf_01-X");
    }

    private MailboxFolderEmailSender Sender() => new(_folder, _clock, NullLogger<MailboxFolderEmailSender>.Instance);

    private static EmailMessage Message(string id, string subject) => new()
    {
        From = new EmailAddress("billing@paydesk.local", "Paydesk"),
        To = new EmailAddress("maria@example.com", "Maria Pop"),
        Subject = subject,
        TextBody = "Hello, Maria.",
        MessageId = id,
    };
}
