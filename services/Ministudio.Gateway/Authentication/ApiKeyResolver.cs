using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Ministudio.Gateway.Authentication;

/// <summary>A key's tenant; RateLimitPerMinute comes from the tenant's plan when it has one.</summary>
public sealed record TenantIdentity(Guid Id, string Name, int? RateLimitPerMinute = null);

/// <summary>How long key lookups are remembered; a revoked or expired key keeps working at most this long.</summary>
public sealed class ApiKeyCacheOptions
{
    public const string Section = "Authentication:KeyCache";
    public static readonly TimeSpan MaxKnownKeyLifetime = TimeSpan.FromSeconds(60);

    public TimeSpan KnownKeyLifetime { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan UnknownKeyLifetime { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Resolves API keys to tenants through prompt's internal endpoint, caching answers briefly so a burst of requests
/// costs one lookup while a revoked key stops working within the cache lifetime.
/// </summary>
public sealed class ApiKeyResolver(HttpClient prompt, IMemoryCache cache, IOptions<ApiKeyCacheOptions> options)
{
    private sealed record ResolveKeyRequest(string Key);

    public async Task<TenantIdentity?> ResolveAsync(string key, CancellationToken ct)
    {
        var cacheKey = $"api-key:{key}";
        if (cache.TryGetValue(cacheKey, out TenantIdentity? cached)) return cached;

        using var response = await prompt.PostAsJsonAsync("/internal/keys/resolve", new ResolveKeyRequest(key), ct);
        TenantIdentity? tenant = null;
        if (response.IsSuccessStatusCode)
            tenant = await response.Content.ReadFromJsonAsync<TenantIdentity>(ct);
        else if (response.StatusCode != System.Net.HttpStatusCode.NotFound)
            response.EnsureSuccessStatusCode();

        cache.Set(cacheKey, tenant, tenant is null ? options.Value.UnknownKeyLifetime : options.Value.KnownKeyLifetime);
        return tenant;
    }
}
