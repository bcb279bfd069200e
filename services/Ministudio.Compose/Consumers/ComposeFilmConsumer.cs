using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MassTransit;
using Ministudio.Compose.Timeline;
using Ministudio.Contracts;
using Ministudio.ServiceDefaults;

namespace Ministudio.Compose.Consumers;

/// <summary>
/// Composes a job's clips into its film and reports the outcome. A film that cannot be made is reported as
/// FilmComposeFailed, never thrown: redelivering it would only fail again.
/// </summary>
public sealed class ComposeFilmConsumer(FilmComposer composer, ArtifactStore artifacts, ILogger<ComposeFilmConsumer> logger) : IConsumer<ComposeFilm>
{
    /// <summary>At most about four progress events a second.</summary>
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

    public async Task Consume(ConsumeContext<ComposeFilm> context)
    {
        var message = context.Message;
        using var activity = MinistudioTelemetry.ActivitySource.StartActivity("compose film");
        activity?.SetTag("ministudio.job_id", message.JobId);
        activity?.SetTag("ministudio.clips", message.ClipHashes.Count);

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
        // The same clips with the same transition make the same film: reuse it instead of encoding again.
        var recipe = RecipeOf(message);
        if (await artifacts.RecallAsync(recipe, ct) is { } existing)
        {
            activity?.SetTag("ministudio.cache_hit", true);
            return new FilmComposed(message.JobId, existing, await FilmComposer.DurationOfAsync(artifacts.PathOf(existing), ct));
        }

        var clips = message.ClipHashes.Select(hash => artifacts.Contains(hash)
                ? artifacts.PathOf(hash)
                : throw new CompositionException("compose.clip_missing", $"Clip {hash} is not in the artifact store."))
            .ToList();

        var scratch = artifacts.CreateScratchFolder();
        try
        {
            var progress = new ThrottledProgress(fraction => context.Publish(new FilmComposeProgressed(message.JobId, fraction), ct), ProgressInterval);
            ComposedFilm film;
            try
            {
                film = await composer.ComposeAsync(clips, message.Transition, message.TransitionSeconds, Path.Combine(scratch, "film.mp4"), progress, ct);
            }
            finally
            {
                await progress.FlushAsync();
            }
            var hash = await artifacts.AddFileAsync(film.Path, ct);
            await artifacts.RememberAsync(recipe, hash, ct);
            return new FilmComposed(message.JobId, hash, film.DurationSeconds);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>SHA-256 over everything that shapes the film; bump the version when the composer's output changes.</summary>
    public static string RecipeOf(ComposeFilm message) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"compose/v1\n{message.Transition}\n{message.TransitionSeconds.ToString(CultureInfo.InvariantCulture)}\n{string.Join("\n", message.ClipHashes)}")));
}

public sealed class ComposeFilmConsumerDefinition : ConsumerDefinition<ComposeFilmConsumer>
{
    // Encoding is CPU bound and already uses every core: one film at a time per instance.
    public ComposeFilmConsumerDefinition() => ConcurrentMessageLimit = 1;
}
