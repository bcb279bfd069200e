using System.Net;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Ministudio.Gateway.Authentication;
using Ministudio.Platform;
using Ministudio.ServiceDefaults;

namespace Ministudio.Bench.Micro;

/// <summary>The gateway's per-request key work: the local format and checksum check, and a cached key → tenant lookup.</summary>
[MemoryDiagnoser]
public class ApiKeyBenchmarks
{
    private readonly string _key = ApiKeys.Generate(ApiKeys.Live);
    private ApiKeyResolver _resolver = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        // prompt's answer to the one lookup the cache lets through.
        var answer = new Answer("""{"id":"6f1c8a52-0a8e-4a0e-9a36-3d1d35f1b001","name":"bench","rateLimitPerMinute":600}""");
        _resolver = new ApiKeyResolver(new OneClient(answer),
            new MemoryCache(new MemoryCacheOptions()), Options.Create(new ApiKeyCacheOptions { KnownKeyLifetime = TimeSpan.FromMinutes(1) }));
        await _resolver.ResolveAsync(_key, CancellationToken.None);
    }

    [Benchmark]
    public bool KeyFormatAndChecksum() => ApiKeys.IsWellFormed(_key);

    [Benchmark]
    public ValueTask<TenantIdentity?> CachedKeyResolution() => _resolver.ResolveAsync(_key, CancellationToken.None);

    private sealed class OneClient(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false) { BaseAddress = new Uri("http://prompt") };
    }

    private sealed class Answer(string json) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") });
    }
}
