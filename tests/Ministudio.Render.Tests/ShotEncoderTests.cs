using Ministudio.Platform;
using Ministudio.Render.Rendering;
using Ministudio.ServiceDefaults;
using Ministudio.TestSupport;

namespace Ministudio.Render.Tests;

/// <summary>The encoder on its own, with real ffmpeg: cancellation and a full-length shot.</summary>
public sealed class ShotEncoderTests : IDisposable
{
    private readonly string _artifactRoot = Directory.CreateTempSubdirectory("ministudio-encoder-tests").FullName;
    private readonly ArtifactStore _store;
    private readonly RenderStats _stats = new();
    private readonly ShotEncoder _encoder;

    public ShotEncoderTests()
    {
        _store = new ArtifactStore(_artifactRoot);
        _encoder = new ShotEncoder(_store, _stats);
    }

    public void Dispose() => Directory.Delete(_artifactRoot, recursive: true);

    [Fact]
    public async Task A_cancelled_render_stops_and_leaves_no_file_behind()
    {
        var request = FigureTests.Request(seed: 7, action: "Mira runs", camera: "pan-left", FigureTests.Mira);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var framesDrawn = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _encoder.RenderAsync(request, (done, _) =>
        {
            framesDrawn = done;
            if (done == 10) cancel.Cancel();
        }, cancel.Token));

        Assert.Equal(10, framesDrawn);
        Assert.Empty(Directory.EnumerateFiles(_artifactRoot, "*", SearchOption.AllDirectories));
        Assert.Equal(0, _stats.ShotsRendered);
    }

    [Fact]
    public async Task A_four_second_720p_shot_has_every_frame_at_a_constant_rate()
    {
        // Speed is recorded in docs/benchmarks.md against a peer; tests never gate on wall time.
        var request = FigureTests.Request(seed: 8, action: "Mira and Theo cross the bridge at dusk", camera: "push-in", FigureTests.Mira, FigureTests.Theo);
        request.DurationSeconds = 4;

        var completed = await _encoder.RenderAsync(request, (_, _) => { }, TestContext.Current.CancellationToken);

        Assert.Equal((96, 1280, 720), (completed.Frames, completed.Width, completed.Height));
        var info = await Media.ProbeAsync(_store.PathOf(completed.ArtifactHash));
        Assert.Equal(4.0, info.DurationSeconds, 0.05);
        Assert.Equal(24, info.FramesPerSecond, 0.01);
        Assert.Equal(1, _stats.ShotsRendered);
    }
}
