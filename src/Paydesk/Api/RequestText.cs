using System.Text.Json;
using System.Text.Json.Serialization;

namespace Paydesk.Api;

/// <summary>
/// Text a request may carry: never the character U+0000. No name, address or reason needs it,
/// PostgreSQL cannot store it, and SQLite would keep it silently; so it is refused where it
/// enters — in a JSON body (<see cref="Converter"/>, naming the field) and in the query string
/// (<see cref="RefuseNulAsync"/>, naming the parameter; Kestrel refuses it in a path) — instead of
/// failing in the database.
/// (A lone UTF-16 surrogate in a JSON string is refused by the JSON reader itself.)
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

    /// <summary>A request whose query string holds U+0000 is answered 400 before any endpoint reads it.</summary>
    public static async Task RefuseNulAsync(HttpContext http, Func<Task> next)
    {
        var field = http.Request.QueryString.Value?.Contains("%00", StringComparison.Ordinal) == true
            ? http.Request.Query.FirstOrDefault(q => q.Key.Contains('\0', StringComparison.Ordinal) || q.Value.Any(v => v?.Contains('\0', StringComparison.Ordinal) == true)).Key
            : null;
        if (field is null)
        {
            await next();
            return;
        }
        await Problem.Invalid(field.Replace("\0", "", StringComparison.Ordinal), NulMessage).ToHttp().ExecuteAsync(http);
    }
}
