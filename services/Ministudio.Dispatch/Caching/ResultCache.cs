using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Ministudio.Contracts;
using Ministudio.Dispatch.Leases;
using Ministudio.Dispatch.Routing;
using Ministudio.Platform;
using Ministudio.ServiceDefaults;
using Polly.CircuitBreaker;
using StackExchange.Redis;

namespace Ministudio.Dispatch.Caching;

/// <summary>
/// Content-addressed result cache: the SHA-256 of the canonical request (prompt, seed, size, style, characters …)
/// maps to the artifact that request produced and the vendor that made it. Concurrent identical misses, on any
/// instance, wait for one generation (single flight through a Redis lock). Redis being down or slow never stops a shot:
/// every cache step gives up after a short timeout and the shot goes to the vendor path uncached; once Redis failed
/// repeatedly, the <see cref="RedisCircuit"/> makes every step give up at once instead of waiting out its timeout.
/// The lock is a claim like a shot lease (<see cref="ShotLeaseOptions"/>): it lives for the grace period and its holder
/// renews it every heartbeat while it generates, so a holder killed mid-shot blocks the others for a grace period at
/// most (the take-over of its shot waits that long anyway), not for a whole generation's worth of time.
/// </summary>
public sealed class ResultCache(IConnectionMultiplexer redis, RedisCircuit circuit, ArtifactStore artifacts, IOptions<ShotLeaseOptions> claims, ILogger<ResultCache> logger)
{
    private const string KeyPrefix = "ministudio:result:v3:";
    private const string LockSuffix = ":lock";
    private static readonly TimeSpan EntryLifetime = TimeSpan.FromDays(30);
    private static readonly TimeSpan WaitPoll = TimeSpan.FromMilliseconds(100);

    /// <summary>How long one cache step may take before the cache counts as down for this shot.</summary>
    public TimeSpan StepTimeout { get; init; } = TimeSpan.FromMilliseconds(500);

    public sealed record Outcome(RoutedClip Routed, bool FromCache);

    /// <summary>What Redis says about a shot before anything is leased: its job canceled, or its result cached.</summary>
    public sealed record Peek(bool Canceled, RoutedClip? Cached);

    /// <summary>
    /// The cache key of a tenant's request: the tenant id, then the SHA-256 of the request's canonical JSON (records
    /// serialize in declaration order). Per tenant: a shared entry would give one tenant's paid work to another for free
    /// and tell it, through <c>fromCache</c>, what someone else asked for; the tenant first, so an erasure finds them all.
    /// </summary>
    public static string KeyOf(Guid tenantId, ShotRequest request) =>
        $"{tenantId:N}:{Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request, JsonSerializerOptions.Web)))}";

    /// <summary>The Redis key of a request's single-flight lock.</summary>
    public static string LockKeyOf(Guid tenantId, ShotRequest request) => LockKeyOf(KeyPrefix + KeyOf(tenantId, request));

    private static string LockKeyOf(string entryKey) => entryKey + LockSuffix;

    /// <summary>Forgets every result cached for a tenant (entries and any single-flight locks); returns how many keys went.</summary>
    public async Task<long> EraseTenantAsync(Guid tenantId, CancellationToken ct)
    {
        var database = redis.GetDatabase();
        var erased = 0L;
        foreach (var server in redis.GetServers().Where(s => s.IsConnected && !s.IsReplica))
        {
            var batch = new List<RedisKey>(256);
            await foreach (var key in server.KeysAsync(database.Database, $"{KeyPrefix}{tenantId:N}:*", pageSize: 256).WithCancellation(ct))
            {
                batch.Add(key);
                if (batch.Count < 256) continue;
                erased += await database.KeyDeleteAsync([.. batch]);
                batch.Clear();
            }
            if (batch.Count > 0) erased += await database.KeyDeleteAsync([.. batch]);
        }
        return erased;
    }

    /// <summary>
    /// The job's cancel mark (<see cref="Consumers.CanceledJobs.KeyOf"/>) and the shot's cache entry in one round trip
    /// (a hit needs nothing else from Redis, and no lease: it spends no money). Redis away reads as neither, failing
    /// open: rendering a shot nobody wants costs less than losing one that is wanted.
    /// </summary>
    public async Task<Peek> PeekAsync(Guid jobId, Guid tenantId, ShotRequest request, CancellationToken ct)
    {
        if (!redis.IsConnected) return new(false, null);
        var key = KeyPrefix + KeyOf(tenantId, request);
        RedisValue[] values;
        try
        {
            values = await circuit.CallAsync(token => redis.GetDatabase().StringGetAsync([Consumers.CanceledJobs.KeyOf(jobId), key]).WaitAsync(StepTimeout, token), ct);
        }
        catch (Exception ex) when (RedisCircuit.IsUnavailable(ex))
        {
            if (ex is not BrokenCircuitException) logger.LogWarning(ex, "Result cache unavailable; the shot goes on uncached");
            return new(false, null);
        }
        return values[0].IsNull ? new(false, await ReadAsync(key, values[1], ct)) : new(true, null);
    }

