namespace Ministudio.Dispatch.Providers.Vendors.Kling;

/// <summary>Kling settings (<c>Dispatch:Vendors:kling</c>): ApiKey is the access key, SecretKey signs the tokens.</summary>
public sealed class KlingOptions : VendorOptions
{
    public string? SecretKey { get; set; }

    /// <summary>"std" or "pro": Kling's quality/price tier.</summary>
    public string Mode { get; set; } = "std";

    /// <summary>How closely Kling follows the prompt (0–1); sent only to models the catalogue marks as taking it (v1.x).</summary>
    public double CfgScale { get; set; } = 0.5;

    /// <summary>How long a signed token is valid; a new one is signed per request.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(30);

    public override bool IsConfigured => base.IsConfigured && !string.IsNullOrWhiteSpace(SecretKey);
}

/// <summary>
/// The key pair a Kling call is signed with: the platform's (ApiKey + SecretKey), or a tenant's own, stored as one
/// secret "accessKey:secretKey".
/// </summary>
public sealed record KlingKeys(string AccessKey, string SecretKey)
{
    public static KlingKeys Of(KlingOptions options, ShotJob shot)
    {
        if (shot.TenantSecret is null) return new(options.ApiKey ?? "", options.SecretKey ?? "");
        var parts = shot.TenantSecret.Value.Split(':', 2, StringSplitOptions.TrimEntries);
        return parts is [{ Length: > 0 } access, { Length: > 0 } secret]
            ? new(access, secret)
            : throw new ProviderException(ProviderErrors.Unauthorized, "The tenant's kling secret is not of the form accessKey:secretKey.", retryable: false);
    }

    public override string ToString() => $"KlingKeys {{ AccessKey = {AccessKey}, SecretKey = *** }}";
}
