using System.Security.Cryptography;

namespace Paydesk.Storage;

/// <summary>
/// Makes prefixed, time-ordered ids such as <c>plan_01jd3x8k2q…</c>. The prefix tells a reader
/// (and a support engineer reading a log) what an id names; the 48-bit millisecond timestamp in
/// front makes ids sort by creation, which is the order cursor pagination walks. Within one
/// millisecond (or a clock that stands still, in tests) the 80 random bits count up from the
/// last id, so this process's ids still sort in the order they were made.
/// </summary>
public sealed class IdGenerator(TimeProvider time)
{
    // Crockford's base32, lower-case: no i, l, o, u, so ids survive being read aloud.
    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";

    private readonly Lock _lock = new();
    private UInt128 _last;

    public string New(string prefix)
    {
        Span<byte> bytes = stackalloc byte[10];
        RandomNumberGenerator.Fill(bytes);
        UInt128 random = 0;
        foreach (var b in bytes)
            random = (random << 8) | b;
        var millis = (UInt128)((ulong)time.GetUtcNow().ToUnixTimeMilliseconds() & 0xFFFF_FFFF_FFFF);

        UInt128 value;
        lock (_lock)
        {
            value = (millis << 80) | random;
            if (value <= _last)
            {
                // Same millisecond, or a clock that went back: step up from the last id. The random
                // step (below 2^32) keeps the next id unguessable from the last one.
                value = _last + 1 + (random & 0xFFFF_FFFF);
            }
            _last = value;
        }

        Span<char> body = stackalloc char[26];
        for (var i = body.Length - 1; i >= 0; i--)
        {
            body[i] = Alphabet[(int)(value & 31)];
            value >>= 5;
        }
        return string.Concat(prefix, "_", body);
    }
}
