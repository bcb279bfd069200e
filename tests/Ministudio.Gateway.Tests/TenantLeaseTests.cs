using Ministudio.Gateway.RateLimiting;

namespace Ministudio.Gateway.Tests;

/// <summary>The local half of the rate limiter: leased requests and standing refusals replay exactly what Redis granted.</summary>
public sealed class TenantLeaseTests
{
    [Theory]
    [InlineData(10, 1)]
    [InlineData(600, 1)]
    [InlineData(1_999, 1)]
    [InlineData(2_000, 2)]
    [InlineData(100_000, 100)]
    [InlineData(10_000_000, 100)]
    public void Small_limits_lease_one_request_so_every_request_is_checked_in_redis(int limit, int lease) =>
        Assert.Equal(lease, new RateLimitOptions().LeaseSizeFor(limit));

    [Fact]
    public void A_lease_is_spent_locally_exactly_as_often_as_redis_granted_then_redis_is_asked_again()
    {
        var lease = new TenantLease();
        Assert.Null(lease.TryTake(1000, now: 0));

        // Redis granted 5: the asking request takes one, four stay leased; 90 remained in Redis after the grant.
        var first = lease.Store(1000, granted: 5, remaining: 90, retryAfterMs: 0, resetMs: 300, now: 0, lifetimeMs: 1000);
        Assert.True(first.Allowed);
        Assert.Equal(94, first.Remaining);

        var local = Enumerable.Range(0, 4).Select(i => lease.TryTake(1000, now: 10 + i)).ToList();
        Assert.All(local, d => Assert.True(d!.Allowed));
        Assert.Equal([93L, 92, 91, 90], local.Select(d => d!.Remaining));
        Assert.Null(lease.TryTake(1000, now: 20));
    }

    [Fact]
    public void Leased_requests_not_spent_within_the_lifetime_are_dropped()
    {
        var lease = new TenantLease();
        lease.Store(1000, granted: 10, remaining: 50, retryAfterMs: 0, resetMs: 300, now: 0, lifetimeMs: 1000);
        Assert.NotNull(lease.TryTake(1000, now: 999));
        Assert.Null(lease.TryTake(1000, now: 1000));
    }

    [Fact]
    public void A_refusal_stands_until_redis_could_grant_again_and_counts_down()
    {
        var lease = new TenantLease();
        var refused = lease.Store(10, granted: 0, remaining: 0, retryAfterMs: 6000, resetMs: 60_000, now: 1000, lifetimeMs: 1000);
        Assert.False(refused.Allowed);

        var later = lease.TryTake(10, now: 3000);
        Assert.False(later!.Allowed);
        Assert.Equal(4000, later.RetryAfterMs);
        Assert.Equal(58_000, later.ResetMs);
        Assert.Null(lease.TryTake(10, now: 7000));
    }

    [Fact]
    public void A_changed_limit_ignores_what_was_leased_under_the_old_one()
    {
        var lease = new TenantLease();
        lease.Store(100_000, granted: 100, remaining: 99_000, retryAfterMs: 0, resetMs: 10, now: 0, lifetimeMs: 1000);
        Assert.Null(lease.TryTake(600, now: 1));
    }

    [Fact]
    public void Half_way_through_a_lease_one_caller_prefetches_the_next_and_its_requests_add_to_what_is_left()
    {
        var lease = new TenantLease();
        lease.Store(100_000, granted: 10, remaining: 1_000, retryAfterMs: 0, resetMs: 50, now: 0, lifetimeMs: 1000);
        Assert.False(lease.TryStartPrefetch(size: 10)); // 9 left of 10
        for (var i = 0; i < 4; i++) lease.TryTake(100_000, now: 1);
        Assert.True(lease.TryStartPrefetch(size: 10));  // 5 left: the first caller fetches
        Assert.False(lease.TryStartPrefetch(size: 10)); // and only it

        lease.AddPrefetched(100_000, granted: 10, remaining: 990, resetMs: 60, now: 2, lifetimeMs: 1000);
        var taken = Enumerable.Range(0, 15).Select(_ => lease.TryTake(100_000, now: 3)).ToList();
        Assert.All(taken, d => Assert.True(d!.Allowed));
        Assert.Null(lease.TryTake(100_000, now: 3));
        Assert.True(lease.TryStartPrefetch(size: 10));
    }

    [Fact]
    public void A_refused_prefetch_leaves_the_paid_requests_spendable()
    {
        var lease = new TenantLease();
        // Asked for 8, Redis had 4 left.
        lease.Store(100_000, granted: 4, remaining: 0, retryAfterMs: 0, resetMs: 50, now: 0, lifetimeMs: 1000);
        Assert.True(lease.TryStartPrefetch(size: 8));
        lease.AddPrefetched(100_000, granted: 0, remaining: 0, resetMs: 60, now: 1, lifetimeMs: 1000);
        Assert.Equal(3, Enumerable.Range(0, 3).Count(_ => lease.TryTake(100_000, now: 2)!.Allowed));
        Assert.Null(lease.TryTake(100_000, now: 2));
    }
}
