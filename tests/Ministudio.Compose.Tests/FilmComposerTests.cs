using System.Diagnostics;
using Ministudio.Compose.Timeline;
using Ministudio.TestSupport;

namespace Ministudio.Compose.Tests;

public sealed class FilmComposerTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ministudio-compose-tests").FullName;
    private readonly FilmComposer _composer = new(new ComposeOptions(TimeSpan.FromMinutes(2), 2));

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_graph_chains_xfades_at_the_running_length_minus_the_transition()
    {
        Assert.Equal(
            "[0:v]settb=AVTB,setpts=PTS-STARTPTS[s0];[1:v]settb=AVTB,setpts=PTS-STARTPTS[s1];[2:v]settb=AVTB,setpts=PTS-STARTPTS[s2];" +
            "[s0][s1]xfade=transition=fade:duration=0.5:offset=3.5[x1];[x1][s2]xfade=transition=fade:duration=0.5:offset=6[out]",
            FilmComposer.CrossFadeGraph([4, 3, 4], "fade", 0.5));
    }

    [Fact]
    public async Task Three_clips_cross_fade_into_one_film_of_the_expected_length()
    {
        var clips = new[] { await Clips.SolidAsync(_folder, "red", 2), await Clips.SolidAsync(_folder, "lime", 2), await Clips.SolidAsync(_folder, "blue", 2) };
        var reported = new List<double>();
        var film = await _composer.ComposeAsync(clips, "fade", 0.5, Path.Combine(_folder, "film.mp4"), new SynchronousProgress(reported.Add), TestContext.Current.CancellationToken);

        var info = await Media.ProbeAsync(film.Path);
        Assert.Equal(("h264", 640, 360), (info.Codec, info.Width, info.Height));
        Assert.Equal(24, info.FramesPerSecond, 0.01);
        Assert.Equal(5.0, info.DurationSeconds, 0.1);
        Assert.Equal(5.0, film.DurationSeconds, 0.1);
        Assert.NotEmpty(reported);
        Assert.All(reported, fraction => Assert.InRange(fraction, 0, 1));
        Assert.Equal(1, reported[^1]);

        // Clip 2 plays alone from 2.0 s to 3.0 s; the first cross-fade runs from 1.5 s to 2.0 s.
        var (r, g, b) = Average(await Media.FrameAtAsync(film.Path, 2.5));
        Assert.True(g > 200 && r < 40 && b < 40, $"middle of clip 2 should be green, was {r},{g},{b}");
        (r, g, b) = Average(await Media.FrameAtAsync(film.Path, 1.75));
        Assert.True(r is > 60 and < 200 && g is > 60 and < 200, $"the cross-fade should blend red into green, was {r},{g},{b}");
    }

    [Fact]
    public async Task One_clip_is_copied_unchanged_in_length()
    {
        var clip = await Clips.SolidAsync(_folder, "red", 1.5);
        var film = await _composer.ComposeAsync([clip], "fade", 0.5, Path.Combine(_folder, "film.mp4"), null, TestContext.Current.CancellationToken);
        Assert.Equal(1.5, (await Media.ProbeAsync(film.Path)).DurationSeconds, 0.05);
    }

    [Fact]
    public async Task An_unknown_transition_is_refused_with_its_code()
    {
        var clip = await Clips.SolidAsync(_folder, "red", 1);
        var error = await Assert.ThrowsAsync<CompositionException>(() => _composer.ComposeAsync([clip, clip], "explode", 0.5, Path.Combine(_folder, "film.mp4"), null, TestContext.Current.CancellationToken));
        Assert.Equal("compose.invalid_transition", error.Code);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-0.5)]
    [InlineData(double.NaN)]
    [InlineData(61)]
    public async Task A_transition_length_xfade_cannot_take_is_refused_with_its_code(double seconds)
    {
        var clip = await Clips.SolidAsync(_folder, "red", 1);
        var error = await Assert.ThrowsAsync<CompositionException>(() => _composer.ComposeAsync([clip, clip], "fade", seconds, Path.Combine(_folder, "film.mp4"), null, TestContext.Current.CancellationToken));
        Assert.Equal("compose.invalid_transition", error.Code);
    }

    [Fact]
    public async Task A_clip_ffmpeg_cannot_read_fails_with_the_ffmpeg_code()
    {
        var clip = await Clips.SolidAsync(_folder, "red", 1);
        var garbage = Path.Combine(_folder, "garbage.mp4");
        await File.WriteAllBytesAsync(garbage, new byte[4096], TestContext.Current.CancellationToken);
        var error = await Assert.ThrowsAsync<CompositionException>(() => _composer.ComposeAsync([clip, garbage], "fade", 0.5, Path.Combine(_folder, "film.mp4"), null, TestContext.Current.CancellationToken));
        Assert.Equal("compose.ffmpeg_failed", error.Code);
    }

    [Fact]
    public async Task Ffmpeg_is_stopped_at_the_wall_time_cap()
    {
        // Uncapped, this film takes several seconds to encode (about 8 s on two cores).
        var clip = await Clips.PatternAsync(_folder, 60);
        var output = Path.Combine(_folder, "capped.mp4");
        var capped = new FilmComposer(new ComposeOptions(TimeSpan.FromSeconds(0.5), 2));

        var error = await Assert.ThrowsAsync<CompositionException>(() => capped.ComposeAsync([clip, clip], "fade", 0.5, output, null, TestContext.Current.CancellationToken));

        Assert.Equal("compose.ffmpeg_failed", error.Code);
        Assert.Contains("Compose:MaxSeconds", error.Message);
        Assert.False(await FfmpegStillWritesAsync(output), "ffmpeg should not outlive the cap");
    }

    [Fact]
    public async Task A_missing_clip_is_refused_with_its_code()
    {
        var error = await Assert.ThrowsAsync<CompositionException>(() => _composer.ComposeAsync([Path.Combine(_folder, "absent.mp4")], "fade", 0.5, Path.Combine(_folder, "film.mp4"), null, TestContext.Current.CancellationToken));
        Assert.Equal("compose.clip_missing", error.Code);
    }

    /// <summary>Whether any process still has <paramref name="output"/> on its command line, after a moment to exit.</summary>
    private static async Task<bool> FfmpegStillWritesAsync(string output)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            if (!Directory.EnumerateDirectories("/proc").Any(process => CommandLineOf(process).Contains(output, StringComparison.Ordinal))) return false;
            await Task.Delay(100);
        }
        return true;
    }

    private static string CommandLineOf(string processFolder)
    {
        try
        {
            return File.ReadAllText(Path.Combine(processFolder, "cmdline"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not a process folder, or the process ended while it was read.
            return "";
        }
    }

    private static (int R, int G, int B) Average(byte[] rgb)
    {
        long r = 0, g = 0, b = 0;
        for (var i = 0; i < rgb.Length; i += 3) { r += rgb[i]; g += rgb[i + 1]; b += rgb[i + 2]; }
        var pixels = rgb.Length / 3;
        return ((int)(r / pixels), (int)(g / pixels), (int)(b / pixels));
    }

    private sealed class SynchronousProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
