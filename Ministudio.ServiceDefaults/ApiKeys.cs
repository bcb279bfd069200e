using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace Ministudio.ServiceDefaults;

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
    public static readonly IReadOnlyList<string> Types = [Live, Test, Development];

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

    /// <summary>The key has a known type, the right length, base62 characters only, and a matching checksum.</summary>
    public static bool IsWellFormed(string? key)
    {
        if (key is null) return false;
        var type = Types.FirstOrDefault(t => key.StartsWith($"ms_{t}_", StringComparison.Ordinal));
        if (type is null) return false;
        var prefixLength = type.Length + 4;
        if (key.Length != prefixLength + SecretLength + ChecksumLength) return false;
        if (key.AsSpan(prefixLength).ContainsAnyExcept(Base62Characters)) return false;
        var head = key[..^ChecksumLength];
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Checksum(head)), Encoding.ASCII.GetBytes(key[^ChecksumLength..]));
    }

    /// <summary>What may be shown and stored in clear: the type and the first few secret characters.</summary>
    public static string DisplayPrefixOf(string key)
    {
        var typeEnd = key.IndexOf('_', 3);
        return typeEnd < 0 ? key[..Math.Min(key.Length, 8)] : key[..Math.Min(key.Length, typeEnd + 1 + DisplaySecretCharacters)];
    }

    private static string Checksum(string head)
    {
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(Encoding.ASCII.GetBytes(head)));
        return Base62(crc, ChecksumLength);
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

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
        }
        return ~crc;
    }
}
