using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using StackExchange.Redis;

namespace Ministudio.ServiceDefaults;

/// <summary>Redis:Circuit settings: when repeated failures stop callers from asking Redis, and for how long.</summary>
public sealed class RedisCircuitOptions
{
    public const string Section = "Redis:Circuit";

    /// <summary>Failed calls (at least half of those made) within <see cref="SamplingDuration"/> that open the circuit.</summary>
    public int FailuresToOpen { get; set; } = 2;

    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long callers skip Redis once the circuit opened; then one call probes whether it answers again.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(5);

    // Polly's own bounds: at least two calls, a window of at least half a second.
    public bool IsValid => FailuresToOpen >= 2 && SamplingDuration >= TimeSpan.FromMilliseconds(500) && BreakDuration >= TimeSpan.FromMilliseconds(500);
}

/// <summary>
/// A circuit breaker in front of Redis for callers that fail open (rate limits, the result cache, cancellation
/// marks). A Redis that is down or hung costs each call its whole timeout; once a few calls in a row failed, the
/// circuit opens and calls fail at once (<see cref="BrokenCircuitException"/>) instead of waiting, so requests keep
/// their normal latency; after the break one call probes, and when it succeeds Redis is used again.
/// </summary>
public sealed class RedisCircuit
{
    public const string OpenedMetric = "ministudio.redis.circuit.opened";

    private static readonly Counter<long> Opened = MinistudioTelemetry.Meter.CreateCounter<long>(
        OpenedMetric, description: "Times the Redis circuit opened: callers stopped waiting for a Redis that failed or hung.");

    private readonly ResiliencePipeline _pipeline;

    public RedisCircuit(IOptions<RedisCircuitOptions> options, ILogger<RedisCircuit> logger)
    {
        var settings = options.Value;
        _pipeline = new ResiliencePipelineBuilder().AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            FailureRatio = 0.5,
            MinimumThroughput = settings.FailuresToOpen,
            SamplingDuration = settings.SamplingDuration,
            BreakDuration = settings.BreakDuration,
            ShouldHandle = new PredicateBuilder().Handle<RedisException>().Handle<TimeoutException>(),
            OnOpened = args =>
            {
                Opened.Add(1);
                logger.LogWarning("Redis failed or hung: callers skip it for {BreakDuration}, failing open", args.BreakDuration);
                return default;
            },
            OnClosed = _ =>
            {
                logger.LogInformation("Redis answers again: the circuit closed");
                return default;
            },
        }).Build();
    }

    /// <summary>Runs one Redis call through the circuit; throws <see cref="BrokenCircuitException"/> at once while it is open.</summary>
    public async Task<T> CallAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken ct = default) =>
        await _pipeline.ExecuteAsync(async token => await call(token), ct);

    /// <summary>Whether a failure means "Redis is unavailable now" (down, hung, or the circuit open), which callers fail open on.</summary>
    public static bool IsUnavailable(Exception ex) => ex is RedisException or TimeoutException or BrokenCircuitException;
}
