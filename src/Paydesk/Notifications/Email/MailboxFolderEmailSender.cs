using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using MimeKit;

namespace Paydesk.Notifications.Email;

/// <summary>A message <see cref="MailboxFolderEmailSender"/> wrote, read back.</summary>
/// <param name="Id">The file's name without <c>.eml</c>: what <see cref="MailboxFolderEmailSender.Read"/> takes.</param>
/// <param name="SavedAt">When it was written, by the injected clock.</param>
/// <param name="MessageId">The <c>Message-ID</c> header without its angle brackets (<c>{id}@paydesk</c>).</param>
public sealed record StoredMail(
    string Id,
    DateTimeOffset SavedAt,
    string? MessageId,
    string From,
    string To,
    string Subject,
    string? TextBody,
    string? HtmlBody,
    IReadOnlyList<KeyValuePair<string, string>> Headers);

/// <summary>
/// Development without an SMTP server: each message becomes an <c>.eml</c> file in a folder
/// (<c>{yyyyMMddTHHmmssfffZ}.{message id}.eml</c>), which any mail program opens and
/// <c>/dev/mail</c> shows. A message id that is already there is not written again, so sending
/// twice is visible as one file.
/// </summary>
public sealed partial class MailboxFolderEmailSender(string folder, TimeProvider time, ILogger<MailboxFolderEmailSender> log) : IEmailSender
{
    private const string StampFormat = "yyyyMMdd'T'HHmmssfff'Z'";
    private const int MaxEncodedIdLength = 150;
    private readonly SemaphoreSlim _writing = new(1, 1);

    /// <summary>The full path of the folder (created on the first message).</summary>
    public string Folder { get; } = Path.GetFullPath(folder);

    public async Task SendAsync(EmailMessage message, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        using var mime = MimeMessages.Build(message, now);
        var key = EncodeId(message.MessageId);

        await _writing.WaitAsync(ct);
        try
        {
            Directory.CreateDirectory(Folder);
            if (FindFile(key) is { } existing)
            {
                log.LogInformation("Email {MessageId} to {RecipientDomain} {Outcome}: {File} already holds it",
                    message.MessageId, message.To.Domain, "skipped", Path.GetFileName(existing));
                return;
            }
            var name = $"{now.UtcDateTime.ToString(StampFormat, CultureInfo.InvariantCulture)}.{key}.eml";
            // Written aside, then moved into place: a reader never sees half a message.
            var temporary = Path.Combine(Folder, $".{Guid.NewGuid():N}.tmp");
            try
            {
                await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
                    await mime.WriteToAsync(stream, ct);
                File.Move(temporary, Path.Combine(Folder, name), overwrite: false);
            }
            finally
            {
                File.Delete(temporary);
            }
            log.LogInformation("Email {MessageId} to {RecipientDomain} {Outcome}: written to {File}",
                message.MessageId, message.To.Domain, "sent", name);
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>The newest <paramref name="max"/> messages, newest first.</summary>
    public IReadOnlyList<StoredMail> List(int max)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        if (!Directory.Exists(Folder)) return [];
        return Directory.EnumerateFiles(Folder, "*.eml")
            .Select(path => Path.GetFileNameWithoutExtension(path))
            .Where(id => StoredId().IsMatch(id))
            .OrderDescending(StringComparer.Ordinal)
            .Take(max)
            .Select(Load)
            .OfType<StoredMail>()
            .ToList();
    }

    /// <summary>One message by its <see cref="StoredMail.Id"/>; null when there is none (or the id is not one this folder could hold).</summary>
    public StoredMail? Read(string id) => id is not null && StoredId().IsMatch(id) ? Load(id) : null;

    private StoredMail? Load(string id)
    {
        var path = Path.Combine(Folder, id + ".eml");
        MimeMessage mime;
        try
        {
            mime = MimeMessage.Load(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or FormatException)
        {
            return null;
        }
        using (mime)
        {
            var savedAt = DateTimeOffset.ParseExact(id[..19], StampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
            return new StoredMail(id, savedAt, mime.MessageId, Show(mime.From), Show(mime.To), mime.Subject ?? "",
                mime.TextBody, mime.HtmlBody, mime.Headers.Select(h => KeyValuePair.Create(h.Field, h.Value)).ToList());
        }
    }

    private static string Show(InternetAddressList addresses) =>
        string.Join(", ", addresses.Mailboxes.Select(m => string.IsNullOrEmpty(m.Name) ? m.Address : $"{m.Name} <{m.Address}>"));

    private string? FindFile(string key) =>
        Directory.EnumerateFiles(Folder, "*.eml").FirstOrDefault(path =>
        {
            var name = Path.GetFileNameWithoutExtension(path);
            return StoredId().IsMatch(name) && name[20..] == key;
        });

    /// <summary>
    /// The message id as a file-name part: letters, digits, <c>_</c> and <c>-</c> stay, any other
    /// byte becomes <c>~XX</c>, so distinct ids stay distinct and nothing can climb out of the folder.
    /// A very long id is cut and ends with <c>~~</c> and a hash of the whole.
    /// </summary>
    internal static string EncodeId(string messageId)
    {
        var encoded = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(messageId))
        {
            if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'_' or (byte)'-') encoded.Append((char)b);
            else encoded.Append('~').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        if (encoded.Length <= MaxEncodedIdLength) return encoded.ToString();
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(messageId)))[..16];
        return $"{encoded.ToString(0, MaxEncodedIdLength - 18)}~~{hash}";
    }

    [GeneratedRegex(@"^[0-9]{8}T[0-9]{9}Z\.[A-Za-z0-9_~-]+$")]
    private static partial Regex StoredId();
}
