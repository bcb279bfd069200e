using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Ministudio.Platform;
using Ministudio.ServiceDefaults;

namespace Ministudio.Gateway.Authentication;

/// <summary>A key's tenant; RateLimitPerMinute comes from the tenant's plan when it has one.</summary>
public sealed record TenantIdentity(Guid Id, string Name, int? RateLimitPerMinute = null)
{
    /// <summary>The key's display prefix (never the key), named in the signed assertion for audit.</summary>
    [JsonIgnore]
    public string KeyPrefix { get; init; } = "";
}

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
/// costs one lookup while a revoked key stops working within the cache lifetime. Concurrent requests with a key that
/// is not cached (a first use, or every cache lifetime for a busy key) share one lookup. A singleton: the cached path
/// builds nothing per request; the HTTP client to prompt is created only for a lookup.
/// </summary>
public sealed class ApiKeyResolver(IHttpClientFactory clients, IMemoryCache cache, IOptions<ApiKeyCacheOptions> options)
{
    public const string PromptClient = "prompt-keys";

    private sealed record ResolveKeyRequest(string Key);

    private readonly ConcurrentDictionary<string, Lazy<Task<TenantIdentity?>>> _lookups = new(StringComparer.Ordinal);

    public ValueTask<TenantIdentity?> ResolveAsync(string key, CancellationToken ct)
    {
        var cacheKey = $"api-key:{key}";
        return cache.TryGetValue(cacheKey, out TenantIdentity? cached) ? ValueTask.FromResult(cached) : LookUpOnceAsync(key, cacheKey, ct);
    }

    private async ValueTask<TenantIdentity?> LookUpOnceAsync(string key, string cacheKey, CancellationToken ct)
    {
        var lookup = _lookups.GetOrAdd(key, k => new Lazy<Task<TenantIdentity?>>(() => LookUpAsync(k, cacheKey)));
        try
        {
            return await lookup.Value.WaitAsync(ct);
        }
        finally
        {
            if (lookup.Value.IsCompleted) _lookups.TryRemove(new KeyValuePair<string, Lazy<Task<TenantIdentity?>>>(key, lookup));
        }
    }

    /// <summary>One lookup on behalf of every waiting request, so it is not tied to (or canceled with) any one of them.</summary>
    private async Task<TenantIdentity?> LookUpAsync(string key, string cacheKey)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var prompt = clients.CreateClient(PromptClient);
        using var response = await prompt.PostAsJsonAsync("/internal/keys/resolve", new ResolveKeyRequest(key), timeout.Token);
        TenantIdentity? tenant = null;
        if (response.IsSuccessStatusCode)
            tenant = await response.Content.ReadFromJsonAsync<TenantIdentity>(timeout.Token) is { } found
                ? found with { KeyPrefix = ApiKeys.DisplayPrefixOf(key) }
                : null;
        else if (response.StatusCode != System.Net.HttpStatusCode.NotFound)
            response.EnsureSuccessStatusCode();

        cache.Set(cacheKey, tenant, tenant is null ? options.Value.UnknownKeyLifetime : options.Value.KnownKeyLifetime);
        return tenant;
    }
}
