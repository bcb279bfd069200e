using System.Text.Json.Serialization;

namespace Ministudio.Contracts;

/// <summary>
/// A film described as tracks of timed clips (JSON, camelCase). Track 0 is the bottom layer; each later track is
/// drawn over the ones before it. Times are seconds from the start of the film. LoudnessLufs is the integrated
/// loudness the sound is normalised to (null: -14). Documented in docs/timeline.md.
/// </summary>
public sealed record Timeline(
    TimelineOutput Output,
    IReadOnlyList<TimelineTrack> Tracks,
    Soundtrack? Soundtrack = null,
    CaptionStyle? Captions = null,
    double? LoudnessLufs = null)
{
    public const double DefaultLoudnessLufs = -14, MinLoudnessLufs = -31, MaxLoudnessLufs = -9;
}

/// <summary>
/// What to write: an aspect preset (16:9, 9:16, 1:1, 4:5) at 720 or 1080 on its short side, a frame rate, a
/// compression preset (draft, standard, high), and the optional poster, sprite sheet and HLS renditions.
/// </summary>
public sealed record TimelineOutput(
    string Aspect = "16:9",
    int Resolution = 720,
    double Fps = 24,
    string Quality = "standard",
    double? PosterSeconds = null,
    SpriteSheet? Sprite = null,
    HlsOutput? Hls = null)
{
    /// <summary>Frame width in pixels for the aspect preset; 0 for an aspect that is not a preset.</summary>
    [JsonIgnore]
    public int Width => Size.Width;

    /// <summary>Frame height in pixels for the aspect preset; 0 for an aspect that is not a preset.</summary>
    [JsonIgnore]
    public int Height => Size.Height;

    private (int Width, int Height) Size => Aspect switch
    {
        "16:9" => (Resolution * 16 / 9, Resolution),
        "9:16" => (Resolution, Resolution * 16 / 9),
        "1:1" => (Resolution, Resolution),
        "4:5" => (Resolution, Resolution * 5 / 4),
        _ => (0, 0),
    };
}

/// <summary>Thumbnails of the film in one image, Columns × Rows, each ThumbnailWidth wide, taken at even intervals.</summary>
public sealed record SpriteSheet(int Columns = 5, int Rows = 5, int ThumbnailWidth = 160);

/// <summary>An HLS rendition (playlist and MPEG-TS segments) next to the MP4.</summary>
public sealed record HlsOutput(double SegmentSeconds = 4);

/// <summary>A music bed (artifact hash) under the whole film, ducked under speech when Duck is set.</summary>
public sealed record Soundtrack(string Asset, double Volume = 0.8, double FadeInSeconds = 1, double FadeOutSeconds = 2, bool Duck = true);

/// <summary>
/// Captions made from narration and caption clips: always delivered as SRT and WebVTT files, burned into the picture
/// when Burn is set. WordHighlight colours each word as it is spoken when the speech engine gives word timings.
/// </summary>
public sealed record CaptionStyle(
    bool Burn = false,
    int FontSize = 48,
    string Colour = "#FFFFFF",
    string HighlightColour = "#FFD400",
    string OutlineColour = "#000000",
    double Outline = 3,
    string Position = "bottom",
    bool WordHighlight = true);

public sealed record TimelineTrack(IReadOnlyList<TimelineClip> Clips);

/// <summary>
/// One clip. Type is video, image, title, text (same as title), caption, audio or narration; the fields a type does
/// not use are ignored. Asset is an artifact hash (video, image, audio). Length defaults to the rest of the source
/// for video and to the speech for narration; Trim is the in-point in the source. Fit (crop, pad, smart) fills the
/// frame, or a Scale × frame box at Position for picture-in-picture. Transition blends in from the previous clip
/// on the same track, which must overlap this one by exactly the transition's duration. Volume is the gain of an
/// audio clip and of a video clip's own sound (0 mutes it). Grade is a colour-grade preset (<see cref="ColourGrades"/>)
/// applied to a video or image clip.
/// </summary>
public sealed record TimelineClip(
    string Type,
    double Start,
    double? Length = null,
    string? Asset = null,
    double Trim = 0,
    string Fit = "crop",
    string Position = "center",
    double Scale = 1,
    double Opacity = 1,
    KenBurns? Motion = null,
    ClipTransition? Transition = null,
    string? Text = null,
    int? FontSize = null,
    string? Colour = null,
    string Style = "plain",
    double Volume = 1,
    string? Voice = null,
    string? Grade = null);

