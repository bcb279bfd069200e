using System.Text.Json.Serialization;

namespace Ministudio.Contracts;

/// <summary>
/// A film described as tracks of timed clips (JSON, camelCase). Track 0 is the bottom layer; each later track is
/// drawn over the ones before it. Times are seconds from the start of the film. Documented in docs/timeline.md.
/// </summary>
public sealed record Timeline(
    TimelineOutput Output,
    IReadOnlyList<TimelineTrack> Tracks,
    Soundtrack? Soundtrack = null,
    CaptionStyle? Captions = null);

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
/// audio clip and of a video clip's own sound (0 mutes it).
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
    string? Voice = null);

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

/// <summary>
/// Checks a timeline before anything runs. Every problem is reported (not only the first) with a stable
/// <c>timeline.*</c> code, so prompt can answer 400 with all of them and compose can refuse the same timeline.
/// </summary>
public static class TimelineValidator
{
    public const int MaxTracks = 16;
    public const int MaxClips = 500;
    public const int MaxTextLength = 500;
    public const double MaxSeconds = 3600;
    public const double MaxFps = 60;
    private const double Tolerance = 0.001;

    public static IReadOnlyList<TimelineError> Validate(Timeline? timeline)
    {
        var errors = new List<TimelineError>();
        void Add(string code, string path, string message) => errors.Add(new(code, path, message));
        if (timeline is null || timeline.Output is null || timeline.Tracks is null)
        {
            Add("timeline.missing", "$", "A timeline needs output and tracks.");
            return errors;
        }

        ValidateOutput(timeline.Output, Add);
        if (timeline.Soundtrack is { } music)
        {
            if (!IsHash(music.Asset)) Add("timeline.invalid_asset", "$.soundtrack.asset", "The soundtrack's asset must be an artifact hash (64 lower-case hex digits).");
            if (!(music.Volume is >= 0 and <= 4)) Add("timeline.invalid_volume", "$.soundtrack.volume", "Volume runs from 0 to 4.");
            if (!(music.FadeInSeconds is >= 0 and <= 60) || !(music.FadeOutSeconds is >= 0 and <= 60))
                Add("timeline.negative_time", "$.soundtrack", "Fades last 0 to 60 seconds.");
        }
        if (timeline.Captions is { } captions)
        {
            foreach (var (name, colour) in new[] { ("colour", captions.Colour), ("highlightColour", captions.HighlightColour), ("outlineColour", captions.OutlineColour) })
                if (!IsColour(colour)) Add("timeline.invalid_colour", $"$.captions.{name}", "Colours are #RRGGBB or #RRGGBBAA.");
            if (!(captions.FontSize is >= 8 and <= 200)) Add("timeline.invalid_font_size", "$.captions.fontSize", "Font sizes run from 8 to 200.");
            if (!(captions.Outline is >= 0 and <= 20)) Add("timeline.invalid_caption_style", "$.captions.outline", "Outlines run from 0 to 20.");
            if (captions.Position is not ("bottom" or "top" or "center")) Add("timeline.invalid_position", "$.captions.position", "Captions sit at bottom, top or center.");
        }

        if (timeline.Tracks.Count == 0) Add("timeline.no_tracks", "$.tracks", "A timeline needs at least one track.");
        if (timeline.Tracks.Count > MaxTracks) Add("timeline.too_many_tracks", "$.tracks", $"At most {MaxTracks} tracks.");
        var clipCount = timeline.Tracks.Sum(track => track?.Clips?.Count ?? 0);
        if (clipCount > MaxClips) Add("timeline.too_many_clips", "$.tracks", $"At most {MaxClips} clips in all, not {clipCount}.");
        if (errors.Count > 0 && errors.Any(e => e.Code is "timeline.too_many_tracks" or "timeline.too_many_clips")) return errors;

        var anyVisual = false;
        for (var t = 0; t < timeline.Tracks.Count; t++)
        {
            var clips = timeline.Tracks[t]?.Clips;
            if (clips is null)
            {
                Add("timeline.missing", $"$.tracks[{t}].clips", "A track needs clips.");
                continue;
            }
            for (var c = 0; c < clips.Count; c++)
            {
                if (clips[c] is null) Add("timeline.missing", $"$.tracks[{t}].clips[{c}]", "A clip cannot be null.");
                else ValidateClip(clips[c], $"$.tracks[{t}].clips[{c}]", Add);
                anyVisual |= clips[c] is { } clip && TimelineVocabulary.IsVisual(clip.Type);
            }
            ValidateSequence(clips.Where(clip => clip is not null).ToList(), t, Add);
        }
        if (!anyVisual && timeline.Tracks.Count > 0) Add("timeline.no_picture", "$.tracks", "A timeline needs at least one video or image clip.");
        return errors;
    }

