using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Ministudio.Contracts;
using Ministudio.Dispatch.Caching;
using Ministudio.Dispatch.Leases;
using Ministudio.Dispatch.Providers;
using Ministudio.Dispatch.Routing;
using Ministudio.Platform;
using Ministudio.ServiceDefaults;
using Ministudio.TestSupport;
using StackExchange.Redis;

namespace Ministudio.Dispatch.Tests;

public sealed class ResultCacheTests : IAsyncLifetime
{
    private readonly ArtifactStore _artifacts = new(Directory.CreateTempSubdirectory("ministudio-dispatch-tests").FullName);
    private static readonly Guid Tenant = Guid.NewGuid();
    private ConnectionMultiplexer _redis = null!;

    public async ValueTask InitializeAsync() => _redis = await ConnectionMultiplexer.ConnectAsync(await TestInfrastructure.RedisAsync());

    public async ValueTask DisposeAsync()
    {
        await _redis.DisposeAsync();
        Directory.Delete(_artifacts.Root, recursive: true);
    }

    private ResultCache Cache(IConnectionMultiplexer? redis = null, RedisCircuit? circuit = null, ShotLeaseOptions? claims = null) =>
        new(redis ?? _redis, circuit ?? Circuit(), _artifacts, Options.Create(claims ?? new ShotLeaseOptions()), NullLogger<ResultCache>.Instance);

    private static readonly ShotLeaseOptions ShortClaims = new() { HeartbeatInterval = TimeSpan.FromMilliseconds(200), GracePeriod = TimeSpan.FromSeconds(1) };

    private static RedisCircuit Circuit(RedisCircuitOptions? options = null) =>
        new(Options.Create(options ?? new RedisCircuitOptions()), NullLogger<RedisCircuit>.Instance);

    private static Func<CancellationToken, Task<RoutedClip>> Generate(RecordingProvider provider, ShotRequest request) =>
        async ct => new RoutedClip(await provider.GenerateAsync(new ShotJob(Guid.NewGuid(), 0, request), new Progress<ProviderProgress>(), ct), provider.Name, "m");

    [Fact]
    public void The_key_is_the_hash_of_the_canonical_request()
    {
        var request = Requests.Unique();
        Assert.Equal(ResultCache.KeyOf(Tenant, request), ResultCache.KeyOf(Tenant, request with { }));
        Assert.Matches("^[0-9a-f]{32}:[0-9a-f]{64}$", ResultCache.KeyOf(Tenant, request));
        Assert.NotEqual(ResultCache.KeyOf(Tenant, request), ResultCache.KeyOf(Tenant, request with { Seed = request.Seed + 1 }));
        Assert.NotEqual(ResultCache.KeyOf(Tenant, request), ResultCache.KeyOf(Tenant, request with { Width = 720, Height = 1280 }));
        Assert.NotEqual(ResultCache.KeyOf(Tenant, request), ResultCache.KeyOf(Tenant, request with { Characters = [] }));
        Assert.NotEqual(ResultCache.KeyOf(Tenant, request), ResultCache.KeyOf(Guid.NewGuid(), request));
    }

    [Fact]
    public async Task Another_tenants_identical_request_is_generated_anew()
    {
        var provider = new RecordingProvider(_artifacts);
        var request = Requests.Unique();
        var first = await Cache().GetOrGenerateAsync(Tenant, request, Generate(provider, request), CancellationToken.None);
        var other = await Cache().GetOrGenerateAsync(Guid.NewGuid(), request, Generate(provider, request), CancellationToken.None);
        var again = await Cache().GetOrGenerateAsync(Tenant, request, Generate(provider, request), CancellationToken.None);

        Assert.False(first.FromCache);
        Assert.False(other.FromCache);
        Assert.True(again.FromCache);
        Assert.Equal(2, provider.Calls);
    }

    [Fact]
    public async Task A_repeat_request_is_served_from_the_cache()
    {
        var provider = new RecordingProvider(_artifacts);
        var request = Requests.Unique();
        var first = await Cache().GetOrGenerateAsync(Tenant, request, Generate(provider, request), CancellationToken.None);
        var second = await Cache().GetOrGenerateAsync(Tenant, request, Generate(provider, request), CancellationToken.None);

        Assert.False(first.FromCache);
        Assert.True(second.FromCache);
        Assert.Equal(first.Routed, second.Routed);
        Assert.Equal(1, provider.Calls);
    }

