using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Ministudio.ServiceDefaults;
using Polly.CircuitBreaker;
using StackExchange.Redis;

namespace Ministudio.Gateway.RateLimiting;

/// <summary>Gateway:RateLimit settings; a tenant's own limit (from its key's plan) overrides the default.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "Gateway:RateLimit";

    public int RequestsPerMinute { get; set; } = 600;

    /// <summary>How long a request waits for Redis before it is let through unlimited (fail open).</summary>
    public int RedisTimeoutMilliseconds { get; set; } = 250;

    /// <summary>
    /// The share of a tenant's per-minute limit one replica may lease from Redis in one round trip (at least 1, at most
    /// <see cref="MaxLeaseSize"/>). 0.001: a tenant allowed 600 a minute is checked in Redis on every request; one allowed
    /// 100,000 a minute costs one round trip per 100 requests.
    /// </summary>
    public double LeaseShare { get; set; } = 0.001;

    public int MaxLeaseSize { get; set; } = 100;

    /// <summary>Leased requests not spent within this time are dropped (never carried into a later window).</summary>
    public int LeaseLifetimeMilliseconds { get; set; } = 1000;

    public bool IsValid => RequestsPerMinute > 0 && RedisTimeoutMilliseconds > 0 && LeaseShare is > 0 and <= 1 && MaxLeaseSize >= 1 && LeaseLifetimeMilliseconds > 0;

    public int LeaseSizeFor(int limit) => (int)Math.Clamp(Math.Floor(limit * LeaseShare), 1, Math.Max(1, MaxLeaseSize));
}

/// <summary>The outcome of one request against its tenant's budget. Times in milliseconds from now.</summary>
public sealed record RateLimitDecision(bool Allowed, int Limit, long Remaining, long RetryAfterMs, long ResetMs);

