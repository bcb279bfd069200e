using Ministudio.Compose.Rendering;
using Ministudio.Contracts;
using Ministudio.TestSupport;
using static Ministudio.Compose.Tests.Studio;
using Ministudio.Compose.MediaTools;

namespace Ministudio.Compose.Tests;

public sealed class TimelineRendererTests : IDisposable
{
    private readonly Studio _studio = new();

    public void Dispose() => _studio.Dispose();

    [Fact]
    public async Task Clips_cross_fade_into_one_film_of_the_expected_length()
    {
        var red = await _studio.AddAsync(await Clips.SolidAsync(_studio.Fixtures, "red", 2));
        var lime = await _studio.AddAsync(await Clips.SolidAsync(_studio.Fixtures, "lime", 2));
        var blue = await _studio.AddAsync(await Clips.SolidAsync(_studio.Fixtures, "blue", 2));
        var reported = new List<double>();
        var fade = new ClipTransition("fade", 0.5);

        var film = await _studio.RenderAsync(OneTrack(Draft(), Video(red, 0, 2), Video(lime, 1.5, 2, fade), Video(blue, 3, 2, fade)), new SynchronousProgress(reported.Add));

        var info = await Media.ProbeAsync(film.Path);
        Assert.Equal(("h264", 1280, 720), (info.Codec, info.Width, info.Height));
        Assert.Equal(24, info.FramesPerSecond, 0.01);
        Assert.Equal(5.0, info.DurationSeconds, 0.1);
        Assert.False(film.StreamCopied);
        Assert.NotEmpty(reported);
        Assert.All(reported, fraction => Assert.InRange(fraction, 0, 1));
        Assert.Equal(1, reported[^1]);
        // Clip 2 plays alone from 2.0 s to 3.0 s; the first cross-fade runs from 1.5 s to 2.0 s.
        var (r, g, b) = Pixels.Average(await Media.FrameAtAsync(film.Path, 2.5));
        Assert.True(g > 200 && r < 40 && b < 40, $"middle of clip 2 should be green, was {r},{g},{b}");
        (r, g, _) = Pixels.Average(await Media.FrameAtAsync(film.Path, 1.75));
        Assert.True(r is > 60 and < 200 && g is > 60 and < 200, $"the cross-fade should blend red into green, was {r},{g}");
    }

    [Fact]
    public async Task Back_to_back_clips_with_equal_codec_parameters_are_joined_by_stream_copy()
    {
        var red = await _studio.AddAsync(await Clips.SolidAsync(_studio.Fixtures, "red", 1, 1280, 720));
        var blue = await _studio.AddAsync(await Clips.SolidAsync(_studio.Fixtures, "blue", 1.5, 1280, 720));

        var film = await _studio.RenderAsync(OneTrack(Draft(), Video(red, 0), Video(blue, 1)));

        Assert.True(film.StreamCopied);
        Assert.Equal(2.5, (await Media.ProbeAsync(film.Path)).DurationSeconds, 0.05);
        Assert.Contains("concat", film.Arguments);
        Assert.Equal("ffconcat version 1.0\nfile asset-000\nfile asset-001\n", await File.ReadAllTextAsync(Path.Combine(Path.GetDirectoryName(film.Path)!, "concat.txt"), TestContext.Current.CancellationToken));
        var (r, _, b) = Pixels.Average(await Media.FrameAtAsync(film.Path, 1.8));
        Assert.True(b > 200 && r < 40, "the second clip follows the first");
    }

    [Fact]
    public async Task Anything_that_changes_pixels_is_re_encoded()
    {
        var red = await _studio.AddAsync(await Clips.SolidAsync(_studio.Fixtures, "red", 1, 1280, 720));
        var blue = await _studio.AddAsync(await Clips.SolidAsync(_studio.Fixtures, "blue", 1, 1280, 720));
        var small = await _studio.AddAsync(await Clips.SolidAsync(_studio.Fixtures, "blue", 1));
        var fast = await _studio.AddAsync(await Clips.SolidAsync(_studio.Fixtures, "blue", 1, 1280, 720, fps: 30));
        var title = new TimelineClip(TimelineVocabulary.Title, 0, 1, Text: "Hello");

        Timeline[] timelines =
        [
            OneTrack(Draft(), Video(red, 0), Video(small, 1)),
            OneTrack(Draft(), Video(red, 0), Video(fast, 1)),
            OneTrack(Draft(), Video(red, 0, 1), Video(blue, 0.5, 1, new ClipTransition("wipeleft", 0.5))),
            OneTrack(Draft(), Video(red, 0), Video(blue, 1) with { Trim = 0.5 }),
            OneTrack(Draft(), Video(red, 0.5), Video(blue, 1.5)),
            OneTrack(Draft(), Video(red, 0), Video(blue, 1) with { Motion = new KenBurns() }),
            new(Draft(), [new TimelineTrack([Video(red, 0), Video(blue, 1)]), new TimelineTrack([title])]),
            OneTrack(Draft(fps: 30), Video(red, 0), Video(blue, 1)),
        ];
        foreach (var timeline in timelines)
            Assert.False((await _studio.RenderAsync(timeline)).StreamCopied);
    }

