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
        Assert.Equal(5.0, info.DurationSeconds, 0.1);
        Assert.Equal(5.0, film.DurationSeconds, 0.1);
        Assert.NotEmpty(reported);

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

    [Fact]
    public async Task A_missing_clip_is_refused_with_its_code()
    {
        var error = await Assert.ThrowsAsync<CompositionException>(() => _composer.ComposeAsync([Path.Combine(_folder, "absent.mp4")], "fade", 0.5, Path.Combine(_folder, "film.mp4"), null, TestContext.Current.CancellationToken));
        Assert.Equal("compose.clip_missing", error.Code);
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
