using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ministudio.Dispatch.Providers.Vendors.Veo;

/// <summary>The fields of a Google service-account key file that the JWT bearer grant needs.</summary>
public sealed record ServiceAccountKey(
    [property: JsonPropertyName("project_id")] string? ProjectId,
    [property: JsonPropertyName("private_key_id")] string? PrivateKeyId,
    [property: JsonPropertyName("private_key")] string PrivateKey,
    [property: JsonPropertyName("client_email")] string ClientEmail,
    [property: JsonPropertyName("token_uri")] string? TokenUri)
{
    public Uri TokenEndpoint => new(TokenUri ?? "https://oauth2.googleapis.com/token");

    public static ServiceAccountKey Parse(string json) =>
        JsonSerializer.Deserialize<ServiceAccountKey>(json, VendorCalls.Json) is { PrivateKey.Length: > 0, ClientEmail.Length: > 0 } key
            ? key
            : throw new ProviderException(ProviderErrors.Unauthorized, "The Veo service-account key lacks private_key or client_email.", retryable: false);
}

/// <summary>
/// OAuth2 access tokens for a service account by the JWT bearer grant (RFC 7523): an RS256-signed assertion is
/// exchanged at the key's token URI. A token is reused until five minutes before it expires, so a busy dispatch
/// instance asks Google once an hour, not once a shot.
/// </summary>
public sealed class ServiceAccountTokens(ServiceAccountKey key, HttpClient client, TimeProvider time)
{
    public const string CloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform";
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan AssertionLifetime = TimeSpan.FromHours(1);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _token;
    private DateTimeOffset _expires;

    public async Task<string> GetAsync(CancellationToken ct)
    {
        if (_token is { } cached && time.GetUtcNow() < _expires - RefreshMargin) return cached;
        await _gate.WaitAsync(ct);
        try
        {
            if (_token is { } fresh && time.GetUtcNow() < _expires - RefreshMargin) return fresh;
            var now = time.GetUtcNow();
            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "urn:ietf:params:oauth:grant-type:jwt-bearer",
                ["assertion"] = Assertion(now),
            });
            using var response = await client.PostAsync(key.TokenEndpoint, form, ct);
            var token = await VendorCalls.ReadJsonAsync<TokenResponse>(response, "veo token endpoint", ct, ClassifyTokenError);
            _token = token.AccessToken;
            _expires = now + TimeSpan.FromSeconds(token.ExpiresIn);
            return _token;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>header.claims.signature, each base64url; the signature is RSASSA-PKCS1-v1_5 with SHA-256 (RS256).</summary>
    private string Assertion(DateTimeOffset now)
    {
        var header = new Dictionary<string, string> { ["alg"] = "RS256", ["typ"] = "JWT" };
        if (key.PrivateKeyId is { Length: > 0 } keyId) header["kid"] = keyId;
        var claims = new Dictionary<string, object>
        {
            ["iss"] = key.ClientEmail,
            ["scope"] = CloudPlatformScope,
            ["aud"] = key.TokenEndpoint.ToString(),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = (now + AssertionLifetime).ToUnixTimeSeconds(),
        };
        var signingInput = $"{Base64Url(JsonSerializer.SerializeToUtf8Bytes(header))}.{Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims))}";
        using var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(key.PrivateKey);
        }
        catch (ArgumentException ex)
        {
            throw new ProviderException(ProviderErrors.Unauthorized, "The Veo service-account private_key is not a PEM RSA key.", retryable: false, ex);
        }
        var signature = rsa.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{signingInput}.{Base64Url(signature)}";
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>invalid_grant and friends mean the key is wrong or revoked: no retry will fix that.</summary>
    private static ProviderException? ClassifyTokenError(HttpStatusCode status, string body) =>
        status is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized
            ? new ProviderException(ProviderErrors.Unauthorized, $"Google refused the service-account assertion: {VendorResponses.Shorten(body)}", retryable: false)
            : null;

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);
}