    [Fact]
    public async Task Fifty_concurrent_identical_misses_make_one_provider_call()
    {
        var provider = new RecordingProvider(_artifacts) { Latency = TimeSpan.FromMilliseconds(500) };
        var request = Requests.Unique();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() =>
            Cache().GetOrGenerateAsync(Tenant, request, Generate(provider, request), CancellationToken.None))));

        Assert.Equal(1, provider.Calls);
        Assert.Single(outcomes.Select(o => o.Routed.Clip.ArtifactHash).Distinct());
        Assert.Equal(49, outcomes.Count(o => o.FromCache));
    }

    [Fact]
    public async Task A_holder_killed_mid_generation_would_leave_its_lock_for_the_grace_period_at_most()
    {
        var provider = new RecordingProvider(_artifacts) { Latency = TimeSpan.FromSeconds(3) };
        var request = Requests.Unique();
        var generating = Cache(claims: ShortClaims).GetOrGenerateAsync(Tenant, request, Generate(provider, request), CancellationToken.None);
        await Eventually.TrueAsync(() => provider.Calls == 1);

        // Killed now, the holder renews no more: what is left of the lock is all a take-over waits for.
        var ttl = await _redis.GetDatabase().KeyTimeToLiveAsync(ResultCache.LockKeyOf(Tenant, request));
        Assert.NotNull(ttl);
        Assert.True(ttl <= ShortClaims.GracePeriod, $"lock lives {ttl} more");
        await generating;
    }

    [Fact]
    public async Task A_holder_that_generates_longer_than_the_grace_period_keeps_its_lock()
    {
        // Four grace periods of generation: without renewal the lock would lapse and the waiter would generate again.
        var provider = new RecordingProvider(_artifacts) { Latency = 4 * ShortClaims.GracePeriod };
        var request = Requests.Unique();
        var first = Cache(claims: ShortClaims).GetOrGenerateAsync(Tenant, request, Generate(provider, request), CancellationToken.None);
        await Eventually.TrueAsync(() => provider.Calls == 1);
        var second = await Cache(claims: ShortClaims).GetOrGenerateAsync(Tenant, request, Generate(provider, request), CancellationToken.None);

        Assert.False((await first).FromCache);
        Assert.True(second.FromCache);
        Assert.Equal(1, provider.Calls);
    }

    [Fact]
    public async Task An_entry_whose_file_is_gone_is_a_miss()
    {
        var provider = new RecordingProvider(_artifacts);
        var request = Requests.Unique();
        var first = await Cache().GetOrGenerateAsync(Tenant, request, Generate(provider, request), CancellationToken.None);
        File.Delete(_artifacts.PathOf(first.Routed.Clip.ArtifactHash));

        var second = await Cache().GetOrGenerateAsync(Tenant, request, Generate(provider, request), CancellationToken.None);
        Assert.False(second.FromCache);
        Assert.Equal(2, provider.Calls);
        Assert.True(_artifacts.Contains(second.Routed.Clip.ArtifactHash));
    }

    [Fact]
    public async Task Redis_down_fails_open_to_the_provider()
    {
        var options = ConfigurationOptions.Parse("127.0.0.1:1");
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 200;
        options.AsyncTimeout = 200;
        await using var unreachable = await ConnectionMultiplexer.ConnectAsync(options);
        var provider = new RecordingProvider(_artifacts);
        var request = Requests.Unique();

        var outcome = await Cache(unreachable).GetOrGenerateAsync(Tenant, request, Generate(provider, request), CancellationToken.None);
        Assert.False(outcome.FromCache);
        Assert.Equal(1, provider.Calls);
    }

    [Fact]
    public async Task A_hit_answers_much_faster_than_a_miss()
    {
        // A miss here costs the fastest imaginable vendor (50 ms); real vendors take minutes.
        var provider = new RecordingProvider(_artifacts);
        var misses = new List<TimeSpan>();
        var hits = new List<TimeSpan>();
        for (var i = 0; i < 20; i++)
        {
            var request = Requests.Unique();
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            Assert.False((await Cache().GetOrGenerateAsync(Tenant, request, Generate(provider, request), TestContext.Current.CancellationToken)).FromCache);
            misses.Add(System.Diagnostics.Stopwatch.GetElapsedTime(started));
            started = System.Diagnostics.Stopwatch.GetTimestamp();
            Assert.True((await Cache().GetOrGenerateAsync(Tenant, request, Generate(provider, request), TestContext.Current.CancellationToken)).FromCache);
            hits.Add(System.Diagnostics.Stopwatch.GetElapsedTime(started));
        }

        var medianMiss = misses.Order().ElementAt(misses.Count / 2);
        var medianHit = hits.Order().ElementAt(hits.Count / 2);
        TestContext.Current.TestOutputHelper?.WriteLine($"cache miss median {medianMiss.TotalMilliseconds:0.00} ms, hit median {medianHit.TotalMilliseconds:0.00} ms, ratio {medianMiss / medianHit:0.0}x");
        Assert.True(medianHit * 5 < medianMiss, $"hit {medianHit.TotalMilliseconds:0.00} ms vs miss {medianMiss.TotalMilliseconds:0.00} ms");
    }
}