/// <summary>Ken Burns motion: zoom in, out or none by Amount (0.2 = 20 %), panning left, right, up, down or none.</summary>
public sealed record KenBurns(string Zoom = "in", string Pan = "none", double Amount = 0.2);

/// <summary>An ffmpeg 5.1 xfade transition by name, and how long it blends.</summary>
public sealed record ClipTransition(string Type, double Duration = 0.5);

/// <summary>One thing wrong with a timeline: a stable code, where (JSON path), and what.</summary>
public sealed record TimelineError(string Code, string Path, string Message);

/// <summary>The names a timeline may use, shared by the validator and the renderer.</summary>
public static class TimelineVocabulary
{
    public const string Video = "video", Image = "image", Title = "title", Text = "text", Caption = "caption", Audio = "audio", Narration = "narration";

    public static readonly IReadOnlySet<string> ClipTypes = new HashSet<string>(StringComparer.Ordinal) { Video, Image, Title, Text, Caption, Audio, Narration };

    /// <summary>Every transition ffmpeg 5.1's xfade filter names (its "custom" needs expressions and is not offered).</summary>
    public static readonly IReadOnlySet<string> Transitions = new HashSet<string>(StringComparer.Ordinal)
    {
        "fade", "wipeleft", "wiperight", "wipeup", "wipedown", "slideleft", "slideright", "slideup", "slidedown",
        "circlecrop", "rectcrop", "distance", "fadeblack", "fadewhite", "radial", "smoothleft", "smoothright",
        "smoothup", "smoothdown", "circleopen", "circleclose", "vertopen", "vertclose", "horzopen", "horzclose",
        "dissolve", "pixelize", "diagtl", "diagtr", "diagbl", "diagbr", "hlslice", "hrslice", "vuslice", "vdslice",
        "hblur", "fadegrays", "wipetl", "wipetr", "wipebl", "wipebr", "squeezeh", "squeezev", "zoomin",
        "fadefast", "fadeslow",
    };

    /// <summary>The speech engines a voice may name (engine:voice); compose's engines answer to these names.</summary>
    public static readonly IReadOnlySet<string> SpeechEngines = new HashSet<string>(StringComparer.Ordinal) { "espeak", "openai", "google", "elevenlabs" };

    public static readonly IReadOnlySet<string> Aspects = new HashSet<string>(StringComparer.Ordinal) { "16:9", "9:16", "1:1", "4:5" };
    public static readonly IReadOnlySet<int> Resolutions = new HashSet<int> { 720, 1080 };
    public static readonly IReadOnlySet<string> Qualities = new HashSet<string>(StringComparer.Ordinal) { "draft", "standard", "high" };
    public static readonly IReadOnlySet<string> Fits = new HashSet<string>(StringComparer.Ordinal) { "crop", "pad", "smart" };
    public static readonly IReadOnlySet<string> Positions = new HashSet<string>(StringComparer.Ordinal)
        { "center", "top", "bottom", "left", "right", "top-left", "top-right", "bottom-left", "bottom-right" };
    public static readonly IReadOnlySet<string> Styles = new HashSet<string>(StringComparer.Ordinal) { "plain", "lower-third" };
    public static readonly IReadOnlySet<string> Zooms = new HashSet<string>(StringComparer.Ordinal) { "in", "out", "none" };
    public static readonly IReadOnlySet<string> Pans = new HashSet<string>(StringComparer.Ordinal) { "none", "left", "right", "up", "down" };

    public static bool IsVisual(string type) => type is Video or Image;
    public static bool IsTitle(string type) => type is Title or Text;
}
