using System.Text.RegularExpressions;
using Ministudio.Contracts;
using Ministudio.TestSupport;

namespace Ministudio.Compose.Tests;

public sealed partial class TimelineValidatorTests
{
    private static readonly string Hash = new('a', 64);

    private static readonly TimelineClip First = new(TimelineVocabulary.Video, 0, 4, Hash);
    private static readonly TimelineClip Second = new(TimelineVocabulary.Video, 3.5, 4, Hash, Transition: new ClipTransition("circleopen", 0.5));
    private static readonly TimelineClip Title = new(TimelineVocabulary.Title, 0, 2, Text: "Hello");

    private static readonly Timeline Valid = new(new TimelineOutput(), [new TimelineTrack([First, Second]), new TimelineTrack([Title])]);

    private static Timeline WithClip(TimelineClip clip) => Valid with { Tracks = [Valid.Tracks[0], new TimelineTrack([clip])] };

    private static Timeline WithSecond(TimelineClip second) => Valid with { Tracks = [new TimelineTrack([First, second]), Valid.Tracks[1]] };

    /// <summary>One broken timeline per code the validator knows.</summary>
    public static TheoryData<string, Timeline> Broken => new()
    {
        { "timeline.missing", Valid with { Tracks = null! } },
        { "timeline.invalid_asset", WithClip(First with { Asset = "../../etc/passwd" }) },
        { "timeline.invalid_volume", WithClip(new TimelineClip(TimelineVocabulary.Audio, 0, 1, Hash, Volume: 9)) },
        { "timeline.negative_time", WithClip(Title with { Start = -1 }) },
        { "timeline.invalid_colour", WithClip(Title with { Colour = "red'; drop" }) },
        { "timeline.invalid_font_size", WithClip(Title with { FontSize = 4000 }) },
        { "timeline.invalid_caption_style", Valid with { Captions = new CaptionStyle(Outline: 99) } },
        { "timeline.invalid_position", WithClip(Title with { Position = "middle" }) },
        { "timeline.no_tracks", Valid with { Tracks = [] } },
        { "timeline.too_many_tracks", Valid with { Tracks = Enumerable.Repeat(Valid.Tracks[0], TimelineValidator.MaxTracks + 1).ToList() } },
        { "timeline.too_many_clips", Valid with { Tracks = [new TimelineTrack(Enumerable.Range(0, TimelineValidator.MaxClips + 1).Select(i => First with { Start = i * 4 }).ToList())] } },
        { "timeline.no_picture", Valid with { Tracks = [Valid.Tracks[1]] } },
        { "timeline.invalid_output", Valid with { Output = new TimelineOutput("21:9") } },
        { "timeline.invalid_quality", Valid with { Output = new TimelineOutput(Quality: "insane") } },
        { "timeline.invalid_poster", Valid with { Output = new TimelineOutput(PosterSeconds: -2) } },
        { "timeline.invalid_sprite", Valid with { Output = new TimelineOutput(Sprite: new SpriteSheet(100, 100)) } },
        { "timeline.invalid_hls", Valid with { Output = new TimelineOutput(Hls: new HlsOutput(0)) } },
        { "timeline.invalid_loudness", Valid with { LoudnessLufs = -40 } },
        { "timeline.unknown_clip_type", WithClip(Title with { Type = "hologram" }) },
        { "timeline.invalid_length", WithClip(Title with { Length = 0 }) },
        { "timeline.too_long", WithClip(Title with { Start = 3500, Length = 200 }) },
        { "timeline.missing_length", WithClip(Title with { Length = null }) },
        { "timeline.missing_text", WithClip(Title with { Text = " " }) },
        { "timeline.text_too_long", WithClip(Title with { Text = new string('x', TimelineValidator.MaxTextLength + 1) }) },
        { "timeline.hostile_text", WithClip(Title with { Text = "evil\u202Etxt.exe" }) },
        { "timeline.invalid_fit", WithClip(First with { Fit = "stretch" }) },
        { "timeline.invalid_grade", WithClip(First with { Grade = "sepia-ish" }) },
        { "timeline.invalid_scale", WithClip(First with { Scale = 2 }) },
        { "timeline.invalid_motion", WithClip(First with { Motion = new KenBurns("sideways") }) },
        { "timeline.invalid_opacity", WithClip(First with { Opacity = 1.5 }) },
        { "timeline.invalid_style", WithClip(Title with { Style = "marquee" }) },
        { "timeline.invalid_voice", WithClip(new TimelineClip(TimelineVocabulary.Narration, 0, Text: "Hi", Voice: "espeak:en;rm -rf /")) },
        { "timeline.transition_not_visual", WithClip(Title with { Transition = new ClipTransition("fade") }) },
        { "timeline.unknown_transition", WithSecond(Second with { Transition = new ClipTransition("explode", 0.5) }) },
        { "timeline.invalid_transition_duration", WithSecond(Second with { Transition = new ClipTransition("fade", 0) }) },
        { "timeline.overlap", WithSecond(Second with { Transition = null }) },
        { "timeline.transition_without_previous", WithClip(First with { Transition = new ClipTransition("fade") }) },
        { "timeline.transition_needs_length", Valid with { Tracks = [new TimelineTrack([First with { Length = null }, Second])] } },
        { "timeline.transition_overlap", WithSecond(Second with { Start = 3 }) },
    };

    [Fact]
    public void A_valid_timeline_has_no_errors() => Assert.Empty(TimelineValidator.Validate(Valid));

    [Theory]
    [MemberData(nameof(Broken))]
    public void Each_problem_has_its_stable_code(string code, Timeline timeline)
    {
        var errors = TimelineValidator.Validate(timeline);
        Assert.Contains(code, errors.Select(e => e.Code));
        Assert.All(errors, error => Assert.StartsWith("$", error.Path));
    }

    [Fact]
    public void Every_code_the_validator_can_give_is_tested()
    {
        var source = File.ReadAllText(Path.Combine(Repository.Root, "contracts", "Ministudio.Contracts", "TimelineValidator.cs"));
        var codes = CodePattern().Matches(source).Select(m => m.Value).ToHashSet();
        Assert.Equal(codes.Order(), Broken.Select(row => (string)row.Data.Item1).ToHashSet().Order());
    }

    [Fact]
    public void Every_xfade_transition_of_ffmpeg_5_1_is_accepted()
    {
        Assert.Equal(46, TimelineVocabulary.Transitions.Count);
        foreach (var transition in TimelineVocabulary.Transitions)
            Assert.Empty(TimelineValidator.Validate(WithSecond(Second with { Transition = new ClipTransition(transition, 0.5) })));
    }

    [Fact]
    public void Timelines_round_trip_through_json_in_camel_case()
    {
        var json = System.Text.Json.JsonSerializer.Serialize(Valid, System.Text.Json.JsonSerializerOptions.Web);
        Assert.Contains("\"transition\":{\"type\":\"circleopen\",\"duration\":0.5}", json);
        var back = System.Text.Json.JsonSerializer.Deserialize<Timeline>(json, System.Text.Json.JsonSerializerOptions.Web)!;
        Assert.Equal(Valid.Output, back.Output);
        Assert.Equal(Valid.Tracks[0].Clips, back.Tracks[0].Clips);
    }

    [GeneratedRegex(@"timeline\.[a-z_]+(?="")")]
    private static partial Regex CodePattern();
}
