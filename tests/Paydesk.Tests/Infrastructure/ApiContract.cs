using System.Globalization;
using System.Text.RegularExpressions;

namespace Paydesk.Tests.Infrastructure;

/// <summary>
/// The server's own OpenAPI document, read as a contract: for an answer to a documented operation
/// it says what the answer breaks — a status the operation does not document, a content type it
/// does not, or JSON its schema does not allow (<c>$ref</c>, <c>type</c> with <c>"null"</c>,
/// <c>required</c>, <c>additionalProperties</c>, <c>enum</c>, <c>oneOf</c>/<c>anyOf</c>/<c>allOf</c>,
/// bounds, and the common formats, loosely). Only answers are checked: a test may send anything.
/// </summary>
public sealed class ApiContract
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
    private readonly JsonElement _document;
    private readonly List<Operation> _operations = [];

    public ApiContract(JsonElement document)
    {
        _document = document;
        foreach (var path in document.GetProperty("paths").EnumerateObject())
            foreach (var item in path.Value.EnumerateObject().Where(m => Methods.Contains(m.Name)))
                _operations.Add(new Operation(this, item.Name.ToUpperInvariant(), path.Name, item.Value));
    }

    public IReadOnlyList<Operation> Operations => _operations;

    public static ApiContract Parse(string json) => new(JsonDocument.Parse(json).RootElement.Clone());

    /// <summary>The document a running Paydesk serves.</summary>
    public static async Task<ApiContract> FetchAsync(Uri baseAddress)
    {
        using var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        return Parse(await client.GetStringAsync("/openapi/v1.json"));
    }

    /// <summary>
    /// The operation a request was answered by: same method, and a path that fits its template
    /// (the one with the most literal segments, when more fit); null when the document has none.
    /// A path with U+0000 in it names none: Kestrel refuses it (a bare 400) before any routing.
    /// </summary>
    public Operation? Find(string method, string path)
    {
        var segments = Segments(path).Select(Uri.UnescapeDataString).ToArray();
        if (segments.Any(s => s.Contains('\0', StringComparison.Ordinal))) return null;
        return _operations
            .Where(o => o.Method == method.ToUpperInvariant() && o.Fits(segments))
            .OrderByDescending(o => o.Literals).FirstOrDefault();
    }

    private static string[] Segments(string path) => path.Trim('/').Split('/');

    public sealed class Operation
    {
        private readonly ApiContract _contract;
        private readonly string[] _template;

        internal Operation(ApiContract contract, string method, string path, JsonElement element)
        {
            (_contract, Method, Path, Element) = (contract, method, path, element);
            _template = Segments(path);
        }

        public string Method { get; }
        public string Path { get; }
        public JsonElement Element { get; }
        public string? Id => Element.TryGetProperty("operationId", out var id) ? id.GetString() : null;
        internal int Literals => _template.Count(s => !s.StartsWith('{'));

        public override string ToString() => $"{Method} {Path}{(Id is { } id ? $" ({id})" : "")}";

        internal bool Fits(string[] segments) =>
            segments.Length == _template.Length
            && _template.Zip(segments).All(p => p.First.StartsWith('{') ? p.Second.Length > 0 : p.First == p.Second);

        /// <summary>What the answer breaks, each naming where and how; empty when it keeps to the document.</summary>
        public IReadOnlyList<string> Check(int status, string? mediaType, string body)
        {
            var errors = new List<string>();
            var responses = Element.GetProperty("responses");
            if (!responses.TryGetProperty(status.ToString(CultureInfo.InvariantCulture), out var response)
                && !responses.TryGetProperty($"{status / 100}XX", out response)
                && !responses.TryGetProperty("default", out response))
            {
                errors.Add($"status {status} is not documented (documented: {string.Join(", ", responses.EnumerateObject().Select(r => r.Name))})");
                return errors;
            }
            response = _contract.Resolve(response);

            var documented = response.TryGetProperty("content", out var content) ? content.EnumerateObject().ToList() : [];
            if (documented.Count == 0)
            {
                if (body.Length > 0) errors.Add($"status {status} documents no body, but one came ({mediaType})");
                return errors;
            }
            if (body.Length == 0)
            {
                errors.Add($"status {status} documents a body ({string.Join(", ", documented.Select(c => c.Name))}), but none came");
                return errors;
            }
            var match = documented.FirstOrDefault(c => string.Equals(c.Name, mediaType, StringComparison.OrdinalIgnoreCase));
            if (match.Value.ValueKind == JsonValueKind.Undefined)
            {
                errors.Add($"status {status} came as {mediaType ?? "no content type"}; documented: {string.Join(", ", documented.Select(c => c.Name))}");
                return errors;
            }
            if (!match.Value.TryGetProperty("schema", out var schema) || !IsJson(mediaType!)) return errors;

            JsonElement value;
            try
            {
                value = JsonDocument.Parse(body).RootElement.Clone();
            }
            catch (JsonException e)
            {
                errors.Add($"the body is not JSON: {e.Message}");
                return errors;
            }
            _contract.Validate(schema, value, "$", errors);
            return errors;
        }

        private static bool IsJson(string mediaType) =>
            mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Follows a <c>$ref</c> (a JSON pointer into the document) until there is none.</summary>
    private JsonElement Resolve(JsonElement element)
    {
        for (var hops = 0; element.ValueKind == JsonValueKind.Object && element.TryGetProperty("$ref", out var reference); hops++)
        {
            if (hops == 32) throw new InvalidOperationException($"$ref loop at {reference}");
            element = Pointer(reference.GetString()!);
        }
        return element;
    }

    private JsonElement Pointer(string reference)
    {
        if (!reference.StartsWith("#/", StringComparison.Ordinal))
            throw new InvalidOperationException($"Only references inside the document are followed, not {reference}");
        var element = _document;
        foreach (var token in reference[2..].Split('/'))
        {
            var name = Uri.UnescapeDataString(token).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (!element.TryGetProperty(name, out element))
                throw new InvalidOperationException($"The document has no {reference}");
        }
        return element;
    }

    /// <summary>Adds to <paramref name="errors"/> what <paramref name="value"/>, at <paramref name="at"/>, breaks of <paramref name="schema"/>.</summary>
    internal void Validate(JsonElement schema, JsonElement value, string at, List<string> errors)
    {
        if (schema.ValueKind is JsonValueKind.True) return;
        if (schema.ValueKind is JsonValueKind.False)
        {
            errors.Add($"{at}: nothing is allowed here");
            return;
        }
        if (schema.TryGetProperty("$ref", out var reference))
            Validate(Pointer(reference.GetString()!), value, at, errors);

        if (schema.TryGetProperty("type", out var type))
        {
            var allowed = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToList() : [type.GetString()!];
            if (!allowed.Any(t => IsOfType(value, t)))
            {
                errors.Add($"{at}: is {Describe(value)}, the document allows {string.Join(" or ", allowed)}");
                return;
            }
        }
        if (schema.TryGetProperty("enum", out var choices) && !choices.EnumerateArray().Any(c => SameJson(c, value)))
            errors.Add($"{at}: {Describe(value)} is not one of {choices.GetRawText()}");
        if (schema.TryGetProperty("const", out var constant) && !SameJson(constant, value))
            errors.Add($"{at}: {Describe(value)} is not {constant.GetRawText()}");

        if (schema.TryGetProperty("allOf", out var all))
            foreach (var part in all.EnumerateArray()) Validate(part, value, at, errors);
        if (schema.TryGetProperty("anyOf", out var any))
        {
            var failures = Alternatives(any, value, at);
            if (failures.All(f => f.Count > 0))
                errors.Add($"{at}: matches none of anyOf: {string.Join(" | ", failures.Select(f => string.Join("; ", f)))}");
        }
        if (schema.TryGetProperty("oneOf", out var one))
        {
            var failures = Alternatives(one, value, at);
            var matched = failures.Count(f => f.Count == 0);
            if (matched != 1)
                errors.Add(matched == 0
                    ? $"{at}: matches none of oneOf: {string.Join(" | ", failures.Select(f => string.Join("; ", f)))}"
                    : $"{at}: matches {matched} of oneOf, where exactly one must");
        }
        if (schema.TryGetProperty("not", out var not) && Alternatives([not], value, at)[0].Count == 0)
            errors.Add($"{at}: matches what 'not' forbids");

        switch (value.ValueKind)
        {
            case JsonValueKind.Object: ValidateObject(schema, value, at, errors); break;
            case JsonValueKind.Array: ValidateArray(schema, value, at, errors); break;
            case JsonValueKind.String: ValidateString(schema, value.GetString()!, at, errors); break;
            case JsonValueKind.Number: ValidateNumber(schema, value, at, errors); break;
        }
    }

    private List<List<string>> Alternatives(IEnumerable<JsonElement> schemas, JsonElement value, string at) =>
        schemas.Select(s =>
        {
            var failures = new List<string>();
            Validate(s, value, at, failures);
            return failures;
        }).ToList();

    private List<List<string>> Alternatives(JsonElement schemas, JsonElement value, string at) => Alternatives(schemas.EnumerateArray(), value, at);

    private void ValidateObject(JsonElement schema, JsonElement value, string at, List<string> errors)
    {
        var properties = schema.TryGetProperty("properties", out var p) ? p : default;
        if (schema.TryGetProperty("required", out var required))
            foreach (var name in required.EnumerateArray().Select(r => r.GetString()!))
                if (!value.TryGetProperty(name, out _))
                    errors.Add($"{at}: required property '{name}' is missing");
        var additional = schema.TryGetProperty("additionalProperties", out var a) ? a : default;
        foreach (var property in value.EnumerateObject())
        {
            var path = $"{at}.{property.Name}";
            if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(property.Name, out var declared))
                Validate(declared, property.Value, path, errors);
            else if (additional.ValueKind == JsonValueKind.False)
                errors.Add($"{at}: property '{property.Name}' is not in the document (additionalProperties: false)");
            else if (additional.ValueKind == JsonValueKind.Object)
                Validate(additional, property.Value, path, errors);
        }
    }

    private void ValidateArray(JsonElement schema, JsonElement value, string at, List<string> errors)
    {
        var count = value.GetArrayLength();
        if (schema.TryGetProperty("minItems", out var min) && count < min.GetInt32()) errors.Add($"{at}: {count} items, fewer than {min}");
        if (schema.TryGetProperty("maxItems", out var max) && count > max.GetInt32()) errors.Add($"{at}: {count} items, more than {max}");
        if (!schema.TryGetProperty("items", out var items)) return;
        var index = 0;
        foreach (var item in value.EnumerateArray()) Validate(items, item, $"{at}[{index++}]", errors);
    }

    private static void ValidateString(JsonElement schema, string text, string at, List<string> errors)
    {
        if (schema.TryGetProperty("minLength", out var min) && text.Length < min.GetInt32()) errors.Add($"{at}: shorter than {min}");
        if (schema.TryGetProperty("maxLength", out var max) && text.Length > max.GetInt32()) errors.Add($"{at}: longer than {max}");
        if (schema.TryGetProperty("pattern", out var pattern) && !Regex.IsMatch(text, pattern.GetString()!, RegexOptions.None, TimeSpan.FromSeconds(1)))
            errors.Add($"{at}: '{text}' does not match {pattern}");
        var ok = !schema.TryGetProperty("format", out var format) || format.GetString() switch
        {
            "date-time" => text.Contains('T') && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _),
            "date" => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
            "uri" => Uri.TryCreate(text, UriKind.Absolute, out _),
            "uuid" => Guid.TryParse(text, out _),
            "email" => text.Contains('@'),
            _ => true,
        };
        if (!ok) errors.Add($"{at}: '{text}' is not a {format}");
    }

    private static void ValidateNumber(JsonElement schema, JsonElement value, string at, List<string> errors)
    {
        if (!value.TryGetDecimal(out var number)) return;
        if (schema.TryGetProperty("minimum", out var min) && number < Decimal(min)) errors.Add($"{at}: {number} is below the minimum {min}");
        if (schema.TryGetProperty("maximum", out var max) && number > Decimal(max)) errors.Add($"{at}: {number} is above the maximum {max}");
        var (low, high) = schema.TryGetProperty("format", out var format) ? format.GetString() switch
        {
            "int32" => (int.MinValue, (decimal)int.MaxValue),
            "int64" => (long.MinValue, (decimal)long.MaxValue),
            _ => (decimal.MinValue, decimal.MaxValue),
        } : (decimal.MinValue, decimal.MaxValue);
        if (number < low || number > high) errors.Add($"{at}: {number} does not fit {format}");
    }

    private static decimal Decimal(JsonElement bound) =>
        bound.ValueKind == JsonValueKind.String ? decimal.Parse(bound.GetString()!, CultureInfo.InvariantCulture) : bound.GetDecimal();

    private static bool IsOfType(JsonElement value, string type) => type switch
    {
        "null" => value.ValueKind == JsonValueKind.Null,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var d) && d == decimal.Truncate(d),
        _ => throw new InvalidOperationException($"The document names an unknown type '{type}'"),
    };

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => "null",
        JsonValueKind.True or JsonValueKind.False => $"a boolean ({value.GetRawText()})",
        JsonValueKind.Number => $"a number ({value.GetRawText()})",
        JsonValueKind.String => $"a string ({Shorten(value.GetRawText())})",
        JsonValueKind.Array => "an array",
        _ => "an object",
    };

    internal static string Shorten(string text) => text.Length <= 2000 ? text : text[..2000] + "…";

    private static bool SameJson(JsonElement a, JsonElement b) => JsonElement.DeepEquals(a, b);
}
