using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MassTransit;
using Ministudio.Compose.MediaTools;
using Ministudio.Compose.Rendering;
using Ministudio.Contracts;
using Ministudio.Platform;
using Ministudio.ServiceDefaults;

namespace Ministudio.Compose.Consumers;

/// <summary>
/// Renders a job's timeline (its own, or one made from its clips and transition) and reports the outcome. A film
/// that cannot be made is reported as FilmComposeFailed, never thrown: redelivering it would only fail again.
/// </summary>
public sealed class ComposeFilmConsumer(TimelineRenderer renderer, ArtifactStore artifacts, ILogger<ComposeFilmConsumer> logger) : IConsumer<ComposeFilm>
{
    /// <summary>At most about four progress events a second.</summary>
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

    public async Task Consume(ConsumeContext<ComposeFilm> context)
    {
        var message = context.Message;
        using var activity = MinistudioTelemetry.ActivitySource.StartActivity("compose film");
        activity?.SetTag("ministudio.job_id", message.JobId);
        activity?.SetTag("ministudio.clips", message.Timeline?.Tracks.Sum(t => t.Clips.Count) ?? message.ClipHashes.Count);

        FilmComposed composed;
        try
        {
            composed = await ComposeAsync(context, activity);
        }
        catch (CompositionException ex)
        {
            logger.LogWarning(ex, "Composing job {JobId} failed: {Code}", message.JobId, ex.Code);
            activity?.SetStatus(ActivityStatusCode.Error, ex.Code);
            await context.Publish(new FilmComposeFailed(message.JobId, ex.Code, ex.Message));
            return;
        }
        catch (Exception ex) when (!context.CancellationToken.IsCancellationRequested)
        {
            // Anything else (the store's disk, an unreadable film) fails the job too; only a shutdown redelivers.
            logger.LogError(ex, "Composing job {JobId} failed unexpectedly", message.JobId);
            activity?.SetStatus(ActivityStatusCode.Error, "compose.ffmpeg_failed");
            await context.Publish(new FilmComposeFailed(message.JobId, "compose.ffmpeg_failed", ex.Message));
            return;
        }
        await context.Publish(composed);
    }

    private async Task<FilmComposed> ComposeAsync(ConsumeContext<ComposeFilm> context, Activity? activity)
    {
        var message = context.Message;
        var ct = context.CancellationToken;
        // The same timeline makes the same film: reuse it (and its poster, sprite and captions) instead of encoding again.
        var recipe = RecipeOf(message);
        if (await artifacts.RecallAsync(recipe, ct) is { } existing)
        {
            activity?.SetTag("ministudio.cache_hit", true);
            var duration = (await Ffmpeg.ProbeAsync(artifacts.PathOf(existing), artifacts.Root, ct)).DurationSeconds;
            return new FilmComposed(message.JobId, existing, duration,
                await artifacts.RecallAsync(PartOf(recipe, "poster"), ct), await artifacts.RecallAsync(PartOf(recipe, "sprite"), ct),
                await artifacts.RecallAsync(PartOf(recipe, "srt"), ct), await artifacts.RecallAsync(PartOf(recipe, "vtt"), ct));
        }

        var timeline = message.Timeline ?? await TimelineOfClipsAsync(message, artifacts, ct);
        var scratch = artifacts.CreateScratchFolder();
        try
        {
            var progress = new ProgressThrottle<double>(fraction => context.Publish(new FilmComposeProgressed(message.JobId, fraction), ct), fraction => fraction, ProgressInterval);
            RenderedFilm film;
            try
            {
                film = await renderer.RenderAsync(timeline, artifacts, scratch, progress, ct);
            }
            finally
            {
                await progress.FlushAsync();
            }
            activity?.SetTag("ministudio.stream_copy", film.StreamCopied);
            async Task<string?> StoreAsync(string? path, string part)
            {
                if (path is null) return null;
                var hash = await artifacts.AddFileAsync(path, ct);
                await artifacts.RememberAsync(PartOf(recipe, part), hash, ct);
                return hash;
            }
            var poster = await StoreAsync(film.PosterPath, "poster");
            var sprite = await StoreAsync(film.SpritePath, "sprite");
            var srt = await StoreAsync(film.SrtPath, "srt");
            var vtt = await StoreAsync(film.VttPath, "vtt");
            // The film's recipe goes last: a recalled film always finds its parts.
            var hash = await artifacts.AddFileAsync(film.Path, ct);
            await artifacts.RememberAsync(recipe, hash, ct);
            return new FilmComposed(message.JobId, hash, film.DurationSeconds, poster, sprite, srt, vtt);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>
    /// The timeline of a message without one: the clips back to back on one track, each after the first blending in
    /// with the transition, at the film's aspect and the first clip's size and frame rate.
    /// </summary>
    public static async Task<Timeline> TimelineOfClipsAsync(ComposeFilm message, ArtifactStore artifacts, CancellationToken ct)
    {
        var sources = new List<MediaInfo>();
        foreach (var hash in message.ClipHashes)
        {
            if (!artifacts.Contains(hash)) throw new CompositionException("compose.clip_missing", $"Clip {hash} is not in the artifact store.");
            sources.Add(await Ffmpeg.ProbeAsync(artifacts.PathOf(hash), artifacts.Root, ct));
        }
        var first = sources.FirstOrDefault();
        var resolution = first is not null && Math.Min(first.Width, first.Height) >= 1080 ? 1080 : 720;
        var fps = first is { FramesPerSecond: >= 1 and <= TimelineValidator.MaxFps } ? Math.Round(first.FramesPerSecond, 3) : 24;

        var clips = new List<TimelineClip>();
        var start = 0.0;
        for (var i = 0; i < sources.Count; i++)
        {
            var transition = i > 0 ? new ClipTransition(message.Transition, message.TransitionSeconds) : null;
            if (i > 0) start -= message.TransitionSeconds;
            clips.Add(new TimelineClip(TimelineVocabulary.Video, start, sources[i].DurationSeconds, message.ClipHashes[i], Transition: transition));
            start += sources[i].DurationSeconds;
        }
        return new Timeline(new TimelineOutput(message.Aspect, resolution, fps), [new TimelineTrack(clips)]);
    }

    /// <summary>SHA-256 over everything that shapes the film; bump the version when the renderer's output changes.</summary>
    public static string RecipeOf(ComposeFilm message) => Sha256(message.Timeline is { } timeline
        ? $"compose/v2\ntimeline\n{JsonSerializer.Serialize(timeline)}"
        : $"compose/v3\n{message.Aspect}\n{message.Transition}\n{message.TransitionSeconds.ToString(CultureInfo.InvariantCulture)}\n{string.Join("\n", message.ClipHashes)}");

    private static string PartOf(string recipe, string part) => Sha256($"{recipe}\n{part}");

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}

public sealed class ComposeFilmConsumerDefinition : ConsumerDefinition<ComposeFilmConsumer>
{
    // Encoding is CPU bound and already uses every core: one film at a time per instance.
    public ComposeFilmConsumerDefinition() => ConcurrentMessageLimit = 1;
}
