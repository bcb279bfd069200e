using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Ministudio.Contracts;
using Ministudio.Platform.Tenancy;

namespace Ministudio.TestSupport;

/// <summary>
/// prompt's internal route for tenants' own vendor keys (GET /internal/tenants/{id}/provider-secrets), as dispatch
/// and compose call it, answering from what the test stored; prompt's side of the route is tested in Ministudio.Prompt.Tests.
/// </summary>
public sealed class PromptSecrets : HttpMessageHandler, IHttpClientFactory
{
    private int _calls;

    public ConcurrentDictionary<Guid, Dictionary<string, string>> Stored { get; } = new();
    public int Calls => _calls;

    /// <summary>While set, prompt cannot be reached.</summary>
    public bool Down { get; set; }

    public TenantVendorSecrets Reader(TimeSpan? cacheFor = null) =>
        new(this, Options.Create(new TenantSecretsOptions { CacheFor = cacheFor ?? TimeSpan.FromMinutes(1) }), TimeProvider.System, NullLogger<TenantVendorSecrets>.Instance);

    public HttpClient CreateClient(string name) => new(this, disposeHandler: false) { BaseAddress = new Uri("http://prompt") };

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        if (Down) throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (prompt:80)");
        var tenant = Guid.Parse(request.RequestUri!.Segments[3].TrimEnd('/'));
        var secrets = Stored.TryGetValue(tenant, out var stored) ? stored : [];
        return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = JsonContent.Create(new TenantProviderSecrets(secrets)) });
    }
}
