using Ministudio.Compose.Audio;
using Ministudio.Compose.MediaTools;
using Ministudio.Contracts;
using Ministudio.Platform;
using Ministudio.ServiceDefaults;

namespace Ministudio.Compose.Rendering;

/// <summary>
/// The timeline of a film's finished clips. A film's timeline is built here, not in prompt, because only compose speaks
/// and measures speech: each shot's lines are spoken one after another from just after the shot starts, and a line may
/// start only where the one before it ended. Picture: the clips back to back on track 0, each blending in from the one
/// before with its transition (none: a cut). Sound: the lines on track 1 as narration clips (captions come from their
/// speech timings), the music bed ducked under them, normalised to the score's loudness. Also made: poster, sprite
/// sheet and HLS.
/// </summary>
public sealed class FilmTimeline(ISpeechSynthesizer? speech = null)
{
    public async Task<Timeline> BuildAsync(ComposeFilm message, FilmScore score, ArtifactStore artifacts, string folder, CancellationToken ct)
    {
        if (score.Shots.Count != message.ClipHashes.Count)
            throw new CompositionException("compose.score_mismatch", $"The score has {score.Shots.Count} shots for {message.ClipHashes.Count} clips.");
        var (sources, output) = await ProbeAsync(message, artifacts, ct);
        var payer = SpeechPayer.Of(message.TenantId, message.JobId);

        var pictures = new List<TimelineClip>();
        var lines = new List<TimelineClip>();
        var start = 0.0;
        var speechEnds = 0.0;
        for (var i = 0; i < sources.Count; i++)
        {
            var transition = i > 0 ? score.Shots[i].Transition : null;
            if (transition is not null) start -= transition.Duration;
            var length = sources[i].DurationSeconds;
            pictures.Add(new TimelineClip(TimelineVocabulary.Video, start, length, message.ClipHashes[i], Transition: transition, Grade: score.Shots[i].Grade));

            // Speech of the shot before may run into this shot's transition: lines never overlap. A long shot's lines
            // may run on through its later parts (cuts, so their clips follow back to back).
            var at = Math.Max(start + FilmScore.LeadSeconds, speechEnds);
            for (var next = i + 1; next < sources.Count && score.Shots[next].Continues; next++) length += sources[next].DurationSeconds;
            foreach (var line in score.Shots[i].Lines)
            {
                var spoken = await (speech ?? throw FilmSound.SpeechUnavailable()).SynthesizeAsync(new SpeechRequest(line.Text, line.Voice, Payer: payer), folder, ct);
                if (at + spoken.DurationSeconds > start + length + TimelinePlan.Tolerance)
                    throw new CompositionException("compose.speech_too_long",
                        $"Shot {i}'s speech needs {at - start + spoken.DurationSeconds:0.##} s; its clip is {length:0.##} s (ask for timing \"narration\").");
                lines.Add(new TimelineClip(TimelineVocabulary.Narration, Math.Round(at, 3), Text: line.Text, Voice: line.Voice));
                speechEnds = at + spoken.DurationSeconds + FilmScore.GapSeconds;
                at = speechEnds;
            }
            start += sources[i].DurationSeconds;
        }

        List<TimelineTrack> tracks = [new TimelineTrack(pictures)];
        if (lines.Count > 0) tracks.Add(new TimelineTrack(lines));
        return new Timeline(output with { Sprite = new SpriteSheet(), Hls = new HlsOutput() }, tracks, score.Music,
            new CaptionStyle(Burn: score.BurnCaptions), score.LoudnessLufs);
    }

    /// <summary>
    /// The timeline of a film without a score: the clips back to back on one track, each after the first blending in
    /// with the message's transition.
    /// </summary>
    public static async Task<Timeline> OfClipsAsync(ComposeFilm message, ArtifactStore artifacts, CancellationToken ct)
    {
        var (sources, output) = await ProbeAsync(message, artifacts, ct);
        var clips = new List<TimelineClip>();
        var start = 0.0;
        for (var i = 0; i < sources.Count; i++)
        {
            var transition = i > 0 ? new ClipTransition(message.Transition, message.TransitionSeconds) : null;
            if (i > 0) start -= message.TransitionSeconds;
            clips.Add(new TimelineClip(TimelineVocabulary.Video, start, sources[i].DurationSeconds, message.ClipHashes[i], Transition: transition));
            start += sources[i].DurationSeconds;
        }
        return new Timeline(output, [new TimelineTrack(clips)]);
    }

    /// <summary>Each clip probed, and the output: the film's aspect at the first clip's size class and frame rate.</summary>
    private static async Task<(List<MediaInfo> Sources, TimelineOutput Output)> ProbeAsync(ComposeFilm message, ArtifactStore artifacts, CancellationToken ct)
    {
        var sources = new List<MediaInfo>();
        foreach (var hash in message.ClipHashes)
        {
            var path = await artifacts.FetchAsync(hash, ct)
                ?? throw new CompositionException("compose.clip_missing", $"Clip {hash} is not in the artifact store.");
            sources.Add(await Ffmpeg.ProbeAsync(path, artifacts.Root, ct));
        }
        var first = sources.FirstOrDefault();
        var resolution = first is not null && Math.Min(first.Width, first.Height) >= 1080 ? 1080 : 720;
        var fps = first is { FramesPerSecond: >= 1 and <= TimelineValidator.MaxFps } ? Math.Round(first.FramesPerSecond, 3) : 24;
        return (sources, new TimelineOutput(message.Aspect, resolution, fps));
    }
}
