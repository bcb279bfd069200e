using Microsoft.Extensions.Options;
using Ministudio.Platform.Trust;

namespace Ministudio.Gateway.Tests;

/// <summary>The signed assertion between services: what verifies, and every way one is refused.</summary>
public sealed class ServiceAssertionsTests
{
    private const string Key = "current-service-trust-key-0123456789abcdef";
    private const string OldKey = "previous-service-trust-key-0123456789abcdef";

    private readonly ManualClock _time = new();

    private ServiceAssertions With(string signingKey, string? previousKey = null) =>
        new(Options.Create(new ServiceTrustOptions { SigningKey = signingKey, PreviousKey = previousKey }), _time);

    [Fact]
    public void A_minted_assertion_verifies_with_everything_it_says()
    {
        var tenant = Guid.NewGuid();
        var assertions = With(Key);
        Assert.True(assertions.TryVerify(assertions.Mint("gateway", tenant, "ms_live_abc123", "trace-1"), out var assertion));
        Assert.Equal(("gateway", tenant, "ms_live_abc123", "trace-1"), (assertion!.Service, assertion.TenantId, assertion.ApiKeyId, assertion.RequestId));
        Assert.Equal(_time.GetUtcNow().AddSeconds(60), assertion.ExpiresAt);

        Assert.True(assertions.TryVerify(assertions.Mint("dispatch"), out var serviceCall));
        Assert.Null(serviceCall!.TenantId);
    }

    [Fact]
    public void Expired_assertions_are_refused_after_the_clock_skew()
    {
        var assertions = With(Key);
        var minted = assertions.Mint("gateway", Guid.NewGuid());
        _time.Advance(TimeSpan.FromSeconds(69));
        Assert.True(assertions.TryVerify(minted, out _));
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(assertions.TryVerify(minted, out _));
    }

    [Fact]
    public void Another_key_a_changed_payload_or_a_changed_signature_is_refused()
    {
        var assertions = With(Key);
        var minted = assertions.Mint("gateway", Guid.NewGuid());
        Assert.False(With("an-attackers-own-key-0123456789abcdefgh").TryVerify(minted, out _));

        // The payload re-encoded for another tenant, keeping the signature: refused.
        var parts = minted.Split('.');
        var forged = With("an-attackers-own-key-0123456789abcdefgh").Mint("gateway", Guid.NewGuid()).Split('.');
        Assert.False(assertions.TryVerify(string.Join('.', parts[0], parts[1], forged[2], parts[3]), out _));
        Assert.False(assertions.TryVerify(string.Join('.', parts[0], parts[1], parts[2], forged[3]), out _));
        Assert.False(assertions.TryVerify(minted[..^2] + (minted[^2] == 'A' ? "BA" : "AA"), out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("00000000-0000-0000-0000-000000000001")]
    [InlineData("v1.x.y")]
    [InlineData("v1....")]
    [InlineData("v2.abc.def.ghi")]
    [InlineData("v1.%%%.!!!.???")]
    public void Garbage_is_refused_without_throwing(string value) => Assert.False(With(Key).TryVerify(value, out _));

    [Fact]
    public void During_a_rotation_the_previous_key_still_verifies_but_never_signs()
    {
        var before = With(OldKey);
        var during = With(Key, previousKey: OldKey);
        var after = With(Key);
        var old = before.Mint("gateway", Guid.NewGuid());
        Assert.True(during.TryVerify(old, out _));
        Assert.False(after.TryVerify(old, out _));
        Assert.True(after.TryVerify(during.Mint("gateway"), out _));
    }
}

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualClock : TimeProvider
{
    private DateTimeOffset _now = new(2026, 12, 2, 4, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
