using MassTransit;
using Microsoft.Extensions.Options;
using Ministudio.Contracts;
using Ministudio.Platform;

namespace Ministudio.Prompt.Films;

/// <summary>Speech timing settings, bound from Films:Speech.</summary>
public sealed class SpeechTimingOptions
{
    public const string Section = "Films:Speech";

    /// <summary>With timing "narration", a shot lasts at least its speech plus this much (before snapping to its vendor).</summary>
    public double PadSeconds { get; set; } = 0.5;

    /// <summary>How long compose may take to speak a film's lines before the submission is answered 503.</summary>
    public double MeasureTimeoutSeconds { get; set; } = 60;
}

/// <summary>
/// Sizes shots to their speech before anything is made. Compose speaks every line (and caches it for the film), and
/// the lines are laid out as compose will place them. With timing <c>narration</c> a shot too short for its speech
/// grows to it plus the pad, snapped to a length its vendor makes; otherwise speech that does not fit the length the
/// vendor will make is refused, naming the shot. The layout also tells the animatic when each dialogue line is spoken.
/// </summary>
public sealed class SpeechTiming(IRequestClient<MeasureSpeech> compose, IOptions<SpeechTimingOptions> options)
{
    public const string Narration = "narration", Fixed = "fixed";

    /// <summary>Thrown when compose cannot speak now (a vendor outage, compose not answering): the client may retry.</summary>
    public sealed class UnavailableException(string message, Exception? inner = null) : Exception(message, inner);

    /// <summary>A film sized to its speech, what does not fit, and per shot its dialogue lines in seconds from the shot's start.</summary>
    public sealed record TimedFilm(FilmSpec Film, IReadOnlyList<FieldError> Errors, IReadOnlyList<IReadOnlyList<SpokenSpan>>? Speech);

    /// <summary>Speaks the film's lines for <paramref name="tenantId"/> (its own speech-vendor keys, its cost ledger) and sizes or checks the shots.</summary>
    public async Task<TimedFilm> ApplyAsync(Guid tenantId, FilmSpec spec, CancellationToken ct)
    {
        var score = FilmScores.ScoreOf(spec);
        var lines = score.Shots.SelectMany(s => s.Lines).ToList();
        if (lines.Count == 0) return new(spec, [], null);

        Response<SpeechMeasured, SpeechRefused> response;
        try
        {
            response = await compose.GetResponse<SpeechMeasured, SpeechRefused>(new MeasureSpeech(lines, tenantId), ct,
                RequestTimeout.After(s: (int)Math.Ceiling(options.Value.MeasureTimeoutSeconds)));
        }
        catch (RequestTimeoutException ex)
        {
            throw new UnavailableException("Speech could not be measured in time; try again.", ex);
        }
        if (response.Is(out Response<SpeechRefused>? refused))
        {
            var refusal = refused.Message;
            if (refusal.Retryable) throw new UnavailableException(refusal.Message);
            return new(spec, [Refusal(spec, score, refusal)], null);
        }
        response.Is(out Response<SpeechMeasured>? measured);
        var seconds = measured!.Message.Seconds;

        // The layout compose will make (FilmTimeline): each shot starts where the one before ends, less the transition
        // into it; its first line a lead after its start, and never before the line before ended plus a gap.
        var errors = new List<FieldError>();
        var shots = spec.Shots!.ToList();
        var speech = shots.Select(_ => (IReadOnlyList<SpokenSpan>)[]).ToList();
        var line = 0;
        double start = 0, previousLength = 0, speechEnds = 0;
        for (var i = 0; i < shots.Count; i++)
        {
            if (i > 0) start += previousLength - (score.Shots[i].Transition?.Duration ?? 0);
            var shot = shots[i];
            var provider = shot.Provider ?? spec.Provider;
            var profile = VendorProfiles.For(provider);
            var length = profile.SnapDuration(shot.DurationSeconds);
            previousLength = length;
            var spoken = score.Shots[i].Lines.Count;
            if (spoken == 0) continue;

            var at = Math.Max(start + FilmScore.LeadSeconds, speechEnds);
            var ends = at + seconds.Skip(line).Take(spoken).Sum() + FilmScore.GapSeconds * (spoken - 1);
            speech[i] = Spans(score.Shots[i].Lines, seconds.Skip(line).Take(spoken).ToList(), at - start);
            line += spoken;
            speechEnds = ends + FilmScore.GapSeconds;
            var needed = ends - start;
            if ((shot.Timing ?? spec.Timing) == Narration)
            {
                var wanted = needed + options.Value.PadSeconds;
                if (length >= wanted) continue;
                var snapped = SnapUp(profile, wanted);
                if (snapped is null)
                    errors.Add(new($"shots[{i}]", "film.speech_too_long",
                        $"Shot {i}'s speech needs {wanted:0.##} s; {provider ?? "local"} makes no clip that long (at most {VideoFormats.MaxShotSeconds} s). Split the lines over more shots."));
                else (shots[i], previousLength) = (shot with { DurationSeconds = snapped.Value }, snapped.Value);
            }
            else if (needed > length + 0.001)
            {
                errors.Add(new($"shots[{i}]", "film.speech_too_long",
                    $"Shot {i}'s speech needs {needed:0.##} s; the shot is {length:0.##} s. Lengthen it or set \"timing\": \"narration\"."));
            }
        }
        var total = shots.Sum(s => s.DurationSeconds);
        if (errors.Count == 0 && total > VideoFormats.MaxFilmSeconds)
            errors.Add(new("shots", "film.duration_too_long", $"Sized to their speech the shots add up to {total:0.#} s; at most {VideoFormats.MaxFilmSeconds}."));
        return new(spec with { Shots = shots }, errors, speech);
    }

