using System.Collections.Frozen;
using System.Security.Cryptography;

namespace Paydesk.Api.Pages;

/// <summary>
/// The pages' stylesheet and script, built into the assembly (no front-end build, nothing read
/// from disk) and served at <c>/assets/{name}?v={hash}</c>: the hash changes with the file, so a
/// browser may keep each version for a year.
/// </summary>
public static class PageAssets
{
    private sealed record Asset(byte[] Bytes, string ContentType, string Hash);

    private static readonly FrozenDictionary<string, Asset> Files = Load();

    /// <summary>The address of an asset, with its version.</summary>
    public static string Url(string name) => $"/assets/{name}?v={Files[name].Hash}";

    public static void MapPageAssets(this WebApplication app)
    {
        app.MapGet("/assets/{name}", (string name, string? v, HttpContext http) =>
        {
            if (!Files.TryGetValue(name, out var asset)) return Results.NotFound();
            http.Response.Headers.XContentTypeOptions = "nosniff";
            http.Response.Headers.CacheControl = v == asset.Hash ? "public, max-age=31536000, immutable" : "no-cache";
            return Results.Bytes(asset.Bytes, asset.ContentType, entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{asset.Hash}\""));
        }).ExcludeFromDescription();
    }

    private static FrozenDictionary<string, Asset> Load()
    {
        var assembly = typeof(PageAssets).Assembly;
        const string prefix = "Paydesk.Assets.";
        var files = new Dictionary<string, Asset>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            var name = resource[prefix.Length..];
            var type = name.EndsWith(".css", StringComparison.Ordinal) ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
            files[name] = new Asset(bytes, type, Convert.ToHexStringLower(SHA256.HashData(bytes))[..12]);
        }
        return files.ToFrozenDictionary();
    }
}