    [Theory]
    [InlineData("16:9", 720, 1280, 720)]
    [InlineData("16:9", 1080, 1920, 1080)]
    [InlineData("9:16", 720, 720, 1280)]
    [InlineData("9:16", 1080, 1080, 1920)]
    [InlineData("1:1", 720, 720, 720)]
    [InlineData("1:1", 1080, 1080, 1080)]
    [InlineData("4:5", 720, 720, 900)]
    [InlineData("4:5", 1080, 1080, 1350)]
    public async Task Each_preset_has_its_frame_size(string aspect, int resolution, int width, int height)
    {
        var clip = await _studio.AddAsync(await Clips.SolidAsync(_studio.Fixtures, "red", 0.5));
        var film = await _studio.RenderAsync(OneTrack(Draft(aspect, resolution), Video(clip, 0)));
        var info = await Media.ProbeAsync(film.Path);
        Assert.Equal((width, height), (info.Width, info.Height));
    }

    [Fact]
    public async Task Poster_sprite_sheet_and_hls_come_with_the_film()
    {
        var clip = await _studio.AddAsync(await Clips.PatternAsync(_studio.Fixtures, 6));
        var output = Draft() with { PosterSeconds = 2, Sprite = new SpriteSheet(3, 2, 160), Hls = new HlsOutput(2) };

        var film = await _studio.RenderAsync(OneTrack(output, Video(clip, 0)));

        var poster = await Media.ProbeAsync(film.PosterPath);
        Assert.Equal(("mjpeg", 1280, 720), (poster.Codec, poster.Width, poster.Height));
        var sprite = await Media.ProbeAsync(film.SpritePath!);
        Assert.Equal(("mjpeg", 3 * 160, 2 * 90), (sprite.Codec, sprite.Width, sprite.Height));
        var playlist = await File.ReadAllLinesAsync(film.HlsPlaylistPath!, TestContext.Current.CancellationToken);
        Assert.Contains("#EXT-X-ENDLIST", playlist);
        var segments = playlist.Where(line => line.EndsWith(".ts", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, segments.Count);
        Assert.All(segments, segment => Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(film.HlsPlaylistPath)!, segment))));
        // Key frames forced at every segment boundary: each segment is the asked-for length.
        Assert.All(playlist.Where(line => line.StartsWith("#EXTINF:", StringComparison.Ordinal)), line => Assert.StartsWith("#EXTINF:2.0", line));
    }

    [Fact]
    public async Task Ken_burns_moves_a_still_that_otherwise_stands_still()
    {
        var still = await _studio.AddAsync(await Clips.StillAsync(_studio.Fixtures));
        var image = new TimelineClip(TimelineVocabulary.Image, 0, 2, still);

        var moving = await _studio.RenderAsync(OneTrack(Draft(), image with { Motion = new KenBurns("in", "right", 0.5) }));
        var standing = await _studio.RenderAsync(OneTrack(Draft(), image));

        var whole = (0, 0, 1280, 720);
        var motion = Media.MeanDifference(await Media.FrameAtAsync(moving.Path, 0.1), await Media.FrameAtAsync(moving.Path, 1.9), 1280, whole);
        var stillness = Media.MeanDifference(await Media.FrameAtAsync(standing.Path, 0.1), await Media.FrameAtAsync(standing.Path, 1.9), 1280, whole);
        Assert.True(motion > 10, $"zooming in should change the picture, mean difference {motion}");
        Assert.True(stillness < 3, $"without motion a still stays still, mean difference {stillness}");
        Assert.Equal(2.0, (await Media.ProbeAsync(moving.Path)).DurationSeconds, 0.1);
        Assert.Equal("zoompan=z='1+0.5*on/48':x='(iw-iw/zoom)*on/48':y='(ih-ih/zoom)/2':d=1:s=1280x720:fps=24",
            FilterGraph.KenBurns(new KenBurns("in", "right", 0.5), 2, 24, 1280, 720));
    }

    [Fact]
    public async Task Titles_lower_thirds_and_picture_in_picture_are_drawn_over_the_picture()
    {
        var blue = await _studio.AddAsync(await Clips.SolidAsync(_studio.Fixtures, "blue", 2));
        var red = await _studio.AddAsync(await Clips.SolidAsync(_studio.Fixtures, "red", 2));
        var timeline = new Timeline(Draft(),
        [
            new TimelineTrack([Video(blue, 0)]),
            new TimelineTrack([new TimelineClip(TimelineVocabulary.Video, 1, 1, red, Scale: 0.25, Position: "top-right")]),
            new TimelineTrack([new TimelineClip(TimelineVocabulary.Title, 0, 1, Text: "BIG TITLE", FontSize: 140)]),
            new TimelineTrack([new TimelineClip(TimelineVocabulary.Text, 1, 1, Text: "Ada Lovelace, mathematician", Style: "lower-third", Colour: "#FFD400")]),
        ]);

        var film = await _studio.RenderAsync(timeline);

        var early = await Media.FrameAtAsync(film.Path, 0.5);
        var late = await Media.FrameAtAsync(film.Path, 1.5);
        var centre = (440, 300, 400, 120);
        var lowerLeft = (60, 560, 400, 100);
        var topRight = (1000, 60, 200, 100);
        Assert.True(Media.MeanDifference(early, late, 1280, centre) > 20, "the title shows early and is gone late");
        Assert.True(Media.MeanDifference(early, late, 1280, lowerLeft) > 20, "the lower third shows late only");
        var (r, _, b) = Pixels.Average(Pixels.Region(late, 1280, topRight));
        Assert.True(r > 200 && b < 40, $"the picture-in-picture sits top right, was {r},{b}");
        (r, _, b) = Pixels.Average(Pixels.Region(early, 1280, topRight));
        Assert.True(b > 200 && r < 40, "before it starts the base shows");
    }

    [Fact]
    public async Task A_gap_on_the_base_track_is_black_and_opacity_blends()
    {
        var red = await _studio.AddAsync(await Clips.SolidAsync(_studio.Fixtures, "red", 1));
        var white = await _studio.AddAsync(await Clips.SolidAsync(_studio.Fixtures, "white", 1));
        var film = await _studio.RenderAsync(OneTrack(Draft(), Video(red, 0), new TimelineClip(TimelineVocabulary.Video, 2, 1, white, Opacity: 0.5)));

        Assert.Equal(3.0, (await Media.ProbeAsync(film.Path)).DurationSeconds, 0.1);
        var (r, g, b) = Pixels.Average(await Media.FrameAtAsync(film.Path, 1.5));
        Assert.True(r < 20 && g < 20 && b < 20, $"the gap is black, was {r},{g},{b}");
        (r, g, b) = Pixels.Average(await Media.FrameAtAsync(film.Path, 2.5));
        Assert.True(r is > 100 and < 160 && g is > 100 and < 160, $"half-opaque white over black is grey, was {r},{g},{b}");
    }

    [Fact]
    public async Task Narration_without_a_synthesizer_is_refused_but_silent_timelines_need_none()
    {
        var clip = await _studio.AddAsync(await Clips.SolidAsync(_studio.Fixtures, "red", 1));
        var narrated = new Timeline(Draft(), [new TimelineTrack([Video(clip, 0)]), new TimelineTrack([new TimelineClip(TimelineVocabulary.Narration, 0, Text: "Hello there")])]);

        var error = await Assert.ThrowsAsync<CompositionException>(() => _studio.RenderAsync(narrated));
        Assert.Equal("compose.audio_unavailable", error.Code);
        var silent = await _studio.RenderAsync(OneTrack(Draft(), Video(clip, 0)));
        Assert.False((await Ffmpeg.ProbeAsync(silent.Path, "/", TestContext.Current.CancellationToken)).HasAudio);
    }

    [Fact]
    public async Task Missing_unreadable_and_too_short_assets_fail_with_their_codes()
    {
        var garbage = Path.Combine(_studio.Fixtures, "garbage.mp4");
        await File.WriteAllBytesAsync(garbage, new byte[4096], TestContext.Current.CancellationToken);
        var bad = await _studio.AddAsync(garbage);
        var clip = await _studio.AddAsync(await Clips.SolidAsync(_studio.Fixtures, "red", 1));

        Assert.Equal("compose.clip_missing", (await Assert.ThrowsAsync<CompositionException>(() => _studio.RenderAsync(OneTrack(Draft(), Video(new string('0', 64), 0))))).Code);
        Assert.Equal("compose.ffmpeg_failed", (await Assert.ThrowsAsync<CompositionException>(() => _studio.RenderAsync(OneTrack(Draft(), Video(bad, 0))))).Code);
        Assert.Equal("compose.clip_too_short", (await Assert.ThrowsAsync<CompositionException>(() => _studio.RenderAsync(OneTrack(Draft(), Video(clip, 0, 3))))).Code);
        Assert.Equal("timeline.unknown_transition", (await Assert.ThrowsAsync<CompositionException>(() =>
            _studio.RenderAsync(OneTrack(Draft(), Video(clip, 0, 1), Video(clip, 0.5, 1, new ClipTransition("explode")))))).Code);
    }

    [Fact]
    public async Task Ffmpeg_is_stopped_at_the_wall_time_cap()
    {
        // Uncapped, this film takes several seconds to encode on two cores.
        var clip = await _studio.AddAsync(await Clips.PatternAsync(_studio.Fixtures, 60));
        var capped = new ComposeOptions(TimeSpan.FromSeconds(1), 2);

        var error = await Assert.ThrowsAsync<CompositionException>(() => _studio.RenderAsync(OneTrack(Draft(), Video(clip, 0)), options: capped));

        Assert.Equal("compose.ffmpeg_failed", error.Code);
        Assert.Contains("Compose:MaxSeconds", error.Message);
        Assert.False(await Processes.StillRunningAsync(_studio.Artifacts.Root), "ffmpeg should not outlive the cap");
    }
}
