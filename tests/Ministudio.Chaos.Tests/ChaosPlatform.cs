using Aspire.Hosting.Testing;
using Ministudio.Compose.MediaTools;
using Ministudio.Dispatch.Leases;
using Ministudio.Dispatch.Providers.Vendors.Mock;
using Ministudio.Dispatch.Routing;
using Ministudio.Gateway.RateLimiting;
using Ministudio.ServiceDefaults;
using Ministudio.Testing;
using Ministudio.TestSupport;

namespace Ministudio.Chaos.Tests;

[CollectionDefinition(Name)]
public sealed class ChaosCollection : ICollectionFixture<ChaosPlatform>
{
    public const string Name = "chaos";
}

/// <summary>
/// The whole platform under its AppHost, its own instance (the kills here never reach the end-to-end suite's), with the
/// mock vendor standing in for the real ones: each accepted attempt takes <see cref="VendorLatency"/>, and a shot with
/// <see cref="StuckSeed"/> never finishes until its attempt times out after <see cref="AttemptTimeout"/>. Artifacts live
/// in an S3 bucket on an s3rver of the suite's own (<see cref="ArtifactServer"/>), as in the Kubernetes <c>prod</c>
/// overlay, so that R5 can take the store away and bring it back.
/// </summary>
public sealed class ChaosPlatform() : AppHostPlatform("chaos")
{
    public static readonly TimeSpan VendorLatency = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Longer than a render restart (the mock renders through render, which a kill took away for 11–25 s on a loaded
    /// machine, and dispatch calls it again with back-offs up to 8 s): R6's stuck shot fails after it.
    /// </summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(40);

    public const long StuckSeed = 404_404;

    /// <summary>How long the gateway's rate limiter waits for Redis before it lets a request through uncounted.</summary>
    public static readonly TimeSpan RedisTimeout = TimeSpan.FromMilliseconds(new RateLimitOptions().RedisTimeoutMilliseconds);

    /// <summary>
    /// A tenant's batch films in production at once, each with one shot in flight (a film's shots follow each other):
    /// the default batch in one go.
    /// </summary>
    public const int FilmsAtOnce = 6;

    /// <summary>How soon a silent dispatch's shots are taken over (production: 30 s); heart-beats come every second.</summary>
    public static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(6);

    /// <summary>Messages in each <c>_error</c> queue after the last scenario's check: the next one's baseline.</summary>
    public IReadOnlyDictionary<string, long> FaultedMessages { get; set; } = new Dictionary<string, long>();

    /// <summary>The S3 server every service keeps its artifacts in; R5 stops it and starts it again.</summary>
    public S3rverProcess ArtifactServer { get; private set; } = null!;

    public override async ValueTask InitializeAsync()
    {
        ArtifactServer = await S3rverProcess.StartAsync();
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await ArtifactServer.DisposeAsync();
    }

    protected override void Configure(IDistributedApplicationTestingBuilder builder)
    {
        foreach (var service in new[] { ResourceNames.Render, ResourceNames.Dispatch, ResourceNames.Compose, ResourceNames.Prompt })
            SetServiceConfiguration(builder, service, TestS3.Settings(ArtifactServer.Endpoint));
        SetServiceConfiguration(builder, ResourceNames.Prompt, new Dictionary<string, string>
        {
            ["Batches:MaxActiveJobsPerTenant"] = FilmsAtOnce.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        // A batch of short films: compose takes several at once instead of queueing them one by one.
        SetServiceConfiguration(builder, ResourceNames.Compose, new Dictionary<string, string>
        {
            [$"{ComposeOptions.Section}:{nameof(ComposeOptions.MaxConcurrentFilms)}"] = "3",
        });
        var mock = $"Dispatch:Vendors:{MockProvider.ProviderName}";
        SetServiceConfiguration(builder, ResourceNames.Dispatch, new Dictionary<string, string>
        {
            [$"{ShotLeaseOptions.Section}:{nameof(ShotLeaseOptions.HeartbeatInterval)}"] = TimeSpan.FromSeconds(1).ToString(),
            [$"{ShotLeaseOptions.Section}:{nameof(ShotLeaseOptions.GracePeriod)}"] = GracePeriod.ToString(),
            [$"{mock}:{nameof(MockOptions.Latency)}"] = VendorLatency.ToString(),
            [$"{mock}:{nameof(MockOptions.StuckSeeds)}:0"] = StuckSeed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [$"{VendorResilienceOptions.SectionOf(MockProvider.ProviderName)}:{nameof(VendorResilienceOptions.AttemptTimeout)}"] = AttemptTimeout.ToString(),
        });
    }
}
