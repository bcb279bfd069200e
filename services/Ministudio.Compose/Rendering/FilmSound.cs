using Ministudio.Compose.Audio;
using Ministudio.Compose.MediaTools;
using Ministudio.Contracts;
using Ministudio.Platform;

namespace Ministudio.Compose.Rendering;

/// <summary>
/// The film's sound track: video clips' own sounds, audio clips, narration and the music bed, cut to the parts they
/// play and mixed into one file in the job folder by the audio mixer.
/// </summary>
public sealed class FilmSound(ComposeOptions options, IAudioMixer mixer)
{
    /// <summary>The heard video clips: they have a sound track and are not muted.</summary>
    public static IReadOnlyList<PlacedVisual> Heard(TimelinePlan plan) =>
        plan.Visuals.Where(v => v.Clip.Type == TimelineVocabulary.Video && v.Info.HasAudio && v.Clip.Volume > 0).ToList();

    /// <summary>Mixes everything heard into one track; returns its name relative to the job folder, null when nothing is heard.</summary>
    public async Task<string?> MixAsync(Timeline timeline, TimelinePlan plan, string folder, CancellationToken ct)
    {
        var clipSounds = await ExtractClipAudioAsync(Heard(plan), plan.Visuals, folder, ct);
        if (!plan.HasOtherAudio(timeline) && clipSounds.Count == 0) return null;

        var placedSounds = new List<PlacedAudio>(clipSounds);
        for (var i = 0; i < plan.Sounds.Count; i++)
        {
            var sound = plan.Sounds[i];
            var input = plan.Assets[sound.Asset!].Input;
            if (sound.Trim > 0 || sound.Length is not null)
            {
                // The mix takes whole files: cut the part the clip plays first.
                var cut = $"sound-{i:000}.wav";
                List<string> arguments = ["-threads", options.ThreadsArgument];
                if (sound.Trim > 0) arguments.AddRange(["-ss", Ffmpeg.Number(sound.Trim)]);
                if (sound.Length is { } length) arguments.AddRange(["-t", Ffmpeg.Number(length)]);
                arguments.AddRange([.. ToolProcess.LocalOnly, "-i", input, "-vn", "-ac", "2", "-ar", "48000", "-fs", options.MaxBytesArgument, cut]);
                await Ffmpeg.RunAsync(arguments, folder, 0, null, ct);
                input = cut;
            }
            placedSounds.Add(new PlacedAudio(Path.Combine(folder, input), sound.Start, sound.Volume));
        }
        var music = timeline.Soundtrack is { } bed
            ? new MusicBed(Path.Combine(folder, plan.Assets[bed.Asset].Input), bed.Volume, bed.FadeInSeconds, bed.FadeOutSeconds, bed.Duck)
            : null;
        var mix = new AudioMix(plan.Duration, plan.Narrations.Select(n => new PlacedAudio(n.Speech.Path, n.Clip.Start)).ToList(), placedSounds, music,
            timeline.LoudnessLufs ?? Timeline.DefaultLoudnessLufs);
        var mixed = await mixer.MixAsync(mix, folder, null, ct);
        var relative = Path.GetRelativePath(folder, Path.GetFullPath(mixed.Path));
        if (relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative))
            throw new CompositionException("compose.audio_failed", "The audio mixer wrote its track outside the job folder.");
        return relative;
    }

    /// <summary>
    /// Cuts each heard video clip's sound to the part its picture plays (trim, length) as 48 kHz stereo WAV, to be placed
    /// at the clip's start. Across a transition the outgoing sound fades out and the incoming one fades in (afade) over
    /// the transition's duration, so the two overlap as a crossfade.
    /// </summary>
    private async Task<IReadOnlyList<PlacedAudio>> ExtractClipAudioAsync(IReadOnlyList<PlacedVisual> heard, IReadOnlyList<PlacedVisual> visuals, string folder, CancellationToken ct)
    {
        var placed = new List<PlacedAudio>();
        for (var i = 0; i < heard.Count; i++)
        {
            var visual = heard[i];
            var clip = visual.Clip;
            var fades = new List<string>();
            if (clip.Transition is { } incoming) fades.Add($"afade=t=in:d={Ffmpeg.Number(incoming.Duration)}");
            var outgoing = visuals.FirstOrDefault(v => v.Track == visual.Track && v.Clip.Transition is { } t && Math.Abs(v.Clip.Start + t.Duration - visual.End) < TimelinePlan.Tolerance);
            if (outgoing?.Clip.Transition is { } next)
                fades.Add($"afade=t=out:st={Ffmpeg.Number(visual.Length - next.Duration)}:d={Ffmpeg.Number(next.Duration)}");

            var cut = $"clip-audio-{i:000}.wav";
            List<string> arguments = ["-threads", options.ThreadsArgument];
            if (clip.Trim > 0) arguments.AddRange(["-ss", Ffmpeg.Number(clip.Trim)]);
            arguments.AddRange(["-t", Ffmpeg.Number(visual.Length), .. ToolProcess.LocalOnly, "-i", visual.Input, "-map", "0:a:0", "-vn"]);
            if (fades.Count > 0) arguments.AddRange(["-af", string.Join(',', fades)]);
            arguments.AddRange(["-ac", "2", "-ar", "48000", "-fs", options.MaxBytesArgument, cut]);
            await Ffmpeg.RunAsync(arguments, folder, 0, null, ct);
            placed.Add(new PlacedAudio(Path.Combine(folder, cut), clip.Start, clip.Volume));
        }
        return placed;
    }

    public static CompositionException SpeechUnavailable() =>
        new("compose.audio_unavailable", "This timeline has narration, but no speech synthesizer is configured.");
}
