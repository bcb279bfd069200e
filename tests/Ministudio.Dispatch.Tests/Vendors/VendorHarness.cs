using Grpc.Net.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Ministudio.Contracts;
using Ministudio.Contracts.Render;
using Ministudio.Dispatch.Providers;
using Ministudio.Dispatch.Providers.Vendors;
using Ministudio.Platform;
using Ministudio.Platform.Trust;
using Ministudio.TestSupport;

namespace Ministudio.Dispatch.Tests.Vendors;

/// <summary>Dispatch's vendor registrations on a real artifact store, configured the way the service configures them.</summary>
public sealed class VendorHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly bool _ownsArtifacts;

    private VendorHarness(IReadOnlyDictionary<string, string?> settings, Renderer.RendererClient? renderer, string? artifactRoot, Action<IServiceCollection>? configure)
    {
        _ownsArtifacts = artifactRoot is null;
        Artifacts = new ArtifactStore(artifactRoot ?? Directory.CreateTempSubdirectory("ministudio-vendor-tests").FullName);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        Configuration = configuration;
        var services = new ServiceCollection();
        configure?.Invoke(services);
        services.AddOptions<ArtifactOptions>().BindConfiguration(ArtifactOptions.Section);
        services.AddOptions<ServiceTrustOptions>().BindConfiguration(ServiceTrustOptions.Section);
        services.AddOptions<PublicUrlOptions>().BindConfiguration(PublicUrlOptions.Section);
        _services = services
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton(Artifacts)
            .AddHttpContextAccessor()
            .AddSingleton<PublicUrls>()
            .AddSingleton<ArtifactUrls>()
            .AddSingleton<ClipDownloader>()
            .AddSingleton<ShotInputs>()
            .AddSingleton(TimeProvider.System)
            // The mock vendor renders through the render service; the HTTP vendors never call it, so by default it goes nowhere.
            .AddSingleton(renderer ?? new Renderer.RendererClient(GrpcChannel.ForAddress("http://127.0.0.1:9")))
            .AddVideoVendors()
            .BuildServiceProvider(validateScopes: true);
    }

    public ArtifactStore Artifacts { get; }

    public IConfiguration Configuration { get; }

    public ArtifactUrls Urls => _services.GetRequiredService<ArtifactUrls>();

    /// <summary>
    /// A harness on these settings; <paramref name="renderer"/> is the render service the mock vendor uses and
    /// <paramref name="artifactRoot"/> a store shared with it (by default a fresh one, deleted with the harness);
    /// <paramref name="configure"/> adds to the services first (an HTTP handler between the vendors and the fake, say).
    /// </summary>
    public static VendorHarness Create(IReadOnlyDictionary<string, string?> settings, Renderer.RendererClient? renderer = null, string? artifactRoot = null,
        Action<IServiceCollection>? configure = null) =>
        new(settings, renderer, artifactRoot, configure);

    /// <summary>Settings every vendor test uses: the fake's address, a key, and polling fast enough for tests.</summary>
    public static Dictionary<string, string?> VendorSettings(string vendor, Uri baseUrl, string? apiKey = "test-key") => new()
    {
        [$"Dispatch:Vendors:{vendor}:BaseUrl"] = baseUrl.ToString(),
        [$"Dispatch:Vendors:{vendor}:ApiKey"] = apiKey,
        [$"Dispatch:Vendors:{vendor}:PollInterval"] = "00:00:00.005",
        [$"Dispatch:Vendors:{vendor}:TaskTimeout"] = "00:01:00",
    };

    /// <summary>The vendor catalogue as routing sees it with these settings.</summary>
    public Routing.CapabilityCatalogue Catalogue => _services.GetRequiredService<Routing.CapabilityCatalogue>();

    /// <summary>The names of every provider <c>AddVideoVendors()</c> registered.</summary>
    public IReadOnlyList<string> ProviderNames => [.. _services.GetServices<IVideoProvider>().Select(p => p.Name)];

    public IVideoProvider Provider(string name) => _services.GetServices<IVideoProvider>().Single(p => p.Name == name);

    public T Provider<T>(string name) where T : IVideoProvider => (T)Provider(name);

    /// <summary>Puts the test clip in the store, as a previous shot in a continuity chain would have.</summary>
    public async Task<string> AddPreviousClipAsync() => await AddAsync(await TestMedia.ClipAsync(), "clip.mp4");

    public async Task<string> AddReferenceImageAsync() => await AddAsync(await TestMedia.ImageAsync(), "reference.png");

    public byte[] Read(string hash) => File.ReadAllBytes(Artifacts.PathOf(hash));

    private async Task<string> AddAsync(byte[] bytes, string name)
    {
        var path = Path.Combine(Artifacts.CreateScratchFolder(), name);
        await File.WriteAllBytesAsync(path, bytes);
        return await Artifacts.AddFileAsync(path);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        if (_ownsArtifacts && Directory.Exists(Artifacts.Root)) Directory.Delete(Artifacts.Root, recursive: true);
    }
}

public static class Shots
{
    public static ShotJob For(string provider, string aspectRatio = "16:9", int width = 1280, int height = 720, double duration = 8,
        string? negativePrompt = "blurry, text", string? firstFrameClip = null, IReadOnlyList<string>? references = null, string? prompt = null, long seed = 4242) =>
        new(Guid.NewGuid(), 3, new ShotRequest(
            provider, prompt ?? "ACTION: Mira walks through a neon market at night.", "Mira walks", aspectRatio, width, height, 24, duration,
            Seed: seed, CameraMove: "dolly-in", NegativePrompt: negativePrompt, new ShotStyle("cinematic", ["#112233"]),
            [new ShotCharacter("Mira", 0, [new("hair", "silver")])], firstFrameClip, references), Guid.NewGuid());
}

/// <summary>Keeps every report, synchronously, in order (Progress&lt;T&gt; would post them to the thread pool).</summary>
public sealed class RecordingProgress : IProgress<ProviderProgress>
{
    private readonly List<ProviderProgress> _reports = [];

    public IReadOnlyList<ProviderProgress> Reports
    {
        get
        {
            lock (_reports) return _reports.ToList();
        }
    }

    public void Report(ProviderProgress value)
    {
        lock (_reports) _reports.Add(value);
    }
}
