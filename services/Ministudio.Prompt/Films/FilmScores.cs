using Ministudio.Contracts;
using Ministudio.Platform;

namespace Ministudio.Prompt.Films;

/// <summary>
/// A film's score for compose: per shot the lines spoken (narration in the narrator's voice, then each dialogue line in
/// its speaker's voice) and the transition into it, the music bed and the loudness target. Compose speaks the lines and
/// lays out the timeline (docs/films.md says why there); here the spec is checked and turned into the score.
/// </summary>
public static class FilmScores
{
    public const string Cut = "cut";
    public const double DefaultMusicVolume = 0.8;
    public static readonly ClipTransition DefaultTransition = new("fade", 0.5);

    /// <summary>Everything about the film's sound and cuts that can be wrong before anything is spoken.</summary>
    public static IReadOnlyList<FieldError> Validate(FilmSpec spec)
    {
        var errors = new List<FieldError>();
        void Fail(string field, string code, string message) => errors.Add(new FieldError(field, code, message));

        CheckVoice(spec.Narrator?.VoiceId, "narrator.voiceId", errors);
        var characters = spec.Characters ?? [];
        for (var i = 0; i < characters.Count; i++) CheckVoice(characters[i]?.Voice?.VoiceId, $"characters[{i}].voice.voiceId", errors);

        if (spec.LoudnessLufs is { } lufs && !(lufs is >= Timeline.MinLoudnessLufs and <= Timeline.MaxLoudnessLufs))
            Fail("loudnessLufs", "film.loudness_out_of_range", $"Loudness targets run from {Timeline.MinLoudnessLufs} to {Timeline.MaxLoudnessLufs} LUFS (e.g. -14, -16, -23).");
        if (spec.Music is { } music)
        {
            if (!TimelineValidator.IsHash(music.Asset)) Fail("music.asset", "film.music_asset_invalid", "The music is one of your artifacts, named by its SHA-256 (64 lower-case hex digits).");
            if (music.Volume is { } volume && !(volume is >= 0 and <= 4)) Fail("music.volume", "film.music_volume_out_of_range", "Volume runs from 0 to 4.");
        }
        CheckTransitionSpec(spec.Transition, "transition", errors);
        CheckTiming(spec.Timing, "timing", errors);

        var shots = spec.Shots ?? [];
        for (var i = 0; i < shots.Count; i++)
        {
            if (shots[i] is not { } shot) continue;
            CheckSpoken(shot.Narration, $"shots[{i}].narration", errors);
            for (var d = 0; d < (shot.Dialogue?.Count ?? 0); d++) CheckSpoken(shot.Dialogue![d]?.Line, $"shots[{i}].dialogue[{d}].line", errors);
            CheckTransitionSpec(shot.Transition, $"shots[{i}].transition", errors);
            CheckTiming(shot.Timing, $"shots[{i}].timing", errors);
            if (i == 0)
            {
                if (shot.Transition is { Type: not Cut }) Fail("shots[0].transition", "film.transition_without_previous", "The first shot has no shot before it to blend from.");
                continue;
            }
            if (shots[i - 1] is not { } previous || TransitionInto(spec, i) is not { } transition) continue;
            var shortest = Math.Min(previous.DurationSeconds, shot.DurationSeconds);
            if (transition.Duration >= shortest)
                Fail(shot.Transition is null ? "transition.seconds" : $"shots[{i}].transition.seconds", "film.transition_too_long",
                    $"The transition into shot {i} lasts {transition.Duration} s; it must be shorter than both shots it joins ({shortest} s).");
        }
        return errors;
    }

    /// <summary>
    /// The score of a valid film, one entry per clip; spoken lines come in the order they are written, narration first.
    /// <paramref name="clips"/> names the film's shot and part each clip makes (null: one clip per shot): a long shot's
    /// first part carries its lines and transition, its later parts join it with a cut.
    /// </summary>
    public static FilmScore ScoreOf(FilmSpec spec, IReadOnlyList<(int Shot, int Part)>? clips = null)
    {
        var voices = (spec.Characters ?? []).Where(c => c?.Name is not null)
            .ToDictionary(c => c.Name!.Trim(), c => c.Voice?.VoiceId, StringComparer.OrdinalIgnoreCase);
        var shots = spec.Shots ?? [];
        var scored = (clips ?? shots.Select((_, i) => (i, 1)).ToList()).Select(clip =>
        {
            var (i, part) = clip;
            var shot = shots[i];
            var grade = shot.Grade ?? spec.Grade;
            if (part > 1) return new ScoredShot([], null, grade, Continues: true);
            var lines = new List<SpokenLine>();
            if (!string.IsNullOrWhiteSpace(shot.Narration)) lines.Add(new SpokenLine(shot.Narration.Trim(), spec.Narrator?.VoiceId));
            foreach (var line in shot.Dialogue ?? [])
                lines.Add(new SpokenLine(line.Line!.Trim(), voices.GetValueOrDefault(line.Speaker!.Trim()), line.Speaker!.Trim()));
            return new ScoredShot(lines, i == 0 ? null : TransitionInto(spec, i), grade);
        }).ToList();
        var music = spec.Music is { Asset: { } asset } bed ? new Soundtrack(asset, bed.Volume ?? DefaultMusicVolume) : null;
        return new FilmScore(scored, music, spec.LoudnessLufs ?? Timeline.DefaultLoudnessLufs);
    }

    /// <summary>The blend into shot <paramref name="index"/> (its own, else the film's, else a 0.5 s fade); null for a cut.</summary>
    public static ClipTransition? TransitionInto(FilmSpec spec, int index)
    {
        var written = spec.Shots![index].Transition ?? spec.Transition;
        if (written is null) return DefaultTransition;
        return written.Type == Cut ? null : new ClipTransition(written.Type ?? DefaultTransition.Type, written.Seconds ?? DefaultTransition.Duration);
    }

    private static void CheckTransitionSpec(TransitionSpec? transition, string at, List<FieldError> errors)
    {
        if (transition is null) return;
        if (transition.Type is not null && transition.Type != Cut && !TimelineVocabulary.Transitions.Contains(transition.Type))
            errors.Add(new($"{at}.type", "film.transition_unknown", $"'{transition.Type}' is not a transition; use cut or an ffmpeg xfade name ({string.Join(", ", TimelineVocabulary.Transitions.Take(8))}, …)."));
        if (transition.Seconds is { } seconds && !(seconds is > 0 and <= 60))
            errors.Add(new($"{at}.seconds", "film.transition_seconds_out_of_range", "A transition lasts more than 0 and at most 60 seconds."));
    }

    private static void CheckTiming(string? timing, string field, List<FieldError> errors)
    {
        if (timing is not (null or SpeechTiming.Narration or SpeechTiming.Fixed))
            errors.Add(new(field, "film.timing_unknown", $"Timing is {SpeechTiming.Narration} (shots last at least their speech) or {SpeechTiming.Fixed} (the default)."));
    }

    private static void CheckVoice(string? voice, string field, List<FieldError> errors)
    {
        if (voice is not null && !TimelineValidator.IsEngineVoice(voice))
            errors.Add(new(field, "film.voice_unknown",
                $"'{voice}' is not a voice; write engine:voice with engine one of {string.Join(", ", TimelineVocabulary.SpeechEngines)} (e.g. espeak:en-us)."));
    }

    private static void CheckSpoken(string? text, string field, List<FieldError> errors)
    {
        if (text is { Length: > TimelineValidator.MaxTextLength })
            errors.Add(new(field, "film.speech_too_long", $"Spoken text is at most {TimelineValidator.MaxTextLength} characters per line."));
    }
}
