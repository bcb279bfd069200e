using System.Net.Http.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Ministudio.Contracts.Render;
using Ministudio.Platform;
using Ministudio.ServiceDefaults;
using Ministudio.TestSupport;

namespace Ministudio.Render.Tests;

/// <summary>Real gRPC calls into the render service hosted in memory; real ffmpeg encodes.</summary>
public sealed class RendererServiceTests : IAsyncLifetime
{
    private readonly string _artifactRoot = Directory.CreateTempSubdirectory("ministudio-render-tests").FullName;
    private WebApplicationFactory<Program> _factory = null!;
    private Renderer.RendererClient _client = null!;

    public ValueTask InitializeAsync()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web => web
            .UseSetting(ArtifactStore.RootKey, _artifactRoot)
            .UseSetting(TrustedCalls.Setting, TrustedCalls.SigningKey));
        var channel = GrpcChannel.ForAddress(_factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = TrustedCalls.Handler(inner: _factory.Server.CreateHandler()) });
        _client = new Renderer.RendererClient(channel);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        Directory.Delete(_artifactRoot, recursive: true);
    }

    [Fact]
    public async Task A_call_without_the_signed_assertion_is_refused_before_anything_is_drawn()
    {
        var bare = new Renderer.RendererClient(GrpcChannel.ForAddress(_factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = _factory.Server.CreateHandler() }));
        var request = FigureTests.Request(seed: 3, action: "Mira waves at the sea", camera: "push-in", FigureTests.Mira);
        using var call = bare.RenderShot(request, cancellationToken: TestContext.Current.CancellationToken);
        var refused = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(TestContext.Current.CancellationToken));
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        var stats = await _factory.CreateDefaultClient(TrustedCalls.Handler()).GetFromJsonAsync<RenderStatsBody>("/stats", TestContext.Current.CancellationToken);
        Assert.Equal(0, stats!.ShotsRendered);
    }

    [Theory]
    [InlineData(1280, 720)]
    [InlineData(720, 1280)]
    [InlineData(720, 720)]
    public async Task A_shot_streams_progress_and_lands_in_the_store_as_h264(int width, int height)
    {
        var request = FigureTests.Request(seed: 3, action: "Mira waves at the sea", camera: "push-in", FigureTests.Mira);
        request.Width = width;
        request.Height = height;
        request.DurationSeconds = 1;

        var progress = new List<RenderProgress>();
        RenderCompleted? completed = null;
        using var call = _client.RenderShot(request, cancellationToken: TestContext.Current.CancellationToken);
        await foreach (var reply in call.ResponseStream.ReadAllAsync(TestContext.Current.CancellationToken))
        {
            if (reply.ReplyCase == RenderShotReply.ReplyOneofCase.Progress) progress.Add(reply.Progress);
            else completed = reply.Completed;
        }

        Assert.NotNull(completed);
        Assert.True(progress.Count >= 3, "progress should be streamed while drawing");
        Assert.Equal(24, progress[^1].FramesTotal);
        Assert.Equal((24, width, height), (completed.Frames, completed.Width, completed.Height));
        var store = _factory.Services.GetRequiredService<ArtifactStore>();
        Assert.True(store.Contains(completed.ArtifactHash));
        var info = await Media.ProbeAsync(store.PathOf(completed.ArtifactHash));
        Assert.Equal(("h264", width, height), (info.Codec, info.Width, info.Height));
        Assert.Equal(24, info.FramesPerSecond, 0.01);
        Assert.Equal(1.0, info.DurationSeconds, 0.05);

        var stats = await _factory.CreateDefaultClient(TrustedCalls.Handler()).GetFromJsonAsync<RenderStatsBody>("/stats", TestContext.Current.CancellationToken);
        Assert.Equal((1, 24), (stats!.ShotsRendered, stats.FramesRendered));
    }

    [Fact]
    public async Task A_chained_shot_starts_on_the_true_last_frame_of_the_previous_one()
    {
        var store = _factory.Services.GetRequiredService<ArtifactStore>();
        var first = FigureTests.Request(seed: 11, action: "Mira climbs", camera: "pan-right", FigureTests.Mira);
        first.DurationSeconds = 1;
        var previous = await RenderAsync(first);

        var next = FigureTests.Request(seed: 12, action: "Mira arrives at the top", camera: "push-in", FigureTests.Mira, FigureTests.Theo);
        next.DurationSeconds = 1;
        next.FirstFrameArtifact = previous.ArtifactHash;
        var chained = await RenderAsync(next);

        var lastOfPrevious = await Media.FrameAtAsync(store.PathOf(previous.ArtifactHash), 23 / 24.0);
        var firstOfNext = await Media.FrameAtAsync(store.PathOf(chained.ArtifactHash), 0);
        var laterOfNext = await Media.FrameAtAsync(store.PathOf(chained.ArtifactHash), 0.9);
        var frame = (0, 0, 1280, 720);
        Assert.True(Media.MeanDifference(lastOfPrevious, firstOfNext, 1280, frame) < 2, "the chained shot must open on the previous last frame");
        Assert.True(Media.MeanDifference(lastOfPrevious, laterOfNext, 1280, frame) > 5, "and then become its own shot");

        next.FirstFrameArtifact = new string('f', 64);
        using var missing = _client.RenderShot(next, cancellationToken: TestContext.Current.CancellationToken);
        var error = await Assert.ThrowsAsync<RpcException>(async () => await missing.ResponseStream.MoveNext(TestContext.Current.CancellationToken));
        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
    }

    private async Task<RenderCompleted> RenderAsync(RenderShotRequest request)
    {
        using var call = _client.RenderShot(request, cancellationToken: TestContext.Current.CancellationToken);
        RenderCompleted? completed = null;
        await foreach (var reply in call.ResponseStream.ReadAllAsync(TestContext.Current.CancellationToken))
        {
            if (reply.ReplyCase == RenderShotReply.ReplyOneofCase.Completed) completed = reply.Completed;
        }
        return completed ?? throw new InvalidOperationException("The render finished without a clip.");
    }

    [Theory]
    [InlineData(1281, 720, 1.0)]
    [InlineData(1280, 720, 0.0)]
    [InlineData(0, 720, 1.0)]
    public async Task An_invalid_request_is_refused_before_any_work(int width, int height, double seconds)
    {
        var request = FigureTests.Request(seed: 1, action: "x", camera: "static");
        request.Width = width;
        request.Height = height;
        request.DurationSeconds = seconds;

        using var call = _client.RenderShot(request, cancellationToken: TestContext.Current.CancellationToken);
        var error = await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.MoveNext(TestContext.Current.CancellationToken));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_artifactRoot, "sha256"), "*", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData("spiral", "", "", 0.0, 1.0)]
    [InlineData("pan-left", "XCU", "", 0.0, 1.0)]
    [InlineData("pan-left", "CU", "", 0.5, 1.0)]
    [InlineData("pan-left", "CU", "Mira", 1.0, 0.5)]
    public async Task A_move_shot_type_or_speech_line_the_renderer_does_not_know_is_refused(string camera, string shotType, string speaker, double start, double end)
    {
        var request = FigureTests.Request(seed: 1, action: "x", camera: camera, FigureTests.Mira);
        request.ShotType = shotType;
        request.Speech.Add(new SpeechSpan { Speaker = speaker, StartSeconds = start, EndSeconds = end });
        if (camera == "spiral" || shotType == "XCU") request.Speech.Clear();

        using var call = _client.RenderShot(request, cancellationToken: TestContext.Current.CancellationToken);
        var error = await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.MoveNext(TestContext.Current.CancellationToken));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    private sealed record RenderStatsBody(long ShotsRendered, long FramesRendered);
}
