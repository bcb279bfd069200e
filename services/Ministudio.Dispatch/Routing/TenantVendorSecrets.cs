using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;
using Ministudio.Contracts;
using Ministudio.Dispatch.Providers;

namespace Ministudio.Dispatch.Routing;

/// <summary>How long dispatch keeps a tenant's own vendor secrets in memory (<c>Dispatch:TenantSecrets</c>).</summary>
public sealed class TenantSecretsOptions
{
    public const string Section = "Dispatch:TenantSecrets";

    /// <summary>
    /// A change announced by prompt (<c>TenantProviderSecretChanged</c>) drops the copy at once; this bounds how long a
    /// missed announcement could keep a removed secret in use.
    /// </summary>
    public TimeSpan CacheFor { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Tenants' own vendor credentials (BYOK). Prompt keeps them encrypted and hands them only to dispatch, over a signed
/// internal call; they are held here in memory for <see cref="TenantSecretsOptions.CacheFor"/>, never written down and
/// never put on the bus. When prompt cannot be asked, a shot fails with a retryable code rather than being paid for
/// with the platform's key by mistake.
/// </summary>
public sealed class TenantVendorSecrets(IHttpClientFactory clients, IOptions<TenantSecretsOptions> options, TimeProvider time, ILogger<TenantVendorSecrets> logger)
{
    public const string ErrorCode = "byok.unavailable";
    public const string ClientName = "tenant-secrets";

    private static readonly IReadOnlyDictionary<string, TenantSecret> None = new Dictionary<string, TenantSecret>();
    private readonly ConcurrentDictionary<Guid, (DateTimeOffset Until, IReadOnlyDictionary<string, TenantSecret> Secrets)> _cache = new();

    /// <summary>The vendors the tenant pays itself, with their secrets; empty for a tenant without any.</summary>
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
            throw new ProviderException(ErrorCode, "The tenant's own vendor keys could not be read just now; the shot is tried again.", retryable: true, ex);
        }
        var secrets = (answer ?? new Dictionary<string, string>()).ToDictionary(pair => pair.Key, pair => new TenantSecret(pair.Value), StringComparer.Ordinal);
        _cache[tenantId] = (now + options.Value.CacheFor, secrets);
        return secrets;
    }

    /// <summary>Drops the copy of a tenant's secrets, so the next shot reads them from prompt again.</summary>
    public void Forget(Guid tenantId) => _cache.TryRemove(tenantId, out _);
}
