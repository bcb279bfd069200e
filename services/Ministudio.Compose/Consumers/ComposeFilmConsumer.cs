using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.Options;
using Ministudio.Compose.Audio;
using Ministudio.Compose.MediaTools;
using Ministudio.Compose.Rendering;
using Ministudio.Contracts;
using Ministudio.Platform;
using Ministudio.ServiceDefaults;

namespace Ministudio.Compose.Consumers;

/// <summary>
/// Renders a job's timeline (its own, one made from its clips and score, or from its clips and transition) and
/// reports the outcome with every file delivered next to the film. A film
/// that cannot be made is reported as FilmComposeFailed, never thrown: redelivering it would only fail again.
/// </summary>
public sealed class ComposeFilmConsumer(TimelineRenderer renderer, FilmTimeline films, ArtifactStore artifacts, ILogger<ComposeFilmConsumer> logger) : IConsumer<ComposeFilm>
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
        catch (SpeechException ex)
        {
            // A voice that cannot speak, or a speech vendor that keeps failing: the job fails with the speech code.
            logger.LogWarning(ex, "Speech for job {JobId} failed: {Code}", message.JobId, ex.Code);
            activity?.SetStatus(ActivityStatusCode.Error, ex.Code);
            await context.PublishBoundedAsync(new FilmComposeFailed(message.JobId, ex.Code, ex.Message));
            return;
        }
        catch (ArtifactStoreUnavailableException ex)
        {
            // The store is down or full: nothing was recorded, and the same job succeeds once the store is back.
            logger.LogWarning(ex, "Composing job {JobId} failed: the artifact store is unavailable", message.JobId);
            activity?.SetStatus(ActivityStatusCode.Error, ArtifactStoreUnavailableException.Code);
            await context.PublishBoundedAsync(new FilmComposeFailed(message.JobId, ArtifactStoreUnavailableException.Code, ex.Message));
            return;
        }
        catch (CompositionException ex)
        {
            logger.LogWarning(ex, "Composing job {JobId} failed: {Code}", message.JobId, ex.Code);
            activity?.SetStatus(ActivityStatusCode.Error, ex.Code);
            await context.PublishBoundedAsync(new FilmComposeFailed(message.JobId, ex.Code, ex.Message));
            return;
        }
        catch (Exception ex) when (!context.CancellationToken.IsCancellationRequested)
        {
            // Anything else (the store's disk, an unreadable film) fails the job too; only a shutdown redelivers.
            logger.LogError(ex, "Composing job {JobId} failed unexpectedly", message.JobId);
            activity?.SetStatus(ActivityStatusCode.Error, "compose.ffmpeg_failed");
            await context.PublishBoundedAsync(new FilmComposeFailed(message.JobId, "compose.ffmpeg_failed", ex.Message));
            return;
        }
        await context.PublishBoundedAsync(composed);
    }

    private async Task<FilmComposed> ComposeAsync(ConsumeContext<ComposeFilm> context, Activity? activity)
    {
        var message = context.Message;
        var ct = context.CancellationToken;
        var scratch = artifacts.CreateScratchFolder();
        try
        {
            // A film's score is spoken first (speech is cached): its timeline, and so its recipe, depends on the speech.
            var timeline = message.Timeline
                ?? (message.Score is { } score ? await films.BuildAsync(message, score, artifacts, scratch, ct) : null);
            // The same timeline makes the same film: reuse it and its files instead of encoding again.
            var recipe = RecipeOf(message, timeline);
            if (await artifacts.RecallAsync(recipe, ct) is { } existing && await RecallFilesAsync(recipe, ct) is { } files
                && await artifacts.FetchAsync(existing, ct) is { } existingPath)
            {
                activity?.SetTag("ministudio.cache_hit", true);
                var duration = (await Ffmpeg.ProbeAsync(existingPath, artifacts.Root, ct)).DurationSeconds;
                return Composed(message.JobId, existing, duration, files);
            }
            timeline ??= await FilmTimeline.OfClipsAsync(message, artifacts, ct);

            var progress = new ProgressThrottle<double>(fraction => context.PublishBoundedAsync(new FilmComposeProgressed(message.JobId, fraction), ct), fraction => fraction, ProgressInterval);
            RenderedFilm film;
            try
            {
                film = await renderer.RenderAsync(timeline, artifacts, scratch, progress, ct, SpeechPayer.Of(message.TenantId, message.JobId));
            }
            finally
            {
                await progress.FlushAsync();
            }
            activity?.SetTag("ministudio.stream_copy", film.StreamCopied);
            var delivered = new List<FilmDeliverable>();
            foreach (var file in film.Files)
                delivered.Add(new FilmDeliverable(file.Name, await artifacts.AddFileAsync(file.Path, ct), file.MediaType));
            var index = Path.Combine(scratch, "deliverables.json");
            await File.WriteAllTextAsync(index, JsonSerializer.Serialize(delivered), ct);
            await artifacts.RememberAsync(PartOf(recipe, "deliverables"), await artifacts.AddFileAsync(index, ct), ct);
            // The film's recipe goes last: a recalled film always finds its files.
            var hash = await artifacts.AddFileAsync(film.Path, ct);
            await artifacts.RememberAsync(recipe, hash, ct);
            return Composed(message.JobId, hash, film.DurationSeconds, delivered);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>The files a recipe's film was delivered with, when the store still has every one of them.</summary>
    private async Task<IReadOnlyList<FilmDeliverable>?> RecallFilesAsync(string recipe, CancellationToken ct)
    {
        if (await artifacts.RecallAsync(PartOf(recipe, "deliverables"), ct) is not { } index || await artifacts.FetchAsync(index, ct) is not { } indexPath) return null;
        var files = JsonSerializer.Deserialize<List<FilmDeliverable>>(await File.ReadAllTextAsync(indexPath, ct));
        if (files is null) return null;
        foreach (var file in files)
            if (!await artifacts.ContainsAsync(file.Sha256, ct)) return null;
        return files;
    }

    private static FilmComposed Composed(Guid jobId, string film, double duration, IReadOnlyList<FilmDeliverable> files)
    {
        string? Find(string name) => files.FirstOrDefault(f => f.Name == name)?.Sha256;
        return new FilmComposed(jobId, film, duration, Find("poster.jpg"), Find("sprite.jpg"), Find("captions.srt"), Find("captions.vtt"), files);
    }

    /// <summary>SHA-256 over everything that shapes the film; bump the version when the renderer's output changes.</summary>
    public static string RecipeOf(ComposeFilm message, Timeline? timeline) => Sha256(timeline is not null
        ? $"compose/v3\ntimeline\n{JsonSerializer.Serialize(timeline)}"
        : $"compose/v4\n{message.Aspect}\n{message.Transition}\n{message.TransitionSeconds.ToString(CultureInfo.InvariantCulture)}\n{string.Join("\n", message.ClipHashes)}");

    private static string PartOf(string recipe, string part) => Sha256($"{recipe}\n{part}");

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}

public sealed class ComposeFilmConsumerDefinition : ConsumerDefinition<ComposeFilmConsumer>
{
    // Encoding is CPU bound and already uses every core: by default one film at a time per instance (Compose:MaxConcurrentFilms).
    public ComposeFilmConsumerDefinition(IOptions<ComposeOptions> options) => ConcurrentMessageLimit = options.Value.MaxConcurrentFilms;
}
