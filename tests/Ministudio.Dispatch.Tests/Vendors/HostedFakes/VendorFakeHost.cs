using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Ministudio.Contracts;
using Ministudio.Contracts.Render;
using Ministudio.Dispatch.Providers;
using Ministudio.Dispatch.Providers.Vendors;
using Ministudio.ServiceDefaults;

namespace Ministudio.Dispatch.Tests.Vendors.HostedFakes;

/// <summary>One request a fake vendor received, as the vendor saw it.</summary>
public sealed record ReceivedCall(string Method, string Path, string Query, string? Authorization, string? Prefer, string Body)
{
    public JsonNode? Json => Body.Length == 0 ? null : JsonNode.Parse(Body);

    public override string ToString() => $"{Method} {Path}{Query}";
}

/// <summary>How a fake answers the call that creates a task.</summary>
public enum CreateAnswer { Accept, RateLimited, BadRequest, Unsafe, ServerError }

/// <summary>How a fake's task ends once polled enough.</summary>
public enum TaskEnding { Succeed, Unsafe, Fail, Never }

/// <summary>
/// A fake vendor's HTTP server: a plain WebApplication on 127.0.0.1 with a random port, recording every request
/// before the vendor's own minimal-API routes answer it. The fakes share the scenario knobs declared here.
/// </summary>
public sealed class VendorFakeHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedCall> _calls = new();

    private VendorFakeHost(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    public IReadOnlyList<ReceivedCall> Calls => [.. _calls];

    public CreateAnswer Create { get; set; } = CreateAnswer.Accept;

    public TaskEnding Ending { get; set; } = TaskEnding.Succeed;

    /// <summary>Polls that see the task still working before it ends.</summary>
    public int WorkingPolls { get; set; } = 2;

    /// <summary>Polls answered with a 5xx before the vendor answers properly again.</summary>
    public int FailingPolls { get; set; }

    public static async Task<VendorFakeHost> StartAsync(Action<WebApplication, VendorFakeHost> mapRoutes)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var host = new VendorFakeHost(builder.Build());
        host._app.Use(async (context, next) =>
        {
            context.Request.EnableBuffering();
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync(context.RequestAborted);
            context.Request.Body.Position = 0;
            host._calls.Enqueue(new ReceivedCall(context.Request.Method, context.Request.Path, context.Request.QueryString.Value ?? "",
                context.Request.Headers.Authorization.FirstOrDefault(), context.Request.Headers["Prefer"].FirstOrDefault(), body));
            await next(context);
        });
        mapRoutes(host._app, host);
        await host._app.StartAsync();
        host.BaseUrl = new Uri(host._app.Urls.Single().TrimEnd('/') + "/");
        return host;
    }

    /// <summary>The scenario step for one poll: a 5xx, still working, or the ending.</summary>
    public PollStep NextPoll(ref int polls)
    {
        var poll = Interlocked.Increment(ref polls);
        if (poll <= FailingPolls) return PollStep.ServerError;
        if (Ending == TaskEnding.Never || poll <= FailingPolls + WorkingPolls) return PollStep.Working;
        return PollStep.Ended;
    }

    public string Url(string path) => new Uri(BaseUrl, path).ToString();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public enum PollStep { ServerError, Working, Ended }

/// <summary>A real small MP4 (ffmpeg's test pattern), made once per test run: what every fake vendor serves.</summary>
public static class SampleClip
{
    private static readonly Lazy<Task<byte[]>> Bytes = new(MakeAsync);

    public static Task<byte[]> BytesAsync() => Bytes.Value;

    private static async Task<byte[]> MakeAsync()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("ministudio-sample-clip").FullName, "sample.mp4");
        var ffmpeg = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true };
        foreach (var argument in new[] { "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x180:rate=24", "-t", "1", "-c:v", "libx264", "-pix_fmt", "yuv420p", path })
            ffmpeg.ArgumentList.Add(argument);
        using var process = Process.Start(ffmpeg)!;
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"ffmpeg could not make the sample clip: {errors}");
        var bytes = await File.ReadAllBytesAsync(path);
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        return bytes;
    }
}

/// <summary>Progress reports kept in order as they happen (Progress&lt;T&gt; would post them later).</summary>
public sealed class RecordedProgress : IProgress<ProviderProgress>
{
    private readonly ConcurrentQueue<ProviderProgress> _reports = new();

    public IReadOnlyList<ProviderProgress> Reports => [.. _reports];

    public void Report(ProviderProgress value) => _reports.Enqueue(value);
}

/// <summary>
/// Dispatch's vendor wiring (AddVideoVendors with the shared kit) in a service collection, configured by
/// <c>Dispatch:Vendors:{name}:*</c> settings, with its own artifact store.
/// </summary>
public sealed class VendorTestHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private readonly bool _ownsArtifacts;

    private VendorTestHost(ServiceProvider services, ArtifactStore artifacts, bool ownsArtifacts)
    {
        _services = services;
        Artifacts = artifacts;
        _ownsArtifacts = ownsArtifacts;
    }

    public ArtifactStore Artifacts { get; }

    public IServiceProvider Services => _services;

    /// <summary>
    /// Settings are relative to <c>Dispatch:Vendors:{vendor}</c>. <paramref name="renderer"/> is the render service
    /// the mock uses; the HTTP vendors never call it, so by default it points nowhere.
    /// </summary>
    public static VendorTestHost Create(string vendor, IReadOnlyDictionary<string, string?> settings, Renderer.RendererClient? renderer = null, string? artifactRoot = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create($"Dispatch:Vendors:{vendor}:{s.Key}", s.Value)))
            .Build();
        var artifacts = new ArtifactStore(artifactRoot ?? Directory.CreateTempSubdirectory("ministudio-vendor-tests").FullName);
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton(artifacts)
            .AddSingleton<ClipDownloader>()
            .AddSingleton<ShotInputs>()
            .AddSingleton(TimeProvider.System)
            .AddSingleton(renderer ?? new Renderer.RendererClient(GrpcChannel.ForAddress("http://127.0.0.1:9")))
            .AddVideoVendors()
            .BuildServiceProvider(validateScopes: true);
        return new VendorTestHost(services, artifacts, ownsArtifacts: artifactRoot is null);
    }

    public IVideoProvider Provider(string name) => _services.GetServices<IVideoProvider>().Single(p => p.Name == name);

    /// <summary>Puts the sample clip in the store, as the previous shot of a continuity chain.</summary>
    public async Task<string> AddPreviousClipAsync()
    {
        var path = Path.Combine(Artifacts.CreateScratchFolder(), "previous.mp4");
        await File.WriteAllBytesAsync(path, await SampleClip.BytesAsync());
        return await Artifacts.AddFileAsync(path);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        if (_ownsArtifacts && Directory.Exists(Artifacts.Root)) Directory.Delete(Artifacts.Root, recursive: true);
    }
}

public static class ShotJobs
{
    public static ShotJob Job(double seconds = 5, string aspect = "16:9", int width = 1280, int height = 720, long seed = 42,
        string? negative = "blurry, text", string? firstFrameClip = null, IReadOnlyList<string>? references = null, string? provider = null) =>
        new(Guid.NewGuid(), 0, new ShotRequest(provider ?? "vendor", "ACTION: Mira walks along the harbour at dawn", "walks", aspect, width, height, 24, seconds,
            seed, "push-in", negative, new ShotStyle("cinematic", ["#102030"]), [new ShotCharacter("Mira", 0, [new("hair", "silver")])], firstFrameClip, references),
            Guid.NewGuid());
}
