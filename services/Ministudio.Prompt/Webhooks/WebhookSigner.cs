using System.Security.Cryptography;
using System.Text;

namespace Ministudio.Prompt.Webhooks;

/// <summary>
/// Standard Webhooks signing: HMAC-SHA256 over "{webhook-id}.{webhook-timestamp}.{body}" keyed with the base64-decoded
/// part of a "whsec_" secret, sent as space-separated "v1,&lt;base64&gt;" entries (one per secret during a rotation).
/// </summary>
public static class WebhookSigner
{
    public const string SecretPrefix = "whsec_";

    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static string Sign(string messageId, long timestamp, string body, IEnumerable<string> secrets) =>
        string.Join(' ', secrets.Select(secret =>
            "v1," + Convert.ToBase64String(HMACSHA256.HashData(
                Convert.FromBase64String(secret[SecretPrefix.Length..]),
                Encoding.UTF8.GetBytes($"{messageId}.{timestamp}.{body}")))));
}
