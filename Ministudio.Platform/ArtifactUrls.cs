using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Ministudio.Platform.Trust;

namespace Ministudio.Platform;

/// <summary>
/// Signed, expiring URLs of single artifacts, served through the gateway at <c>/artifacts/{hash}</c> without an API
/// key: the HMAC-SHA256 of the hash and the expiry, keyed by a key derived from the services' shared trust key (so a
/// rotation of that key rotates these too, with its previous key still accepted). For vendors that fetch inputs from
/// a URL (Luma's keyframes); nothing else about the store is reachable this way.
/// </summary>
public sealed class ArtifactUrls(IOptions<ArtifactOptions> artifacts, IOptions<ServiceTrustOptions> trust, PublicUrls publicUrls, TimeProvider time)
{
    /// <summary>Whether URLs can be made: a vendor fetches from outside, so only a configured public address will do.</summary>
    public bool CanSign => publicUrls.ConfiguredBase is not null;

    public const string RoutePrefix = "/artifacts";

    public enum Check { Valid, Invalid, Expired }

    /// <summary>A URL a vendor can fetch the artifact from, served as <paramref name="mediaType"/>, until the lifetime runs out.</summary>
    /// <exception cref="InvalidOperationException">No <see cref="PublicUrlOptions.BaseUrl"/> is set.</exception>
    public Uri For(string hash, string mediaType)
    {
        if (!ArtifactStore.IsHash(hash)) throw new ArgumentException($"'{hash}' is not a SHA-256 artifact hash.", nameof(hash));
        var baseUrl = publicUrls.ConfiguredBase
            ?? throw new InvalidOperationException($"Set {PublicUrlOptions.BaseUrlKey} to where the gateway is reachable from outside.");
        var expires = (time.GetUtcNow() + artifacts.Value.SignedUrlLifetime).ToUnixTimeSeconds();
        return new Uri($"{baseUrl}{RoutePrefix}/{hash}?type={Uri.EscapeDataString(mediaType)}&expires={expires}"
            + $"&signature={Signature(trust.Value.SigningKey, hash, mediaType, expires)}");
    }

    /// <summary>Whether a URL's hash, media type, expiry and signature were signed here and are still current.</summary>
    public Check Verify(string hash, string? mediaType, string? expires, string? signature)
    {
        if (!ArtifactStore.IsHash(hash) || mediaType is null || !long.TryParse(expires, out var at) || string.IsNullOrEmpty(signature)) return Check.Invalid;
        var keys = new[] { trust.Value.SigningKey, trust.Value.PreviousKey }.OfType<string>().Where(k => k.Length > 0);
        if (!keys.Any(key => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Signature(key, hash, mediaType, at)), Encoding.ASCII.GetBytes(signature))))
            return Check.Invalid;
        return time.GetUtcNow().ToUnixTimeSeconds() > at ? Check.Expired : Check.Valid;
    }

    private static string Signature(string trustKey, string hash, string mediaType, long expires)
    {
        if (trustKey.Length < ServiceTrustOptions.MinimumKeyLength)
            throw new InvalidOperationException($"{ServiceTrustOptions.SigningKeyKey} is required to sign artifact URLs.");
        // A key of its own, derived from the trust key: an artifact signature can never pass for a service assertion.
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes(trustKey), "ministudio artifact url v1"u8);
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{hash}\n{mediaType}\n{expires}"));
        return Convert.ToBase64String(mac).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