    public async Task<Outcome> GetOrGenerateAsync(Guid tenantId, ShotRequest request, Func<CancellationToken, Task<RoutedClip>> generate, CancellationToken ct)
    {
        if (!redis.IsConnected)
        {
            logger.LogWarning("Result cache unavailable; generating without it");
            return new Outcome(await generate(ct), FromCache: false);
        }

        var key = KeyPrefix + KeyOf(tenantId, request);
        var lockKey = LockKeyOf(key);
        var owner = Guid.NewGuid().ToString("N");
        var database = redis.GetDatabase();
        try
        {
            while (true)
            {
                if (await TryGetAsync(database, key, ct) is { } cached) return new Outcome(cached, FromCache: true);
                if (await circuit.CallAsync(token => database.LockTakeAsync(lockKey, owner, claims.Value.GracePeriod).WaitAsync(StepTimeout, token), ct)) break;
                await Task.Delay(WaitPoll, ct);
            }
            // Another worker may have finished between our miss and taking the lock.
            if (await TryGetAsync(database, key, ct) is { } stored)
            {
                await ReleaseAsync(database, lockKey, owner);
                return new Outcome(stored, FromCache: true);
            }
        }
        catch (Exception ex) when (RedisCircuit.IsUnavailable(ex))
        {
            logger.LogWarning(ex is BrokenCircuitException ? null : ex, "Result cache unavailable; generating without it");
            // A lock taken just before a timeout would make others wait for its expiry.
            await ReleaseAsync(database, lockKey, owner);
            return new Outcome(await generate(ct), FromCache: false);
        }

        using var renewal = new CancellationTokenSource();
        var renewing = RenewAsync(database, lockKey, owner, renewal.Token);
        try
        {
            var routed = await generate(ct);
            await StoreAsync(database, key, routed);
            return new Outcome(routed, FromCache: false);
        }
        finally
        {
            await renewal.CancelAsync();
            await renewing;
            await ReleaseAsync(database, lockKey, owner);
        }
    }

    /// <summary>Keeps the single-flight lock while this holder generates; a missed renewal costs a second generation at worst.</summary>
    private async Task RenewAsync(IDatabase database, string lockKey, string owner, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(claims.Value.HeartbeatInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                try
                {
                    if (!await circuit.CallAsync(_ => database.LockExtendAsync(lockKey, owner, claims.Value.GracePeriod).WaitAsync(StepTimeout)))
                        logger.LogWarning("The single-flight lock {LockKey} expired while its holder still generated", lockKey);
                }
                catch (Exception ex) when (RedisCircuit.IsUnavailable(ex))
                {
                    if (ex is not BrokenCircuitException) logger.LogWarning(ex, "Could not renew the single-flight lock {LockKey}", lockKey);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task<RoutedClip?> TryGetAsync(IDatabase database, string key, CancellationToken ct) =>
        await ReadAsync(key, await circuit.CallAsync(token => database.StringGetAsync(key).WaitAsync(StepTimeout, token), ct), ct);

    private async Task<RoutedClip?> ReadAsync(string key, RedisValue value, CancellationToken ct)
    {
        if (value.IsNullOrEmpty) return null;
        RoutedClip? routed;
        try
        {
            routed = JsonSerializer.Deserialize<RoutedClip>(value.ToString(), JsonSerializerOptions.Web);
        }
        catch (JsonException ex)
        {
            logger.LogWarning(ex, "Ignoring an unreadable result cache entry {Key}", key);
            return null;
        }
        // An entry whose file was cleaned away (or cannot be checked now) is a miss, not a broken shot.
        try
        {
            return routed?.Clip is { } clip && await artifacts.ContainsAsync(clip.ArtifactHash, ct) ? routed : null;
        }
        catch (ArtifactStoreUnavailableException ex)
        {
            logger.LogWarning(ex, "Could not check the cached clip of {Key}; treating it as a miss", key);
            return null;
        }
    }

    private async Task StoreAsync(IDatabase database, string key, RoutedClip routed)
    {
        try
        {
            await circuit.CallAsync(_ => database.StringSetAsync(key, JsonSerializer.Serialize(routed, JsonSerializerOptions.Web), EntryLifetime).WaitAsync(StepTimeout));
        }
        catch (Exception ex) when (RedisCircuit.IsUnavailable(ex))
        {
            if (ex is not BrokenCircuitException) logger.LogWarning(ex, "Could not store a result in the cache");
        }
    }

    private async Task ReleaseAsync(IDatabase database, string lockKey, string owner)
    {
        try
        {
            await circuit.CallAsync(_ => database.LockReleaseAsync(lockKey, owner).WaitAsync(StepTimeout));
        }
        catch (Exception ex) when (RedisCircuit.IsUnavailable(ex))
        {
            if (ex is not BrokenCircuitException) logger.LogWarning(ex, "Could not release a single-flight lock; it expires on its own");
        }
    }
}
