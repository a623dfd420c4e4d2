using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Net.Http.Headers;

namespace Paydesk.Api;

/// <summary>
/// Text a request may carry: never the character U+0000. No name, address or reason needs it,
/// PostgreSQL cannot store it, and SQLite would keep it silently; so it is refused where it
/// enters — in a JSON body (<see cref="Converter"/>, naming the field) and in the query string
/// (<see cref="RefuseUnreadableAsync"/>, naming the parameter; Kestrel refuses it in a path) — instead of
/// failing in the database.
/// (A lone UTF-16 surrogate in a JSON string is refused by the JSON reader itself.)
/// A body that cannot be read at all — a JSON charset nobody decodes, a form cut short — is the
/// sender's fault too, and answered as such (415, 400), never as our 500.
/// </summary>
public static class RequestText
{
    public const string NulMessage = "must not contain the character U+0000.";

    public const string NotTextMessage = "must be a string.";

    /// <summary>Every string of a JSON request body.</summary>
    public sealed class Converter : JsonConverter<string>
    {
        public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String) throw new JsonException(NotTextMessage);
            var text = reader.GetString()!;
            return text.Contains('\0', StringComparison.Ordinal) ? throw new JsonException(NulMessage) : text;
        }

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }

    /// <summary>
    /// The posted form, or null when the body is not a form. A form that cannot be read — cut
    /// short, over the field limit, U+0000 in it — is the sender's fault: a 400, not a 500.
    /// </summary>
    public static async Task<IFormCollection?> ReadFormAsync(HttpRequest request, CancellationToken ct)
    {
        if (!request.HasFormContentType) return null;
        try
        {
            return await request.ReadFormAsync(ct);
        }
        // NotSupportedException: a charset the reader will not decode (UTF-7).
        catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException && !ct.IsCancellationRequested)
        {
            throw new BadHttpRequestException("The form in the request body cannot be read: it is cut short, malformed, or has too many fields.", e);
        }
    }

    /// <summary>
    /// Answers before any endpoint reads the request: 400 naming the parameter when the query
    /// string holds U+0000, 415 when a JSON body names a charset .NET cannot decode (the JSON
    /// reader would otherwise fail with an error of ours, a 500).
    /// </summary>
    public static async Task RefuseUnreadableAsync(HttpContext http, Func<Task> next)
    {
        var field = http.Request.QueryString.Value?.Contains("%00", StringComparison.Ordinal) == true
            ? http.Request.Query.FirstOrDefault(q => q.Key.Contains('\0', StringComparison.Ordinal) || q.Value.Any(v => v?.Contains('\0', StringComparison.Ordinal) == true)).Key
            : null;
        if (field is not null)
        {
            await Problem.Invalid(field.Replace("\0", "", StringComparison.Ordinal), NulMessage).ToHttp().ExecuteAsync(http);
            return;
        }
        if (UnknownJsonCharset(http.Request) is { } charset)
        {
            await new Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported charset",
                $"The body's charset '{charset}' is not one this service reads; send JSON as UTF-8.").ToHttp().ExecuteAsync(http);
            return;
        }
        await next();
    }

    /// <summary>
    /// The charset of a JSON body to refuse, or null. The framework's reader takes the charset as
    /// written, quotes and all, so a quoted or empty one it could read is written plainly first.
    /// </summary>
    private static string? UnknownJsonCharset(HttpRequest request)
    {
        if (request.ContentType is not { } contentType || !MediaTypeHeaderValue.TryParse(contentType, out var type)) return null;
        if (!type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) && !type.MediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase))
            return null;
        if (!type.Charset.HasValue) return null;
        var charset = HeaderUtilities.RemoveQuotes(type.Charset).Trim().ToString();
        if (charset.Length > 0 && !Decodable(charset)) return charset;
        type.Charset = charset; // empty: no charset, which is UTF-8
        var plain = type.ToString();
        if (plain != contentType) request.ContentType = plain;
        return null;
    }

    private static bool Decodable(string charset)
    {
        try
        {
            _ = System.Text.Encoding.GetEncoding(charset);
            return true;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            return false;
        }
    }
}
