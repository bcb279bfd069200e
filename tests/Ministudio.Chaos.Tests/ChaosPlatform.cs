using Aspire.Hosting.Testing;
using Ministudio.Dispatch.Leases;
using Ministudio.Dispatch.Providers.Vendors.Mock;
using Ministudio.Dispatch.Routing;
using Ministudio.ServiceDefaults;
using Ministudio.Testing;

namespace Ministudio.Chaos.Tests;

[CollectionDefinition(Name)]
public sealed class ChaosCollection : ICollectionFixture<ChaosPlatform>
{
    public const string Name = "chaos";
}

/// <summary>
/// The whole platform under its AppHost, its own instance (the kills here never reach the end-to-end suite's), with the
/// mock vendor standing in for the real ones: each accepted attempt takes <see cref="VendorLatency"/>, and a shot with
/// <see cref="StuckSeed"/> never finishes until its attempt times out after <see cref="AttemptTimeout"/>.
/// </summary>
public sealed class ChaosPlatform() : AppHostPlatform("chaos")
{
    public static readonly TimeSpan VendorLatency = TimeSpan.FromSeconds(2);

    /// <summary>Longer than a render restart (the mock renders through render, which a kill takes away for up to ~25 s).</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(60);

    public const long StuckSeed = 404_404;

    /// <summary>A tenant's batch films in production at once; each has one shot in flight (a film's shots follow each other).</summary>
    public const int FilmsAtOnce = 4;

    protected override void Configure(IDistributedApplicationTestingBuilder builder)
    {
        SetServiceConfiguration(builder, ResourceNames.Prompt, new Dictionary<string, string>
        {
            ["Batches:MaxActiveJobsPerTenant"] = FilmsAtOnce.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var mock = $"Dispatch:Vendors:{MockProvider.ProviderName}";
        SetServiceConfiguration(builder, ResourceNames.Dispatch, new Dictionary<string, string>
        {
            // A silent dispatch's shots are taken over sooner than in production (30 s grace).
            [$"{ShotLeaseOptions.Section}:{nameof(ShotLeaseOptions.HeartbeatInterval)}"] = "00:00:02",
            [$"{ShotLeaseOptions.Section}:{nameof(ShotLeaseOptions.GracePeriod)}"] = "00:00:08",
            [$"{mock}:{nameof(MockOptions.Latency)}"] = VendorLatency.ToString(),
            [$"{mock}:{nameof(MockOptions.StuckSeeds)}:0"] = StuckSeed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [$"{VendorResilienceOptions.SectionOf(MockProvider.ProviderName)}:{nameof(VendorResilienceOptions.AttemptTimeout)}"] = AttemptTimeout.ToString(),
        });
    }
}
