using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Ministudio.Gateway.RateLimiting;
using Ministudio.ServiceDefaults;
using StackExchange.Redis;

namespace Ministudio.Bench.Micro;

/// <summary>
/// One request against a tenant's budget on the Redis in ConnectionStrings__redis: with a lease of one (the GCRA script
/// round trip on every request) and with the default lease (one round trip per 100 requests for this 10 M/min tenant).
/// </summary>
[MemoryDiagnoser]
public class RateLimitBenchmarks
{
    private const int Limit = 10_000_000;
    private ConnectionMultiplexer _redis = null!;
    private TenantRateLimiter _roundTrip = null!;
    private TenantRateLimiter _leased = null!;
    private readonly Guid _tenant = Guid.NewGuid();

    [GlobalSetup]
    public void Setup()
    {
        var connection = Environment.GetEnvironmentVariable("ConnectionStrings__redis")
                         ?? throw new InvalidOperationException("ConnectionStrings__redis is not set (bench/run.sh starts Redis).");
        _redis = ConnectionMultiplexer.Connect(connection);
        var circuit = new RedisCircuit(Options.Create(new RedisCircuitOptions()), NullLogger<RedisCircuit>.Instance);
        _roundTrip = new TenantRateLimiter(_redis, circuit, Options.Create(new RateLimitOptions { MaxLeaseSize = 1 }), TimeProvider.System, NullLogger<TenantRateLimiter>.Instance);
        _leased = new TenantRateLimiter(_redis, circuit, Options.Create(new RateLimitOptions()), TimeProvider.System, NullLogger<TenantRateLimiter>.Instance);
    }

    [GlobalCleanup]
    public void Cleanup() => _redis.Dispose();

    [Benchmark]
    public Task<RateLimitDecision?> GcraRoundTrip() => _roundTrip.AcquireAsync(_tenant, Limit, CancellationToken.None);

    [Benchmark]
    public Task<RateLimitDecision?> GcraLeased() => _leased.AcquireAsync(_tenant, Limit, CancellationToken.None);
}
