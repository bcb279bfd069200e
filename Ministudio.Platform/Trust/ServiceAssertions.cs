using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace Ministudio.Platform.Trust;

/// <summary>
/// Mints and verifies signed service assertions: <c>v1.{key id}.{payload}.{signature}</c>, where the payload is the
/// base64url JSON of a <see cref="ServiceAssertion"/> and the signature is HMAC-SHA256 over everything before it with
/// the shared <see cref="ServiceTrustOptions.SigningKey"/>. The key id (a hash prefix of the key, never the key) picks
/// the current or the previous key, so a rotation never refuses a request in flight.
/// </summary>
public sealed class ServiceAssertions
{
    private const string Version = "v1";

    private readonly TimeProvider _time;
    private readonly TimeSpan _lifetime;
    private readonly TimeSpan _skew;
    private readonly SigningKey _signing;
    private readonly SigningKey? _previous;

    public ServiceAssertions(IOptions<ServiceTrustOptions> options, TimeProvider time)
    {
        var settings = options.Value;
        _time = time;
        _lifetime = settings.Lifetime;
        _skew = settings.ClockSkew;
        _signing = new SigningKey(settings.SigningKey);
        _previous = string.IsNullOrEmpty(settings.PreviousKey) ? null : new SigningKey(settings.PreviousKey);
    }

    public string Mint(string service, Guid? tenantId = null, string? apiKeyId = null, string? requestId = null)
    {
        var claims = new Claims(service, tenantId, apiKeyId, requestId, (_time.GetUtcNow() + _lifetime).ToUnixTimeSeconds());
        var payload = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(claims, ClaimsJson.Default.Claims));
        var signed = $"{Version}.{_signing.Id}.{payload}";
        return $"{signed}.{_signing.Sign(signed)}";
    }

    /// <summary>The assertion, when <paramref name="value"/> is well formed, signed with a current key and not expired.</summary>
    public bool TryVerify(string? value, out ServiceAssertion? assertion)
    {
        assertion = null;
        if (string.IsNullOrEmpty(value)) return false;
        var parts = value.Split('.');
        if (parts is not [Version, var keyId, var payload, var signature]) return false;
        var key = keyId == _signing.Id ? _signing : keyId == _previous?.Id ? _previous : null;
        if (key is null || !key.Verifies($"{Version}.{keyId}.{payload}", signature)) return false;

        Claims? claims;
        try
        {
            claims = JsonSerializer.Deserialize(Base64Url.DecodeFromChars(payload), ClaimsJson.Default.Claims);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return false; // signed by us, so only a bug could get here; still refused, never thrown
        }
        if (claims is null || string.IsNullOrEmpty(claims.Service)) return false;
        var expires = DateTimeOffset.FromUnixTimeSeconds(claims.ExpiresAt);
        if (_time.GetUtcNow() > expires + _skew) return false;
        assertion = new ServiceAssertion(claims.Service, claims.TenantId, claims.ApiKeyId, claims.RequestId, expires);
        return true;
    }

    private sealed class SigningKey(string secret)
    {

        // A one-shot HMAC builds a new OpenSSL MAC context per call (libcrypto was 4 % of the gateway's CPU per
        // forwarded request); a context per thread, reset after each use, keeps the key schedule.
        private readonly ThreadLocal<IncrementalHash> _hmac = new(() => IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret)));

        public string Id { get; } = Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)).AsSpan(0, 6));

        public string Sign(string signed)
        {
            Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
            Compute(signed, mac);
            return Base64Url.EncodeToString(mac);
        }

        public bool Verifies(string signed, string signature)
        {
            Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
            Compute(signed, expected);
            Span<byte> given = stackalloc byte[HMACSHA256.HashSizeInBytes + 3];
            return Base64Url.TryDecodeFromChars(signature, given, out var written)
                   && written == expected.Length
                   && CryptographicOperations.FixedTimeEquals(expected, given[..written]);
        }

        private void Compute(string signed, Span<byte> mac)
        {
            var length = Encoding.ASCII.GetMaxByteCount(signed.Length);
            var rented = length > 1024 ? ArrayPool<byte>.Shared.Rent(length) : null;
            Span<byte> bytes = rented ?? stackalloc byte[1024];
            try
            {
                var hmac = _hmac.Value!;
                hmac.AppendData(bytes[..Encoding.ASCII.GetBytes(signed, bytes)]);
                hmac.GetHashAndReset(mac);
            }
            finally
            {
                if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    internal sealed record Claims(
        [property: JsonPropertyName("s")] string Service,
        [property: JsonPropertyName("t")] Guid? TenantId,
        [property: JsonPropertyName("k")] string? ApiKeyId,
        [property: JsonPropertyName("r")] string? RequestId,
        [property: JsonPropertyName("e")] long ExpiresAt);
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ServiceAssertions.Claims))]
internal sealed partial class ClaimsJson : JsonSerializerContext;
