using System.Diagnostics;
using Ministudio.Render.Rendering;
namespace Ministudio.Render.Tests;
public sealed class TmpBench
{
    [Fact]
    public void Bench()
    {
        var request = FigureTests.Request(seed: 8, action: "Mira and Theo cross the bridge at dusk", camera: "push-in", FigureTests.Mira, FigureTests.Theo);
        request.DurationSeconds = 4;
        var sw = Stopwatch.StartNew();
        using var frames = new ShotFrames(request);
        var setup = sw.Elapsed.TotalMilliseconds;
        var buffer = new byte[1280 * 720 * 4];
        sw.Restart();
        for (var i = 0; i < frames.FrameCount; i++) frames.Draw(i).CopyTo(buffer);
        TestContext.Current.TestOutputHelper!.WriteLine($"setup {setup:0} ms, draw {sw.Elapsed.TotalMilliseconds / frames.FrameCount:0.0} ms/frame");
    }
}
