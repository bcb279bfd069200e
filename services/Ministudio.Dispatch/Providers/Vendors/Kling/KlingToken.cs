using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Ministudio.Dispatch.Providers.Vendors.Kling;

/// <summary>
/// Kling's bearer token: a JWT signed HS256 with the secret key, issued by the access key, valid from a few seconds
/// ago (clock skew) until the lifetime ends.
/// </summary>
public static class KlingToken
{
    private static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(5);

    public static string Create(string accessKey, string secretKey, DateTimeOffset now, TimeSpan lifetime)
    {
        var header = Base64Url("""{"alg":"HS256","typ":"JWT"}"""u8);
        var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["iss"] = accessKey,
            ["exp"] = (now + lifetime).ToUnixTimeSeconds(),
            ["nbf"] = (now - ClockSkew).ToUnixTimeSeconds(),
        }));
        var signature = Base64Url(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secretKey), Encoding.ASCII.GetBytes($"{header}.{payload}")));
        return $"{header}.{payload}.{signature}";
    }

    public static string Base64Url(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
