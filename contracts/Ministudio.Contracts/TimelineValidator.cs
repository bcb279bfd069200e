namespace Ministudio.Contracts;

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
        if (timeline.LoudnessLufs is { } lufs && !(lufs is >= Timeline.MinLoudnessLufs and <= Timeline.MaxLoudnessLufs))
            Add("timeline.invalid_loudness", "$.loudnessLufs", $"Loudness targets run from {Timeline.MinLoudnessLufs} to {Timeline.MaxLoudnessLufs} LUFS.");
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
            if (clip.Grade is not null && !ColourGrades.All.ContainsKey(clip.Grade))
                add("timeline.invalid_grade", $"{path}.grade", $"Grade is one of {string.Join(", ", ColourGrades.All.Keys)}.");
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
            add("timeline.invalid_voice", $"{path}.voice", "A voice is engine:voice in letters, digits, '-', '_', '.' and '+'.");
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
        value.Length is > 0 and <= 100 && value.Count(c => c == ':') <= 1 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is ':' or '-' or '_' or '.' or '+');

    /// <summary>A voice a film may name: engine:voice with an engine compose has (espeak:en-us, openai:alloy, …).</summary>
    public static bool IsEngineVoice(string? value) =>
        value is not null && IsVoice(value) && value.IndexOf(':') is var colon and > 0 && colon < value.Length - 1
        && TimelineVocabulary.SpeechEngines.Contains(value[..colon]);

    private static string Shorten(string? value) => value is null ? "" : new string(value.Take(40).Where(c => !char.IsControl(c)).ToArray());
}
