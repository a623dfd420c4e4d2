using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using NodaTime;

namespace Paydesk.Core;

/// <summary>IANA time zones from the TZDB data bundled with NodaTime.</summary>
public static class Zones
{
    // NodaTime's provider also resolves ids like "UTC+03" to fixed offsets; only real TZDB ids are accepted here.
    private static readonly FrozenSet<string> Ids = DateTimeZoneProviders.Tzdb.Ids.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Finds a zone by its exact, case-sensitive IANA id such as <c>Europe/Bucharest</c>.</summary>
    public static bool TryGet([NotNullWhen(true)] string? ianaId, [NotNullWhen(true)] out DateTimeZone? zone)
    {
        zone = ianaId is not null && Ids.Contains(ianaId) ? DateTimeZoneProviders.Tzdb[ianaId] : null;
        return zone is not null;
    }

    /// <summary>Like <see cref="TryGet"/>, but throws <see cref="ArgumentException"/> for an unknown id.</summary>
    public static DateTimeZone Get(string ianaId) =>
        TryGet(ianaId, out var zone)
            ? zone
            : throw new ArgumentException($"'{ianaId}' is not an IANA time zone id.", nameof(ianaId));
}
