namespace Ministudio.Gateway.RateLimiting;

/// <summary>
/// What this replica holds of one tenant's budget between Redis round trips: requests already paid for in Redis
/// (a lease, spent locally until it runs out or expires) or a refusal that stands until the budget refills. Both are
/// exact replays of what Redis said: a lease only spends what Redis granted, and a refusal only lasts until the
/// earliest moment Redis could grant again (the theoretical arrival time never moves backwards). Times are
/// milliseconds on one monotonic clock.
/// </summary>
public sealed class TenantLease
{
    private readonly Lock _gate = new();
    private int _limit;
    private int _tokens;
    private long _remainingAtGrant;
    private long _resetMsAtGrant;
    private long _grantedAt;
    private long _expiresAt;
    private long _refusedUntil;
    private int _prefetching;

    /// <summary>One refill from Redis at a time per tenant, so a burst of requests does not lease many times over.</summary>
    public SemaphoreSlim Refill { get; } = new(1, 1);

    /// <summary>A local answer when one is due: a leased request, or the standing refusal; null: ask Redis.</summary>
    public RateLimitDecision? TryTake(int limit, long now)
    {
        lock (_gate)
        {
            if (limit != _limit) return null;
            if (now < _refusedUntil)
                return new RateLimitDecision(false, limit, 0, _refusedUntil - now, Math.Max(0, _resetMsAtGrant - (now - _grantedAt)));
            if (_tokens == 0 || now >= _expiresAt) return null;
            _tokens--;
            return new RateLimitDecision(true, limit, _remainingAtGrant + _tokens, 0, Math.Max(0, _resetMsAtGrant - (now - _grantedAt)));
        }
    }

    /// <summary>
    /// Whether the lease is down to half of <paramref name="size"/> with no prefetch running: then the caller (and only
    /// it) fetches the next lease in the background, so requests keep spending what is left instead of all waiting for
    /// Redis when it runs out. The caller ends with <see cref="AddPrefetched"/> or <see cref="EndPrefetch"/>.
    /// </summary>
    public bool TryStartPrefetch(int size)
    {
        lock (_gate)
        {
            if (_tokens > size / 2 || _refusedUntil != 0) return false;
        }
        return Interlocked.CompareExchange(ref _prefetching, 1, 0) == 0;
    }

    public void EndPrefetch() => Volatile.Write(ref _prefetching, 0);

    /// <summary>
    /// Adds a prefetched lease to what is left. A prefetch that Redis refused changes nothing: the requests already
    /// paid for stay spendable, and once they are gone the next request asks Redis itself.
    /// </summary>
    public void AddPrefetched(int limit, long granted, long remaining, long resetMs, long now, long lifetimeMs)
    {
        lock (_gate)
        {
            if (granted > 0 && limit == _limit)
            {
                _tokens += (int)granted;
                _remainingAtGrant = remaining;
                _resetMsAtGrant = resetMs;
                _grantedAt = now;
                _expiresAt = now + lifetimeMs;
            }
        }
        EndPrefetch();
    }

    /// <summary>
    /// Records Redis's answer and returns the decision for the request that asked: <paramref name="granted"/> requests
    /// were paid for (the asking request takes one, the rest stay leased until <paramref name="lifetimeMs"/> passes);
    /// none granted: refused for <paramref name="retryAfterMs"/>.
    /// </summary>
    public RateLimitDecision Store(int limit, long granted, long remaining, long retryAfterMs, long resetMs, long now, long lifetimeMs)
    {
        lock (_gate)
        {
            _limit = limit;
            _grantedAt = now;
            _resetMsAtGrant = resetMs;
            if (granted <= 0)
            {
                _tokens = 0;
                _refusedUntil = now + retryAfterMs;
                return new RateLimitDecision(false, limit, 0, retryAfterMs, resetMs);
            }
            _refusedUntil = 0;
            _tokens = (int)(granted - 1);
            _remainingAtGrant = remaining;
            _expiresAt = now + lifetimeMs;
            return new RateLimitDecision(true, limit, remaining + _tokens, 0, resetMs);
        }
    }
}