/// <summary>
/// Per-tenant GCRA (generic cell rate algorithm) in one Lua script on Redis, so every gateway replica spends the same
/// budget and the check-and-update is atomic. Redis's own clock is used, so replicas with drifting clocks agree.
/// A tenant may burst its whole per-minute budget, then gets one request per 60/limit seconds.
/// <para>
/// To keep Redis off the hot path of busy tenants, a replica takes a lease of up to <see cref="RateLimitOptions.LeaseSizeFor"/>
/// requests in one round trip and spends it locally (fetching the next one in the background when half is spent), and
/// remembers a refusal until Redis's retry time (see <see cref="TenantLease"/>). Error bound, per tenant across R
/// replicas: in any window, at most R × 1.5 × lease requests more than exact GCRA would admit (leased requests spent
/// after the window they were paid in) and at most as many fewer (leases left unspent on one replica while another is
/// refused). With the defaults that is R × 0.15 % of the per-minute limit, and exactly zero for limits under 2,000 a
/// minute (a lease of one is the exact algorithm and is never prefetched).
/// </para>
/// </summary>
public sealed class TenantRateLimiter(
    IConnectionMultiplexer redis, RedisCircuit circuit, IOptions<RateLimitOptions> settings, TimeProvider time, ILogger<TenantRateLimiter> logger)
{
    private readonly RateLimitOptions options = settings.Value;

    private static readonly Counter<long> Rejected = MinistudioTelemetry.Meter.CreateCounter<long>(
        "ministudio.gateway.rate_limit.rejected", description: "Requests refused with 429 because their tenant's budget was spent.");

    public const string FailedOpenMetric = "ministudio.gateway.rate_limit.failed_open";

    /// <summary>The <c>reason</c> tag of <see cref="FailedOpenMetric"/>: Redis did not answer in time, or its circuit was open.</summary>
    public const string FailedOpenNoAnswer = "no_answer", FailedOpenCircuitOpen = "circuit_open";

    private static readonly Counter<long> FailedOpen = MinistudioTelemetry.Meter.CreateCounter<long>(
        FailedOpenMetric, description: "Requests let through unlimited because Redis did not answer in time (reason no_answer) or its circuit was open (circuit_open).");

    // KEYS[1]: the tenant's theoretical arrival time (TAT). ARGV[1]: emission interval (ms), ARGV[2]: burst capacity,
    // ARGV[3]: how many requests to take at most. Grants as many as fit, up to ARGV[3].
    // Returns {granted, remaining, retry_after_ms, reset_ms}; granted 0 is a refusal.
    private const string GcraScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local interval = tonumber(ARGV[1])
        local tolerance = interval * tonumber(ARGV[2])
        local tat = tonumber(redis.call('GET', KEYS[1]) or now)
        if tat < now then tat = now end
        local granted = math.min(tonumber(ARGV[3]), math.floor((now + tolerance - tat) / interval))
        if granted < 1 then
          return {0, 0, math.ceil(tat + interval - tolerance - now), math.ceil(tat - now)}
        end
        local new_tat = tat + granted * interval
        redis.call('SET', KEYS[1], tostring(new_tat), 'PX', math.ceil(new_tat - now))
        return {granted, math.floor((now + tolerance - new_tat) / interval), 0, math.ceil(new_tat - now)}
        """;

    private readonly ConcurrentDictionary<Guid, TenantLease> _leases = new();

    public int DefaultLimit => options.RequestsPerMinute;

    /// <summary>Spends one request of the tenant's budget; null when Redis could not answer (the caller lets the request through).</summary>
    public async Task<RateLimitDecision?> AcquireAsync(Guid tenantId, int requestsPerMinute, CancellationToken ct)
    {
        var limit = Math.Max(1, requestsPerMinute);
        var lease = _leases.GetOrAdd(tenantId, static _ => new TenantLease());
        var size = options.LeaseSizeFor(limit);
        if (lease.TryTake(limit, NowMs()) is { } local)
        {
            if (local.Allowed && size > 1 && lease.TryStartPrefetch(size)) _ = PrefetchAsync(lease, tenantId, limit, size);
            return Count(local);
        }

        var timeout = TimeSpan.FromMilliseconds(options.RedisTimeoutMilliseconds);
        var single = size > 1;
        try
        {
            // A lease of one is the exact algorithm: concurrent requests go to Redis side by side, as without leases.
            if (single && !await lease.Refill.WaitAsync(timeout, ct)) throw new TimeoutException("Waited too long for the tenant's lease refill.");
            try
            {
                if (single && lease.TryTake(limit, NowMs()) is { } refilled) return Count(refilled);
                var result = await LeaseAsync(tenantId, limit, size, timeout, ct);
                return Count(lease.Store(limit, (long)result[0], (long)result[1], (long)result[2], (long)result[3], NowMs(), options.LeaseLifetimeMilliseconds));
            }
            finally
            {
                if (single) lease.Refill.Release();
            }
        }
        catch (Exception ex) when (RedisCircuit.IsUnavailable(ex))
        {
            // Availability over strictness: a Redis outage must not take the API down with it. While the circuit is
            // open nothing waited; the circuit logged the outage once.
            FailedOpen.Add(1, new KeyValuePair<string, object?>("reason", ex is BrokenCircuitException ? FailedOpenCircuitOpen : FailedOpenNoAnswer));
            if (ex is not BrokenCircuitException) logger.LogWarning(ex, "Rate limit check for tenant {Tenant} failed; letting the request through", tenantId);
            return null;
        }
    }

    /// <summary>One GCRA round trip taking up to <paramref name="size"/> requests: {granted, remaining, retry_after_ms, reset_ms}.</summary>
    private async Task<RedisResult[]> LeaseAsync(Guid tenantId, int limit, int size, TimeSpan timeout, CancellationToken ct) =>
        (RedisResult[])(await circuit.CallAsync(token => redis.GetDatabase()
            .ScriptEvaluateAsync(GcraScript, [new RedisKey($"ratelimit:{tenantId}")], [60_000.0 / limit, limit, size])
            .WaitAsync(timeout, token), ct))!;

    /// <summary>The next lease, fetched while the rest of the current one is spent; a failure only means the next request asks itself.</summary>
    private async Task PrefetchAsync(TenantLease lease, Guid tenantId, int limit, int size)
    {
        try
        {
            var result = await LeaseAsync(tenantId, limit, size, TimeSpan.FromMilliseconds(options.RedisTimeoutMilliseconds), CancellationToken.None);
            lease.AddPrefetched(limit, (long)result[0], (long)result[1], (long)result[3], NowMs(), options.LeaseLifetimeMilliseconds);
        }
        catch (Exception ex) when (RedisCircuit.IsUnavailable(ex))
        {
            lease.EndPrefetch();
            logger.LogDebug(ex, "Prefetching the rate-limit lease of tenant {Tenant} failed", tenantId);
        }
    }

    private long NowMs() => (long)time.GetElapsedTime(0).TotalMilliseconds;

    private static RateLimitDecision Count(RateLimitDecision decision)
    {
        if (!decision.Allowed) Rejected.Add(1);
        return decision;
    }
}
