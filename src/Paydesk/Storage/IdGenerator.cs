using System.Security.Cryptography;

namespace Paydesk.Storage;

/// <summary>
/// Makes prefixed, time-ordered ids such as <c>plan_01jd3x8k2q…</c>. The prefix tells a reader
/// (and a support engineer reading a log) what an id names; the 48-bit millisecond timestamp in
/// front makes ids sort by creation, which is the order cursor pagination walks.
/// </summary>
public sealed class IdGenerator(TimeProvider time)
{
    // Crockford's base32, lower-case: no i, l, o, u, so ids survive being read aloud.
    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";

    public string New(string prefix)
    {
        Span<byte> random = stackalloc byte[10];
        RandomNumberGenerator.Fill(random);
        UInt128 value = (ulong)time.GetUtcNow().ToUnixTimeMilliseconds() & 0xFFFF_FFFF_FFFF;
        foreach (var b in random)
            value = (value << 8) | b;

        Span<char> body = stackalloc char[26];
        for (var i = body.Length - 1; i >= 0; i--)
        {
            body[i] = Alphabet[(int)(value & 31)];
            value >>= 5;
        }
        return string.Concat(prefix, "_", body);
    }
}
