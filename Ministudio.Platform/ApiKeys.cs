using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Ministudio.Platform;

/// <summary>
/// Ministudio API keys: <c>ms_{type}_{secret}{checksum}</c>. The secret is 24 CSPRNG bytes (192 bits) in base62,
/// 33 characters; the checksum is the CRC-32 (IEEE) of everything before it, in base62, 6 characters. The checksum
/// lets the gateway reject typos and garbage without a database lookup, and lets secret scanners recognise leaked keys.
/// </summary>
public static class ApiKeys
{
    public const string Live = "live";
    public const string Test = "test";
    public const string Development = "dev";
    private static readonly string[] TypeNames = [Live, Test, Development];
    public static readonly IReadOnlyList<string> Types = TypeNames;

    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static readonly SearchValues<char> Base62Characters = SearchValues.Create(Alphabet);
    private const int SecretBytes = 24;
    private const int SecretLength = 33; // ceil(192 / log2(62))
    private const int ChecksumLength = 6; // 62^6 > 2^32
    private const int DisplaySecretCharacters = 6;

    public static string Generate(string type)
    {
        if (!Types.Contains(type)) throw new ArgumentOutOfRangeException(nameof(type), type, $"Key types are {string.Join(", ", Types)}.");
        var head = $"ms_{type}_{Base62(RandomNumberGenerator.GetBytes(SecretBytes), SecretLength)}";
        return head + Checksum(head);
    }

    /// <summary>
    /// The key has a known type, the right length, base62 characters only, and a matching checksum. Allocation-free:
    /// the gateway runs it on every request.
    /// </summary>
    public static bool IsWellFormed(string? key) => key is not null && IsWellFormed(key.AsSpan());

    /// <inheritdoc cref="IsWellFormed(string?)"/>
    public static bool IsWellFormed(ReadOnlySpan<char> key)
    {
        var prefixLength = TypePrefixLength(key);
        if (prefixLength == 0 || key.Length != prefixLength + SecretLength + ChecksumLength) return false;
        if (key[prefixLength..].ContainsAnyExcept(Base62Characters)) return false;
        Span<char> expected = stackalloc char[ChecksumLength];
        WriteChecksum(key[..^ChecksumLength], expected);
        return CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(expected), MemoryMarshal.AsBytes(key[^ChecksumLength..]));
    }

    /// <summary>The length of <c>ms_{type}_</c> when the key starts with a known type, else 0.</summary>
    private static int TypePrefixLength(ReadOnlySpan<char> key)
    {
        if (!key.StartsWith("ms_", StringComparison.Ordinal)) return 0;
        foreach (var type in TypeNames)
        {
            var end = 3 + type.Length;
            if (key.Length > end && key[end] == '_' && key[3..end].SequenceEqual(type)) return end + 1;
        }
        return 0;
    }

    /// <summary>What may be shown and stored in clear: the type and the first few secret characters.</summary>
    public static string DisplayPrefixOf(string key)
    {
        var typeEnd = key.IndexOf('_', 3);
        return typeEnd < 0 ? key[..Math.Min(key.Length, 8)] : key[..Math.Min(key.Length, typeEnd + 1 + DisplaySecretCharacters)];
    }

    private static string Checksum(string head)
    {
        Span<char> digits = stackalloc char[ChecksumLength];
        WriteChecksum(head, digits);
        return new string(digits);
    }

    /// <summary>The CRC-32 of the (ASCII) head as fixed-width base62, written into <paramref name="digits"/>.</summary>
    private static void WriteChecksum(ReadOnlySpan<char> head, Span<char> digits)
    {
        var value = Crc32(head);
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            digits[i] = Alphabet[(int)(value % 62)];
            value /= 62;
        }
    }

    /// <summary>Big-endian bytes as a base62 number, left-padded with zeros to a fixed width.</summary>
    private static string Base62(byte[] bytes, int width)
    {
        var value = new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
        var digits = new char[width];
        for (var i = width - 1; i >= 0; i--)
        {
            digits[i] = Alphabet[(int)(value % 62)];
            value /= 62;
        }
        return new string(digits);
    }

    /// <summary>CRC-32 (IEEE) of ASCII characters (callers pass only checked ASCII, so each char is its byte).</summary>
    private static uint Crc32(ReadOnlySpan<char> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var c in data)
        {
            crc ^= (byte)c;
            for (var bit = 0; bit < 8; bit++) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
        }
        return ~crc;
    }
}
