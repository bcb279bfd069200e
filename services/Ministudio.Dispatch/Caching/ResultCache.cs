using System.Security.Cryptography;
using System.Text.Json;
using Ministudio.Contracts;
using Ministudio.Dispatch.Providers;
using Ministudio.ServiceDefaults;
using StackExchange.Redis;

namespace Ministudio.Dispatch.Caching;

/// <summary>
/// Content-addressed result cache: the SHA-256 of the canonical request (prompt, seed, size, style, characters …)
/// maps to the artifact that request produced. Concurrent identical misses wait for one generation (single flight).
/// Redis being down never stops a shot: the cache fails open to the provider.
/// </summary>
public sealed class ResultCache(IConnectionMultiplexer redis, ArtifactStore artifacts, ILogger<ResultCache> logger)
{
    private const string KeyPrefix = "ministudio:result:v1:";
    private static readonly TimeSpan EntryLifetime = TimeSpan.FromDays(30);
    private static readonly TimeSpan LockLifetime = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan WaitPoll = TimeSpan.FromMilliseconds(200);

    public sealed record Outcome(GeneratedClip Clip, bool FromCache);

    /// <summary>The cache key of a request: SHA-256 of its canonical JSON (records serialize in declaration order).</summary>
    public static string KeyOf(ShotRequest request) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request, JsonSerializerOptions.Web)));

    public async Task<Outcome> GetOrGenerateAsync(ShotRequest request, Func<CancellationToken, Task<GeneratedClip>> generate, CancellationToken ct)
    {
        var key = KeyPrefix + KeyOf(request);
        var lockKey = key + ":lock";
        var owner = Guid.NewGuid().ToString("N");
        var database = redis.GetDatabase();
        try
        {
            while (true)
            {
                if (await TryGetAsync(database, key) is { } cached) return new Outcome(cached, FromCache: true);
                if (await database.LockTakeAsync(lockKey, owner, LockLifetime)) break;
                await Task.Delay(WaitPoll, ct);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning(ex, "Result cache unavailable; generating without it");
            return new Outcome(await generate(ct), FromCache: false);
        }

        try
        {
            // Another worker may have finished between our miss and taking the lock.
            if (await TryGetAsync(database, key) is { } cached) return new Outcome(cached, FromCache: true);
            var clip = await generate(ct);
            await StoreAsync(database, key, clip);
            return new Outcome(clip, FromCache: false);
        }
        finally
        {
            await ReleaseAsync(database, lockKey, owner);
        }
    }

    private async Task<GeneratedClip?> TryGetAsync(IDatabase database, string key)
    {
        var value = await database.StringGetAsync(key);
        if (value.IsNullOrEmpty) return null;
        var clip = JsonSerializer.Deserialize<GeneratedClip>(value.ToString(), JsonSerializerOptions.Web);
        // An entry whose file was cleaned away is a miss, not a broken shot.
        return clip is not null && artifacts.Contains(clip.ArtifactHash) ? clip : null;
    }

    private async Task StoreAsync(IDatabase database, string key, GeneratedClip clip)
    {
        try
        {
            await database.StringSetAsync(key, JsonSerializer.Serialize(clip, JsonSerializerOptions.Web), EntryLifetime);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning(ex, "Could not store a result in the cache");
        }
    }

    private async Task ReleaseAsync(IDatabase database, string lockKey, string owner)
    {
        try
        {
            await database.LockReleaseAsync(lockKey, owner);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning(ex, "Could not release a single-flight lock; it expires on its own");
        }
    }
}
