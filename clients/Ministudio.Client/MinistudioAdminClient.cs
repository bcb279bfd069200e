using System.Globalization;
using System.Text.Json;

namespace Ministudio.Client;

/// <summary>The operator's API (<c>/admin/v1</c>) with the admin key: tenants (export, erasure), their keys and vendor keys, plans, the audit log, vendors.</summary>
public sealed class MinistudioAdminClient : IDisposable
{
    private readonly ApiTransport _api;
    private readonly HttpClient? _owned;

    public MinistudioAdminClient(HttpClient http, MinistudioClientOptions options)
    {
        http.BaseAddress = MinistudioClient.WithTrailingSlash(options.BaseAddress);
        _api = new ApiTransport(http, options);
    }

    public MinistudioAdminClient(MinistudioClientOptions options) : this(new HttpClient(), options) => _owned = _api.Http;

    public void Dispose() => _owned?.Dispose();

    public Task<IReadOnlyList<Tenant>> ListTenantsAsync(CancellationToken ct = default) =>
        _api.SendAsync<IReadOnlyList<Tenant>>(() => ApiTransport.Request(HttpMethod.Get, "admin/v1/tenants"), ct);

    public Task<Tenant> GetTenantAsync(Guid id, CancellationToken ct = default) =>
        _api.SendAsync<Tenant>(() => ApiTransport.Request(HttpMethod.Get, $"admin/v1/tenants/{id}"), ct);

    /// <summary>Everything stored for a tenant (every table as JSON, the files its rows name) as a zip, saved to <paramref name="path"/>.</summary>
    public async Task<string> ExportTenantAsync(Guid tenant, string path, CancellationToken ct = default)
    {
        using var response = await _api.SendAsync(() => ApiTransport.Request(HttpMethod.Get, $"admin/v1/tenants/{tenant}/export"), ct, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        await using var target = new FileStream(path, FileMode.Create, FileAccess.Write);
        await response.Content.CopyToAsync(target, ct).ConfigureAwait(false);
        return path;
    }

    /// <summary>Erases a tenant for good: its rows, its unfinished jobs (cancelled), the files no other tenant names.</summary>
    public Task<TenantErasure> EraseTenantAsync(Guid tenant, CancellationToken ct = default) =>
        _api.SendAsync<TenantErasure>(() => ApiTransport.Request(HttpMethod.Delete, $"admin/v1/tenants/{tenant}"), ct);

    /// <summary>The latest operator actions, newest first (<paramref name="limit"/> default 100).</summary>
    public Task<IReadOnlyList<AuditEntry>> ListAuditAsync(int? limit = null, CancellationToken ct = default) =>
        _api.SendAsync<IReadOnlyList<AuditEntry>>(() => ApiTransport.Request(HttpMethod.Get, "admin/v1/audit" + (limit is { } n ? $"?limit={n.ToString(CultureInfo.InvariantCulture)}" : "")), ct);

    /// <summary>Every vendor's models and what they can make (JSON as the API gives it).</summary>
    public Task<JsonElement> ListVendorsAsync(CancellationToken ct = default) =>
        _api.SendAsync<JsonElement>(() => ApiTransport.Request(HttpMethod.Get, "admin/v1/vendors"), ct);

    public Task<Tenant> CreateTenantAsync(string name, string? plan = null, CancellationToken ct = default) =>
        _api.SendAsync<Tenant>(() => ApiTransport.Request(HttpMethod.Post, "admin/v1/tenants", ApiTransport.JsonContent(new { name, plan })), ct);

    public Task<Tenant> AssignPlanAsync(Guid tenant, string plan, CancellationToken ct = default) =>
        _api.SendAsync<Tenant>(() => ApiTransport.Request(HttpMethod.Put, $"admin/v1/tenants/{tenant}/plan", ApiTransport.JsonContent(new { plan })), ct);

    /// <summary>A new key for the tenant (type <c>live</c> or <c>test</c>); its secret is in the answer only.</summary>
    public Task<CreatedApiKey> CreateKeyAsync(Guid tenant, string? name = null, string? type = null, DateTimeOffset? expiresAt = null, CancellationToken ct = default) =>
        _api.SendAsync<CreatedApiKey>(() => ApiTransport.Request(HttpMethod.Post, $"admin/v1/tenants/{tenant}/keys", ApiTransport.JsonContent(new { name, type, expiresAt })), ct);

    public Task<IReadOnlyList<ApiKey>> ListKeysAsync(Guid tenant, CancellationToken ct = default) =>
        _api.SendAsync<IReadOnlyList<ApiKey>>(() => ApiTransport.Request(HttpMethod.Get, $"admin/v1/tenants/{tenant}/keys"), ct);

    public async Task RevokeKeyAsync(Guid tenant, Guid key, CancellationToken ct = default)
    {
        using var _ = await _api.SendAsync(() => ApiTransport.Request(HttpMethod.Delete, $"admin/v1/tenants/{tenant}/keys/{key}"), ct).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<Plan>> ListPlansAsync(CancellationToken ct = default) =>
        _api.SendAsync<IReadOnlyList<Plan>>(() => ApiTransport.Request(HttpMethod.Get, "admin/v1/plans"), ct);

    /// <summary>
    /// Creates or replaces a plan; null limits mean none. <paramref name="retentionDays"/>: how long films and clips no
    /// unfinished job names are kept (null: forever). <paramref name="platformKeyFallback"/>: a shot whose tenant key a
    /// vendor refuses is made with the platform's key instead of failing with <c>byok.key_rejected</c>.
    /// </summary>
    public Task<Plan> UpsertPlanAsync(string name, int? rateLimitPerMinute = null, int? concurrentJobs = null, decimal? monthlyBudgetUsd = null,
        IReadOnlyList<string>? allowedProviders = null, int? retentionDays = null, bool platformKeyFallback = false, CancellationToken ct = default) =>
        _api.SendAsync<Plan>(() => ApiTransport.Request(HttpMethod.Put, $"admin/v1/plans/{Uri.EscapeDataString(name)}",
            ApiTransport.JsonContent(new { rateLimitPerMinute, concurrentJobs, monthlyBudgetUsd, allowedProviders, retentionDays, platformKeyFallback })), ct);

    /// <summary>Stores the tenant's own key for a vendor (BYOK): its shots there are paid with it, outside the platform budget.</summary>
    public async Task SetProviderSecretAsync(Guid tenant, string vendor, string secret, CancellationToken ct = default)
    {
        using var _ = await _api.SendAsync(() => ApiTransport.Request(HttpMethod.Put, $"admin/v1/tenants/{tenant}/provider-secrets/{Uri.EscapeDataString(vendor)}",
            ApiTransport.JsonContent(new { secret })), ct).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<ProviderSecret>> ListProviderSecretsAsync(Guid tenant, CancellationToken ct = default) =>
        _api.SendAsync<IReadOnlyList<ProviderSecret>>(() => ApiTransport.Request(HttpMethod.Get, $"admin/v1/tenants/{tenant}/provider-secrets"), ct);

    public async Task RemoveProviderSecretAsync(Guid tenant, string vendor, CancellationToken ct = default)
    {
        using var _ = await _api.SendAsync(() => ApiTransport.Request(HttpMethod.Delete, $"admin/v1/tenants/{tenant}/provider-secrets/{Uri.EscapeDataString(vendor)}"), ct).ConfigureAwait(false);
    }
}
