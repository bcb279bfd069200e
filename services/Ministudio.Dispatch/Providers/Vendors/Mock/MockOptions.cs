namespace Ministudio.Dispatch.Providers.Vendors.Mock;

/// <summary>
/// The mock vendor (<c>Dispatch:Vendors:mock</c>): offline, deterministic, and able to misbehave on purpose.
/// <para>
/// Failure injection, for chaos and fallback tests: attempt <c>n</c> (1, 2, … per job, shot and seed) of a request
/// with seed <c>s</c> fails when <c>n ≤ FailFirstAttempts</c> or when <c>u(s, n) &lt; FailureRate</c>, where
/// <c>u</c> is a uniform number in [0, 1) drawn from SHA-256("mock|s|n"). The kind is then
/// <c>FailureKinds[k(s, n) mod count]</c>, drawn from the same hash. Same options, seed and attempt: same outcome.
/// </para>
/// <list type="bullet">
/// <item><c>rate_limited</c> → provider.rate_limited, retryable, RetryAfter = <see cref="RetryAfter"/>, at once (like a 429 on create).</item>
/// <item><c>unavailable</c> → provider.unavailable, retryable, after <see cref="Latency"/>.</item>
/// <item><c>content_rejected</c> → provider.content_rejected, not retryable, after <see cref="Latency"/>.</item>
/// </list>
/// </summary>
public sealed class MockOptions : VendorOptions
{
    /// <summary>Share of attempts that fail, 0..1.</summary>
    public double FailureRate { get; set; }

    /// <summary>The first N attempts of every shot fail whatever the rate (a vendor that recovers after N tries).</summary>
    public int FailFirstAttempts { get; set; }

    /// <summary>
    /// Failure kinds to draw from: rate_limited, unavailable, content_rejected; empty means rate_limited and
    /// unavailable. (Empty by default because configuration binding appends to a list instead of replacing it.)
    /// </summary>
    public List<string> FailureKinds { get; set; } = [];

    public IReadOnlyList<string> EffectiveFailureKinds => FailureKinds.Count > 0 ? FailureKinds : [MockFailureKinds.RateLimited, MockFailureKinds.Unavailable];

    /// <summary>What a rate-limited attempt says to wait.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Seeds whose attempts are accepted and never finish, a vendor task stuck on the vendor's side: only the attempt's
    /// timeout (<c>Dispatch:Vendors:mock:Resilience:AttemptTimeout</c>) or the job's cancellation ends them.
    /// </summary>
    public List<long> StuckSeeds { get; set; } = [];

    /// <summary>Simulated vendor time before rendering (or failing) an accepted attempt.</summary>
    public TimeSpan Latency { get; set; } = TimeSpan.Zero;

    /// <summary>The long side of the clip in pixels: the mock renders small so it stays quick.</summary>
    public int LongSide { get; set; } = 320;

    public int Fps { get; set; } = 12;

    /// <summary>
    /// Render one clip per output format (the small size, frame rate and length) and serve that stored clip to every
    /// later request of the format, whatever its prompt, seed, characters or first frame: for load tests whose measure is
    /// dispatch and the bus, not the render service. The clip is rendered from a fixed stand-in request, so it is the
    /// same real MP4 in every run; a clip cleaned away from the artifact store is rendered again. Off by default.
    /// </summary>
    public bool ReuseClips { get; set; }

    /// <summary>The mock needs no credentials.</summary>
    public override bool IsConfigured => Enabled;
}

public static class MockFailureKinds
{
    public const string RateLimited = "rate_limited";
    public const string Unavailable = "unavailable";
    public const string ContentRejected = "content_rejected";

    public static readonly IReadOnlyList<string> All = [RateLimited, Unavailable, ContentRejected];
}
