using System.Diagnostics;
using MassTransit;
using Ministudio.Compose.Timeline;
using Ministudio.Contracts;
using Ministudio.ServiceDefaults;

namespace Ministudio.Compose.Consumers;

/// <summary>Composes a job's clips into its film and reports the outcome; failures are reported, never redelivered.</summary>
public sealed class ComposeFilmConsumer(FilmComposer composer, ArtifactStore artifacts, ILogger<ComposeFilmConsumer> logger) : IConsumer<ComposeFilm>
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

    public async Task Consume(ConsumeContext<ComposeFilm> context)
    {
        var message = context.Message;
        using var activity = MinistudioTelemetry.ActivitySource.StartActivity("compose film");
        activity?.SetTag("ministudio.job_id", message.JobId);
        activity?.SetTag("ministudio.clips", message.ClipHashes.Count);
        var scratch = artifacts.CreateScratchFolder();
        try
        {
            var clips = message.ClipHashes.Select(hash => artifacts.Contains(hash)
                    ? artifacts.PathOf(hash)
                    : throw new CompositionException("compose.clip_missing", $"Clip {hash} is not in the artifact store."))
                .ToList();

            var lastReport = Stopwatch.StartNew();
            var progress = new Progress<double>(fraction =>
            {
                if (lastReport.Elapsed < ProgressInterval) return;
                lastReport.Restart();
                _ = context.Publish(new FilmComposeProgressed(message.JobId, fraction));
            });
            var film = await composer.ComposeAsync(clips, message.Transition, message.TransitionSeconds, Path.Combine(scratch, "film.mp4"), progress, context.CancellationToken);
            var hash = await artifacts.AddFileAsync(film.Path, context.CancellationToken);
            await context.Publish(new FilmComposed(message.JobId, hash, film.DurationSeconds));
        }
        catch (CompositionException ex)
        {
            logger.LogWarning(ex, "Composing job {JobId} failed: {Code}", message.JobId, ex.Code);
            activity?.SetStatus(ActivityStatusCode.Error, ex.Code);
            await context.Publish(new FilmComposeFailed(message.JobId, ex.Code, ex.Message));
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }
}

public sealed class ComposeFilmConsumerDefinition : ConsumerDefinition<ComposeFilmConsumer>
{
    // Encoding is CPU bound and already uses every core: one film at a time per instance.
    public ComposeFilmConsumerDefinition() => ConcurrentMessageLimit = 1;
}
