namespace Paydesk.Notifications.Email;

/// <summary>An address, and the name a mail program shows next to it.</summary>
public sealed record EmailAddress(string Address, string? Name = null)
{
    /// <summary>The part after the <c>@</c>: what a log line may say about a recipient.</summary>
    public string Domain => Address.LastIndexOf('@') is var at and >= 0 ? Address[(at + 1)..] : "";

    public override string ToString() => string.IsNullOrEmpty(Name) ? Address : $"{Name} <{Address}>";
}

/// <summary>
/// One email to one recipient, as the outbox hands it to an <see cref="IEmailSender"/>.
/// </summary>
public sealed record EmailMessage
{
    public const int MaxMessageIdLength = 200;

    public required EmailAddress From { get; init; }
    public required EmailAddress To { get; init; }
    public required string Subject { get; init; }
    public required string TextBody { get; init; }
    /// <summary>When set, the message is <c>multipart/alternative</c>: the text first, then this.</summary>
    public string? HtmlBody { get; init; }

    /// <summary>
    /// Chosen by the caller and stable across retries (the outbox uses its dedup key). It goes out
    /// as <c>Message-ID: &lt;{MessageId}@paydesk&gt;</c>, so a receiver that sees a retry of a message it
    /// already has can drop it. Letters, digits and <c>!#$%&amp;'*+/=?^_`{|}~-</c>, with single dots
    /// between them; at most <see cref="MaxMessageIdLength"/> characters.
    /// </summary>
    public required string MessageId { get; init; }

    /// <summary>Further headers (<c>X-Paydesk-Event</c>, <c>List-Unsubscribe</c>…). They may not replace the ones above.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
}
