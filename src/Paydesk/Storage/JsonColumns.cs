using System.Text.Json;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Paydesk.Storage;

/// <summary>Values kept as one JSON text column: lists of small records, and addresses.</summary>
internal static class JsonColumns
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    /// <summary>A mutable collection: compared and copied by its JSON, so a change in place is seen.</summary>
    public static PropertyBuilder<T> HasJsonConversion<T>(this PropertyBuilder<T> property) where T : new() => property.HasConversion(
        new ValueConverter<T, string>(v => JsonSerializer.Serialize(v, Options), v => JsonSerializer.Deserialize<T>(v, Options) ?? new T()),
        new ValueComparer<T>(
            (a, b) => JsonSerializer.Serialize(a, Options) == JsonSerializer.Serialize(b, Options),
            v => JsonSerializer.Serialize(v, Options).GetHashCode(StringComparison.Ordinal),
            v => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(v, Options), Options) ?? new T()));

    /// <summary>An optional immutable record (null is kept as SQL NULL); records compare by value.</summary>
    public static PropertyBuilder<T?> HasJsonRecordConversion<T>(this PropertyBuilder<T?> property) where T : class => property.HasConversion(
        new ValueConverter<T?, string>(v => JsonSerializer.Serialize(v, Options), v => JsonSerializer.Deserialize<T>(v, Options)));
}
