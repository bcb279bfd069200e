using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Ministudio.AppHost;
using Ministudio.AppHost.Hosting;
using Ministudio.Render.Rendering;
using Ministudio.ServiceDefaults;
using Ministudio.TestSupport;
using Npgsql;

namespace Ministudio.EndToEnd.Tests;

[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "platform";
}

/// <summary>
/// Boots Ministudio exactly as the AppHost does — same model, same environment conventions, every service its own
/// process — against the test servers, with a fresh database and artifact folder.
/// </summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    public static readonly string SampleFilm = Path.Combine(Repository.Root, "samples", "lighthouse.json");

    private readonly string _artifacts = Directory.CreateTempSubdirectory("ministudio-e2e-artifacts").FullName;
    private ArtifactStore? _store;
    private DistributedApplication _app = null!;
    private string _database = null!;

    public string DevelopmentKey { get; } = ApiKeys.Generate(ApiKeys.Development);
    public string OtherTenantKey { get; } = ApiKeys.Generate(ApiKeys.Test);
    public string AdminKey { get; } = $"e2e-admin-{Guid.NewGuid():N}";

    public async ValueTask InitializeAsync()
    {
        _database = await TestInfrastructure.CreateDatabaseAsync("e2e");
        var builder = DistributedApplication.CreateBuilder([
            $"--ConnectionStrings:redis={await TestInfrastructure.RedisAsync()}",
            $"--ConnectionStrings:rabbitmq={await TestInfrastructure.RabbitMqAsync()}",
            $"--ConnectionStrings:postgres={_database}",
        ]);
        MinistudioModel.Define(builder, new MinistudioOptions
        {
            ArtifactsRoot = _artifacts,
            DevelopmentApiKey = DevelopmentKey,
            AdminApiKey = AdminKey,
            ExtraTenantKeys = { ["other"] = OtherTenantKey },
        });
        _app = builder.Build();
        await _app.StartAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        Directory.Delete(_artifacts, recursive: true);
    }

    /// <summary>Where a clip is in the shared artifact store (tests look at single shots there).</summary>
    public string ClipPath(string hash) => (_store ??= new ArtifactStore(_artifacts)).PathOf(hash);

    public Uri GatewayUrl => _app.GetEndpoint("gateway");

    public HttpClient GatewayClient(string? apiKey)
    {
        var client = new HttpClient { BaseAddress = _app.GetEndpoint("gateway"), Timeout = TimeSpan.FromMinutes(2) };
        if (apiKey is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    /// <summary>Shots the render service has drawn since it started (its own /stats, not routed by the gateway).</summary>
    public async Task<long> RenderedShotsAsync()
    {
        using var client = new HttpClient { BaseAddress = _app.GetEndpoint("render") };
        var stats = await client.GetFromJsonAsync<JsonObject>("/stats");
        return stats!["shotsRendered"]!.GetValue<long>();
    }

    public async Task<long> JobCountAsync()
    {
        await using var dataSource = NpgsqlDataSource.Create(_database);
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
