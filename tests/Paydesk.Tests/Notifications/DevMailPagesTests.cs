using Paydesk.Notifications.Email;

namespace Paydesk.Tests.Notifications;

public sealed class DevMailPagesTests
{
    private static readonly StoredMail Hostile = new(
        Id: "20260301T093015250Z.ntf_1",
        SavedAt: new DateTimeOffset(2026, 3, 1, 9, 30, 15, TimeSpan.Zero),
        MessageId: "ntf_1@paydesk",
        From: "Paydesk <billing@paydesk.local>",
        To: "\"<img src=x onerror=alert(2)>\" <maria@example.com>",
        Subject: "<script>alert(1)</script> Plată",
        TextBody: "</pre><script>alert(3)</script>",
        HtmlBody: "<p onclick=\"x()\">Hi</p><script>alert(4)</script>",
        Headers: [KeyValuePair.Create("X-Evil", "<script>alert(5)</script>")]);

    [Fact]
    public async Task The_list_encodes_what_a_message_says_and_links_to_each()
    {
        var html = await Components.RenderAsync<DevMailList>(new { Mails = new[] { Hostile }, Folder = "/srv/data/mail" });

        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<img", html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt; Plată", html);
        Assert.Contains("href=\"/dev/mail/20260301T093015250Z.ntf_1\"", html);
        Assert.Contains("2026-03-01 09:30:15", html);
    }

    [Fact]
    public async Task A_message_page_encodes_everything_and_shows_its_html_only_in_a_sandboxed_frame()
    {
        var html = await Components.RenderAsync<DevMailMessage>(new { Mail = Hostile });

        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<img", html);
        Assert.DoesNotContain("onclick=\"", html);
        // An empty sandbox (written bare, or as sandbox=""): no allow-* token lifts any of its limits.
        var frame = System.Text.RegularExpressions.Regex.Match(html, "<iframe [^>]*>").Value;
        Assert.Matches(" sandbox(=\"\")?[ >]", frame);
        Assert.DoesNotContain("allow-", frame);
        // The email's own HTML sits, encoded, in the frame's srcdoc attribute and nowhere else.
        Assert.Contains("srcdoc=\"&lt;p onclick=&quot;x()&quot;&gt;Hi&lt;/p&gt;&lt;script&gt;alert(4)&lt;/script&gt;\"", html);
        Assert.Contains("&lt;/pre&gt;&lt;script&gt;alert(3)&lt;/script&gt;", html);
        Assert.Contains("&lt;script&gt;alert(5)&lt;/script&gt;", html);
    }

    [Fact]
    public async Task An_empty_folder_says_so() =>
        Assert.Contains("No mail yet", await Components.RenderAsync<DevMailList>(new { Mails = Array.Empty<StoredMail>(), Folder = "/srv/data/mail" }));
}
