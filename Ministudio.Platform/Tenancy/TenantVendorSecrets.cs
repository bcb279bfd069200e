using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Ministudio.Contracts;

namespace Ministudio.Platform.Tenancy;

/// <summary>How long a service keeps a tenant's own vendor secrets in memory (<c>TenantSecrets</c>).</summary>
public sealed class TenantSecretsOptions
{
    public const string Section = "TenantSecrets";

    /// <summary>
    /// A change announced by prompt (<c>TenantProviderSecretChanged</c>) drops the copy at once; this bounds how long a
    /// missed announcement could keep a removed secret in use.
    /// </summary>
    public TimeSpan CacheFor { get; set; } = TimeSpan.FromSeconds(30);

    public bool IsValid => CacheFor > TimeSpan.Zero && CacheFor <= TimeSpan.FromMinutes(10);
}

/// <summary>A tenant's own vendor credential; never printed, so a logged record holding one cannot leak it.</summary>
public sealed class TenantSecret(string value)
{
    public string Value { get; } = value;

    public override string ToString() => "***";
}

/// <summary>Prompt could not be asked for a tenant's own vendor keys; the work is tried again rather than paid with the platform's key.</summary>
public sealed class TenantSecretsUnavailableException(Guid tenantId, Exception inner)
    : Exception($"The vendor keys of tenant {tenantId} could not be read from prompt.", inner);

/// <summary>
/// Tenants' own vendor credentials (BYOK), for the services that pay vendors (dispatch for video, compose for speech).
/// Prompt keeps them encrypted and hands them out only over a signed internal call; they are held here in memory for
/// <see cref="TenantSecretsOptions.CacheFor"/>, never written down and never put on the bus. When prompt cannot be
/// asked, <see cref="OfAsync"/> throws <see cref="TenantSecretsUnavailableException"/>: the caller fails its work with a
/// retryable code rather than paying with the platform's key by mistake.
/// </summary>
public sealed class TenantVendorSecrets(IHttpClientFactory clients, IOptions<TenantSecretsOptions> options, TimeProvider time, ILogger<TenantVendorSecrets> logger)
{
    /// <summary>The code of work that failed because the tenant's keys could not be read (retryable).</summary>
    public const string ErrorCode = "byok.unavailable";
    public const string ClientName = "tenant-secrets";

    private static readonly IReadOnlyDictionary<string, TenantSecret> None = new Dictionary<string, TenantSecret>();
    private readonly ConcurrentDictionary<Guid, (DateTimeOffset Until, IReadOnlyDictionary<string, TenantSecret> Secrets)> _cache = new();

    /// <summary>The vendors the tenant pays itself, with their secrets; empty for a tenant without any (and for no tenant).</summary>
    public async Task<IReadOnlyDictionary<string, TenantSecret>> OfAsync(Guid tenantId, CancellationToken ct)
    {
        if (tenantId == Guid.Empty) return None;
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(tenantId, out var cached) && cached.Until > now) return cached.Secrets;

        IReadOnlyDictionary<string, string>? answer;
        try
        {
            using var response = await clients.CreateClient(ClientName).GetAsync($"/internal/tenants/{tenantId}/provider-secrets", ct);
            answer = response.StatusCode == HttpStatusCode.NotFound
                ? null
                : (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<TenantProviderSecrets>(ct))?.Secrets;
        }
        catch (Exception ex) when (ex is HttpRequestException or System.Text.Json.JsonException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            logger.LogWarning(ex, "Could not read the vendor secrets of tenant {TenantId} from prompt", tenantId);
            throw new TenantSecretsUnavailableException(tenantId, ex);
        }
        var secrets = (answer ?? new Dictionary<string, string>()).ToDictionary(pair => pair.Key, pair => new TenantSecret(pair.Value), StringComparer.Ordinal);
        _cache[tenantId] = (now + options.Value.CacheFor, secrets);
        return secrets;
    }

    /// <summary>Drops the copy of a tenant's secrets, so the next use reads them from prompt again.</summary>
    public void Forget(Guid tenantId) => _cache.TryRemove(tenantId, out _);
}