    private static void ValidateOutput(TimelineOutput output, Action<string, string, string> add)
    {
        if (!TimelineVocabulary.Aspects.Contains(output.Aspect ?? "")) add("timeline.invalid_output", "$.output.aspect", "The aspect is one of 16:9, 9:16, 1:1, 4:5.");
        if (!TimelineVocabulary.Resolutions.Contains(output.Resolution)) add("timeline.invalid_output", "$.output.resolution", "The resolution is 720 or 1080.");
        if (!(output.Fps is >= 1 and <= MaxFps)) add("timeline.invalid_output", "$.output.fps", $"The frame rate runs from 1 to {MaxFps}.");
        if (!TimelineVocabulary.Qualities.Contains(output.Quality ?? "")) add("timeline.invalid_quality", "$.output.quality", "The quality is draft, standard or high.");
        if (output.PosterSeconds is { } poster && !(poster is >= 0 and <= MaxSeconds)) add("timeline.invalid_poster", "$.output.posterSeconds", "The poster time lies inside the film.");
        if (output.Sprite is { } sprite && !(sprite.Columns is >= 1 and <= 20 && sprite.Rows is >= 1 and <= 20 && sprite.ThumbnailWidth is >= 32 and <= 640))
            add("timeline.invalid_sprite", "$.output.sprite", "Sprite sheets have 1–20 columns and rows of thumbnails 32–640 pixels wide.");
        if (output.Hls is { } hls && !(hls.SegmentSeconds is >= 1 and <= 30)) add("timeline.invalid_hls", "$.output.hls.segmentSeconds", "HLS segments last 1 to 30 seconds.");
    }

    private static void ValidateClip(TimelineClip clip, string path, Action<string, string, string> add)
    {
        var type = clip.Type ?? "";
        if (!TimelineVocabulary.ClipTypes.Contains(type))
        {
            add("timeline.unknown_clip_type", $"{path}.type", "Clip types are video, image, title, text, caption, audio and narration.");
            return;
        }
        if (!(clip.Start is >= 0 and <= MaxSeconds)) add("timeline.negative_time", $"{path}.start", $"Start runs from 0 to {MaxSeconds} s.");
        if (!(clip.Trim is >= 0 and <= MaxSeconds)) add("timeline.negative_time", $"{path}.trim", "Trim is a point in the source, 0 or later.");
        if (clip.Length is { } length && !(length is > 0 and <= MaxSeconds)) add("timeline.invalid_length", $"{path}.length", $"Length is more than 0 and at most {MaxSeconds} s.");
        if (clip.Start + (clip.Length ?? 0) > MaxSeconds) add("timeline.too_long", $"{path}", $"A timeline ends by {MaxSeconds} s.");

        var needsAsset = type is TimelineVocabulary.Video or TimelineVocabulary.Image or TimelineVocabulary.Audio;
        if (needsAsset && !IsHash(clip.Asset)) add("timeline.invalid_asset", $"{path}.asset", "The asset must be an artifact hash (64 lower-case hex digits).");
        if (clip.Length is null && type is TimelineVocabulary.Image or TimelineVocabulary.Title or TimelineVocabulary.Text or TimelineVocabulary.Caption)
            add("timeline.missing_length", $"{path}.length", $"A {type} clip needs a length.");

        var needsText = TimelineVocabulary.IsTitle(type) || type is TimelineVocabulary.Caption or TimelineVocabulary.Narration;
        if (needsText) ValidateText(clip.Text, $"{path}.text", add);

        if (TimelineVocabulary.IsVisual(type))
        {
            if (!TimelineVocabulary.Fits.Contains(clip.Fit ?? "")) add("timeline.invalid_fit", $"{path}.fit", "Fit is crop, pad or smart.");
            if (!(clip.Scale is > 0.05 and <= 1)) add("timeline.invalid_scale", $"{path}.scale", "Scale runs from 0.05 to 1 of the frame.");
            if (clip.Motion is { } motion && !(TimelineVocabulary.Zooms.Contains(motion.Zoom ?? "") && TimelineVocabulary.Pans.Contains(motion.Pan ?? "") && motion.Amount is >= 0 and <= 1))
                add("timeline.invalid_motion", $"{path}.motion", "Zoom is in, out or none; pan is none, left, right, up or down; amount runs from 0 to 1.");
        }
        if (TimelineVocabulary.IsVisual(type) || TimelineVocabulary.IsTitle(type))
        {
            if (!TimelineVocabulary.Positions.Contains(clip.Position ?? "")) add("timeline.invalid_position", $"{path}.position", "Position is center, top, bottom, left, right or a corner (top-left, …).");
            if (!(clip.Opacity is >= 0 and <= 1)) add("timeline.invalid_opacity", $"{path}.opacity", "Opacity runs from 0 to 1.");
        }
        if (TimelineVocabulary.IsTitle(type))
        {
            if (clip.FontSize is { } size && !(size is >= 8 and <= 300)) add("timeline.invalid_font_size", $"{path}.fontSize", "Font sizes run from 8 to 300.");
            if (clip.Colour is { } colour && !IsColour(colour)) add("timeline.invalid_colour", $"{path}.colour", "Colours are #RRGGBB or #RRGGBBAA.");
            if (!TimelineVocabulary.Styles.Contains(clip.Style ?? "")) add("timeline.invalid_style", $"{path}.style", "Title styles are plain and lower-third.");
        }
        if (type is TimelineVocabulary.Audio or TimelineVocabulary.Video && !(clip.Volume is >= 0 and <= 4)) add("timeline.invalid_volume", $"{path}.volume", "Volume runs from 0 to 4.");
        if (type is TimelineVocabulary.Narration && clip.Voice is { } voice && !IsVoice(voice))
            add("timeline.invalid_voice", $"{path}.voice", "A voice is engine:voice in letters, digits, '-', '_' and '.'.");
        if (clip.Transition is { } transition)
        {
            if (!TimelineVocabulary.IsVisual(type)) add("timeline.transition_not_visual", $"{path}.transition", "Only video and image clips transition.");
            if (!TimelineVocabulary.Transitions.Contains(transition.Type ?? "")) add("timeline.unknown_transition", $"{path}.transition.type", $"'{Shorten(transition.Type)}' is not an ffmpeg xfade transition.");
            if (!(transition.Duration is > 0 and <= 60)) add("timeline.invalid_transition_duration", $"{path}.transition.duration", "A transition lasts more than 0 and at most 60 s.");
        }
    }

