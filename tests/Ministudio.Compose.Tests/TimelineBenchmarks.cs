using System.Diagnostics;
using Ministudio.Compose.Rendering;
using Ministudio.Contracts;
using static Ministudio.Compose.Tests.Studio;
using Ministudio.Compose.MediaTools;

namespace Ministudio.Compose.Tests;

/// <summary>
/// Six 10 s 1080p clips: stream copy against re-encoding, and the service's encode against the same ffmpeg command run
/// by hand. Heavy, so it runs only when asked (docs/benchmarks.md has the command):
/// MINISTUDIO_BENCHMARKS=1 dotnet test --project tests/Ministudio.Compose.Tests -c Release --no-build --filter-class Ministudio.Compose.Tests.TimelineBenchmarks
/// Only a same-run ratio is asserted, never an absolute time.
/// </summary>
public sealed class TimelineBenchmarks : IDisposable
{
    private readonly Studio _studio = new();

    public void Dispose() => _studio.Dispose();

    [Fact]
    public async Task Stream_copy_beats_re_encoding_and_the_service_adds_little_to_ffmpeg()
    {
        if (Environment.GetEnvironmentVariable("MINISTUDIO_BENCHMARKS") != "1") Assert.Skip("Set MINISTUDIO_BENCHMARKS=1 to run the benchmarks.");
        var ct = TestContext.Current.CancellationToken;
        var output = TestContext.Current.TestOutputHelper!;
        // One moving 10 s pattern, six times over: the same work per clip as six different ones.
        var pattern = await _studio.AddAsync(await Clips.PatternAsync(_studio.Fixtures, 10, 1920, 1080));
        var clips = Enumerable.Range(0, 6).Select(i => Video(pattern, i * 10)).ToList();
        var options = new ComposeOptions(TimeSpan.FromMinutes(20), Environment.ProcessorCount);
        var renderer = new TimelineRenderer(options, new Ministudio.Compose.Audio.AudioMixer(options));
        var copyTimeline = OneTrack(new TimelineOutput("16:9", 1080, 24, "draft"), [.. clips]);
        // One title makes the same film need a re-encode; it is the only difference.
        var encodeTimeline = copyTimeline with { Tracks = [.. copyTimeline.Tracks, new TimelineTrack([new TimelineClip(TimelineVocabulary.Title, 0, 1, Text: "Benchmark")])] };

        var copied = await renderer.RenderAsync(copyTimeline, _studio.Artifacts, _studio.Artifacts.CreateScratchFolder(), null, ct);
        var service = Stopwatch.StartNew();
        var encoded = await renderer.RenderAsync(encodeTimeline, _studio.Artifacts, _studio.Artifacts.CreateScratchFolder(), null, ct);
        service.Stop();
        Assert.True(copied.StreamCopied);
        Assert.False(encoded.StreamCopied);

        var copyFfmpeg = await TimeAsync(copied.Arguments, Path.GetDirectoryName(copied.Path)!, ct);
        var encodeFfmpeg = await TimeAsync(encoded.Arguments, Path.GetDirectoryName(encoded.Path)!, ct);
        var copyRatio = encodeFfmpeg.TotalSeconds / copyFfmpeg.TotalSeconds;
        var overhead = service.Elapsed.TotalSeconds / encodeFfmpeg.TotalSeconds;
        output.WriteLine($"cores {Environment.ProcessorCount}; ffmpeg stream copy {copyFfmpeg.TotalSeconds:0.00} s; ffmpeg re-encode {encodeFfmpeg.TotalSeconds:0.00} s; " +
            $"ratio {copyRatio:0.0}x; service render (probe, link, encode, poster) {service.Elapsed.TotalSeconds:0.00} s; service / raw ffmpeg {overhead:0.00}x");
        output.WriteLine($"raw command: ffmpeg {string.Join(' ', encoded.Arguments)}");
        Assert.True(copyRatio >= 5, $"stream copy should be at least 5x faster than re-encoding, was {copyRatio:0.0}x");
    }

    /// <summary>The exact argument list the service ran, run again by hand (a fresh output name) and timed.</summary>
    private static async Task<TimeSpan> TimeAsync(IReadOnlyList<string> arguments, string folder, CancellationToken ct)
    {
        var start = new ProcessStartInfo("ffmpeg") { WorkingDirectory = folder, RedirectStandardError = true };
        foreach (var argument in (string[])["-hide_banner", "-nostdin", "-nostats", "-v", "error", "-y", .. arguments.SkipLast(1), "raw.mp4"])
            start.ArgumentList.Add(argument);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var errors = await process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        clock.Stop();
        Assert.True(process.ExitCode == 0, errors);
        return clock.Elapsed;
    }
}
