using Microsoft.Extensions.Caching.Memory;

namespace Ministudio.Gateway.Authentication;

/// <summary>A key's tenant; RateLimitPerMinute comes from the tenant's plan when it has one.</summary>
public sealed record TenantIdentity(Guid Id, string Name, int? RateLimitPerMinute = null);

/// <summary>
/// Resolves API keys to tenants through prompt's internal endpoint, caching answers briefly so a burst of requests
/// costs one lookup while a revoked key stops working within the cache lifetime.
/// </summary>
public sealed class ApiKeyResolver(HttpClient prompt, IMemoryCache cache)
{
    public static readonly TimeSpan KnownKeyLifetime = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan UnknownKeyLifetime = TimeSpan.FromSeconds(5);

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

        cache.Set(cacheKey, tenant, tenant is null ? UnknownKeyLifetime : KnownKeyLifetime);
        return tenant;
    }
}