    /// <summary>A shot's dialogue lines (narration has no speaker to mark) from <paramref name="first"/> seconds into it, a gap apart.</summary>
    private static List<SpokenSpan> Spans(IReadOnlyList<SpokenLine> lines, IReadOnlyList<double> seconds, double first)
    {
        var spans = new List<SpokenSpan>();
        var at = first;
        for (var k = 0; k < lines.Count; k++)
        {
            if (lines[k].Speaker is { } speaker) spans.Add(new SpokenSpan(speaker, Math.Round(at, 3), Math.Round(at + seconds[k], 3)));
            at += seconds[k] + FilmScore.GapSeconds;
        }
        return spans;
    }

    /// <summary>The shortest length at least <paramref name="seconds"/> the vendor makes, by its own snapping; null when none.</summary>
    public static double? SnapUp(VendorProfile profile, double seconds)
    {
        for (var at = seconds; at <= VideoFormats.MaxShotSeconds + 0.001; at += 0.25)
        {
            var snapped = profile.SnapDuration(Math.Round(at, 3));
            if (snapped >= seconds - 0.001 && snapped <= VideoFormats.MaxShotSeconds) return snapped;
        }
        return null;
    }

    /// <summary>A refused line as a field error: a voice compose cannot use is the voice's field, anything else the line's.</summary>
    private static FieldError Refusal(FilmSpec spec, FilmScore score, SpeechRefused refusal)
    {
        var index = 0;
        for (var i = 0; i < score.Shots.Count; i++)
        {
            var shot = spec.Shots![i];
            var dialogue = 0;
            foreach (var spoken in score.Shots[i].Lines)
            {
                var isNarration = spoken.Speaker is null;
                if (index++ != refusal.Line)
                {
                    if (!isNarration) dialogue++;
                    continue;
                }
                // A voice compose cannot use (unknown, or a vendor nobody holds a key for) is the voice's field.
                var code = refusal.Code switch
                {
                    "tts.invalid_voice" => "film.voice_unknown",
                    "tts.not_configured" => "film.voice_unavailable",
                    _ => "film.speech_refused",
                };
                var field = code != "film.speech_refused"
                    ? isNarration ? "narrator.voiceId" : $"characters[{CharacterIndex(spec, spoken.Speaker!)}].voice.voiceId"
                    : isNarration ? $"shots[{i}].narration" : $"shots[{i}].dialogue[{dialogue}].line";
                return new FieldError(field, code, refusal.Message);
            }
        }
        return new FieldError("shots", "film.speech_refused", refusal.Message);
    }

    private static int CharacterIndex(FilmSpec spec, string name) =>
        (spec.Characters ?? []).Select((c, i) => (c, i)).FirstOrDefault(e => string.Equals(e.c?.Name?.Trim(), name, StringComparison.OrdinalIgnoreCase)).i;
}
