using System.Diagnostics.Metrics;
using Ministudio.ServiceDefaults;
using StackExchange.Redis;

namespace Ministudio.Gateway.RateLimiting;

/// <summary>Gateway:RateLimit settings; a tenant's own limit (from its key's plan) overrides the default.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "Gateway:RateLimit";

    public int RequestsPerMinute { get; set; } = 600;

    /// <summary>How long a request waits for Redis before it is let through unlimited (fail open).</summary>
    public int RedisTimeoutMilliseconds { get; set; } = 250;
}

/// <summary>The outcome of one request against its tenant's budget. Times in milliseconds from now.</summary>
public sealed record RateLimitDecision(bool Allowed, int Limit, long Remaining, long RetryAfterMs, long ResetMs);

/// <summary>
/// Per-tenant GCRA (generic cell rate algorithm) in one Lua script on Redis, so every gateway replica spends the same
/// budget and the check-and-update is atomic. Redis's own clock is used, so replicas with drifting clocks agree.
/// A tenant may burst its whole per-minute budget, then gets one request per 60/limit seconds.
/// </summary>
public sealed class TenantRateLimiter(IConnectionMultiplexer redis, RateLimitOptions options, ILogger<TenantRateLimiter> logger)
{
    private static readonly Counter<long> Rejected = MinistudioTelemetry.Meter.CreateCounter<long>(
        "ministudio.gateway.rate_limit.rejected", description: "Requests refused with 429 because their tenant's budget was spent.");

    public const string FailedOpenMetric = "ministudio.gateway.rate_limit.failed_open";

    private static readonly Counter<long> FailedOpen = MinistudioTelemetry.Meter.CreateCounter<long>(
        FailedOpenMetric, description: "Requests let through unlimited because Redis did not answer in time.");

    // KEYS[1]: the tenant's theoretical arrival time (TAT). ARGV[1]: emission interval (ms), ARGV[2]: burst capacity.
    // Returns {allowed, remaining, retry_after_ms, reset_ms}.
    private const string GcraScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local interval = tonumber(ARGV[1])
        local tolerance = interval * tonumber(ARGV[2])
        local tat = tonumber(redis.call('GET', KEYS[1]) or now)
        if tat < now then tat = now end
        local new_tat = tat + interval
        if new_tat - tolerance > now then
          return {0, 0, math.ceil(new_tat - tolerance - now), math.ceil(tat - now)}
        end
        redis.call('SET', KEYS[1], tostring(new_tat), 'PX', math.ceil(new_tat - now))
        return {1, math.floor((now + tolerance - new_tat) / interval), 0, math.ceil(new_tat - now)}
        """;

    public int DefaultLimit => options.RequestsPerMinute;

    /// <summary>Spends one request of the tenant's budget; null when Redis could not answer (the caller lets the request through).</summary>
    public async Task<RateLimitDecision?> AcquireAsync(Guid tenantId, int requestsPerMinute, CancellationToken ct)
    {
        var limit = Math.Max(1, requestsPerMinute);
        try
        {
            var result = (RedisResult[])(await redis.GetDatabase()
                .ScriptEvaluateAsync(GcraScript, [new RedisKey($"ratelimit:{tenantId}")], [60_000.0 / limit, limit])
                .WaitAsync(TimeSpan.FromMilliseconds(options.RedisTimeoutMilliseconds), ct))!;
            var decision = new RateLimitDecision((long)result[0] == 1, limit, (long)result[1], (long)result[2], (long)result[3]);
            if (!decision.Allowed) Rejected.Add(1);
            return decision;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Availability over strictness: a Redis outage must not take the API down with it.
            FailedOpen.Add(1);
            logger.LogWarning(ex, "Rate limit check for tenant {Tenant} failed; letting the request through", tenantId);
            return null;
        }
    }
}
