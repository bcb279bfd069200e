using Aspire.Hosting.Testing;
using Ministudio.EndToEnd.Tests.Telemetry;
using Ministudio.Platform;
using Ministudio.Render.Rendering;
using Ministudio.TestSupport;
using Ministudio.Testing;

namespace Ministudio.EndToEnd.Tests;

[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "platform";
}

/// <summary>The whole platform under its AppHost (<see cref="AppHostPlatform"/>); the services export their traces to a receiver in this process.</summary>
public sealed class PlatformFixture() : AppHostPlatform("e2e")
{
    private ArtifactStore? _store;

    public OtlpTraceReceiver Traces { get; private set; } = null!;

    public override async ValueTask InitializeAsync()
    {
        Traces = await OtlpTraceReceiver.StartAsync();
        await base.InitializeAsync();
    }

    protected override void Configure(IDistributedApplicationTestingBuilder builder)
    {
        // Where Aspire points every service's OTLP exporter (the dashboard's address when it runs): OTLP/HTTP to the
        // receiver here, in place of the gRPC address the testing builder sets.
        builder.Configuration["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = null;
        builder.Configuration["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = Traces.Endpoint.ToString().TrimEnd('/');
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Traces.DisposeAsync();
    }

    /// <summary>Where a clip is in the shared artifact store (tests look at single shots there).</summary>
    public string ClipPath(string hash) => (_store ??= new ArtifactStore(Artifacts)).PathOf(hash);

    /// <summary>Dispatch's spans for a job's shots, as far as they have arrived (spans leave a service about once a second).</summary>
    public List<ReceivedSpan> DispatchSpansOf(Guid jobId) => Traces.Spans
        .Where(span => span.Name == "dispatch shot" && span.Attributes.GetValueOrDefault("ministudio.job_id") as string == jobId.ToString()).ToList();

    public async Task<long> JobCountAsync()
    {
        await using var dataSource = await DatabaseAsync();
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM jobs");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>A rectangle inside the figure drawn for a character slot, where only the figure's own pixels are.</summary>
    public static (int X, int Y, int Width, int Height) FigureCore(int slot, int width, int height)
    {
        var core = FrameLayout.FigureCore(slot, width, height);
        return (core.Left, core.Top, core.Width, core.Height);
    }
}