    /// <summary>On one track clips follow each other; the only overlap allowed is a transition into the later clip.</summary>
    private static void ValidateSequence(IReadOnlyList<TimelineClip> clips, int track, Action<string, string, string> add)
    {
        var ordered = clips.Select((clip, index) => (Clip: clip, Index: index)).OrderBy(entry => entry.Clip.Start).ToList();
        for (var i = 0; i < ordered.Count; i++)
        {
            var (clip, index) = ordered[i];
            var path = $"$.tracks[{track}].clips[{index}]";
            if (clip.Transition is not { } transition)
            {
                if (i > 0 && ordered[i - 1].Clip.Length is { } previousLength && clip.Start < ordered[i - 1].Clip.Start + previousLength - Tolerance)
                    add("timeline.overlap", path, "Clips on one track overlap only through a transition; put the other one on its own track.");
                continue;
            }
            if (i == 0 || !TimelineVocabulary.IsVisual(ordered[i - 1].Clip.Type ?? ""))
            {
                add("timeline.transition_without_previous", $"{path}.transition", "A transition blends from the previous video or image clip on the same track.");
                continue;
            }
            var previous = ordered[i - 1].Clip;
            if (previous.Length is not { } length)
            {
                add("timeline.transition_needs_length", $"{path}.transition", "The clip before a transition needs a length, so the overlap is known.");
                continue;
            }
            var overlap = previous.Start + length - clip.Start;
            if (Math.Abs(overlap - transition.Duration) > Tolerance)
                add("timeline.transition_overlap", $"{path}.transition", $"This clip must start {transition.Duration} s before the previous one ends (it overlaps by {Math.Round(overlap, 3)} s).");
            else if (transition.Duration >= length || (clip.Length is { } own && transition.Duration >= own))
                add("timeline.invalid_transition_duration", $"{path}.transition.duration", "A transition is shorter than both clips it joins.");
        }
    }

    private static void ValidateText(string? text, string path, Action<string, string, string> add)
    {
        if (string.IsNullOrWhiteSpace(text)) add("timeline.missing_text", path, "This clip needs text.");
        else if (text.Length > MaxTextLength) add("timeline.text_too_long", path, $"At most {MaxTextLength} characters.");
        // Control characters (other than a line break) and bidirectional overrides only ever hide what text says.
        else if (text.Any(c => (char.IsControl(c) && c != '\n') || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069'))
            add("timeline.hostile_text", path, "Text may not contain control characters or direction overrides.");
    }

    public static bool IsHash(string? value) =>
        value is { Length: 64 } && value.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));

    public static bool IsColour(string? value) =>
        value is { Length: 7 or 9 } && value[0] == '#' && value.Skip(1).All(char.IsAsciiHexDigit);

    public static bool IsVoice(string value) =>
        value.Length is > 0 and <= 100 && value.Count(c => c == ':') <= 1 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is ':' or '-' or '_' or '.');

    private static string Shorten(string? value) => value is null ? "" : new string(value.Take(40).Where(c => !char.IsControl(c)).ToArray());
}
