using Ministudio.Compose.Audio;
using Ministudio.Compose.MediaTools;
using Ministudio.Contracts;
using Ministudio.Platform;
using Ministudio.ServiceDefaults;

namespace Ministudio.Compose.Rendering;

/// <summary>Everything one render wrote into the job folder; paths are absolute, optional outputs null when not asked for.</summary>
public sealed record RenderedFilm(
    string Path,
    double DurationSeconds,
    bool StreamCopied,
    IReadOnlyList<string> Arguments,
    string PosterPath,
    string? SpritePath,
    string? SrtPath,
    string? VttPath,
    string? HlsPlaylistPath,
    IReadOnlyList<FilmFile> Files);

/// <summary>
/// Renders a timeline in the job folder. Assets are linked in under generated names (asset-000, …) and ffmpeg runs
/// with that folder as its working directory, so no name a user wrote ever reaches a command line, a concat list or a
/// filter. Eligible timelines (one track of back-to-back clips with identical codec parameters and nothing drawn on
/// them) are joined by stream copy; everything else is one filtergraph pass. The steps: plan (TimelinePlan), sound
/// (FilmSound), encode (StreamCopy or FilterGraph), files around the film (Deliverables).
/// </summary>
public sealed class TimelineRenderer(ComposeOptions options, IAudioMixer mixer, ISpeechSynthesizer? speech = null)
{
    private readonly FilmSound _sound = new(options, mixer);
    private readonly Deliverables _deliverables = new(options);

    /// <summary>Renders the timeline; its narration is spoken for <paramref name="payer"/> (null: the platform's keys, no tenant billed).</summary>
    public async Task<RenderedFilm> RenderAsync(Timeline timeline, ArtifactStore artifacts, string folder, IProgress<double>? progress, CancellationToken ct, SpeechPayer? payer = null)
    {
        var errors = TimelineValidator.Validate(timeline);
        if (errors.Count > 0)
            throw new CompositionException(errors[0].Code, string.Join("; ", errors.Select(e => $"{e.Code} at {e.Path}: {e.Message}")));

        using var budget = CancellationTokenSource.CreateLinkedTokenSource(ct);
        budget.CancelAfter(options.MaxDuration);
        try
        {
            return await RenderValidAsync(timeline, artifacts, Path.GetFullPath(folder), progress, payer, budget.Token);
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new CompositionException("compose.ffmpeg_failed", $"Composing ran past the {options.MaxDuration.TotalSeconds} s cap (Compose:MaxSeconds) and was stopped.", ex);
        }
    }

    private async Task<RenderedFilm> RenderValidAsync(Timeline timeline, ArtifactStore artifacts, string folder, IProgress<double>? progress, SpeechPayer? payer, CancellationToken ct)
    {
        var plan = await TimelinePlan.BuildAsync(timeline, artifacts, folder, speech, payer, ct);
        var burn = timeline.Captions is { Burn: true } && plan.Cues.Count > 0;
        var (srt, vtt) = await Deliverables.WriteInputsAsync(timeline, plan, burn, folder, ct);

        // A video clip's own sound is heard unless muted; a copied film keeps it as it is when nothing else is heard.
        var heard = FilmSound.Heard(plan);
        var copyClipAudio = heard.Count > 0 && !plan.HasOtherAudio(timeline);
        var streamCopy = StreamCopy.IsPossible(timeline, plan.Visuals, burn) && (heard.Count == 0 || StreamCopy.SameAudio(plan.Visuals))
            && !(copyClipAudio && plan.Visuals.Any(v => v.Clip.Volume != 1));
        var audio = streamCopy && copyClipAudio ? null : await _sound.MixAsync(timeline, plan, folder, ct);

        var arguments = streamCopy
            ? await StreamCopy.ArgumentsAsync(plan.Visuals, audio, copyClipAudio, options, folder, ct)
            : FilterGraph.EncodeArguments(timeline, plan.Visuals, plan.Titles, burn, audio, plan.Duration, options);
        await Ffmpeg.RunAsync(arguments, folder, plan.Duration, progress, ct);
        var film = await Ffmpeg.ProbeAsync("film.mp4", folder, ct);

        var outputs = await _deliverables.WriteOutputsAsync(timeline.Output, film, srt, vtt, folder, ct);
        progress?.Report(1);
        return new RenderedFilm(Path.Combine(folder, "film.mp4"), film.DurationSeconds, streamCopy, arguments, outputs.Poster, outputs.Sprite, srt, vtt,
            outputs.Playlist, outputs.Files);
    }
}
