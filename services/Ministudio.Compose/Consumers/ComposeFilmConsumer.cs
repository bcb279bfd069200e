using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
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
        // The same clips with the same transition make the same film: reuse it instead of encoding again.
        var recipe = RecipeOf(message);
        if (await artifacts.RecallAsync(recipe, context.CancellationToken) is { } existing)
        {
            activity?.SetTag("ministudio.cache_hit", true);
            var duration = (await FFMpegCore.FFProbe.AnalyseAsync(artifacts.PathOf(existing), cancellationToken: context.CancellationToken)).Duration.TotalSeconds;
            await context.Publish(new FilmComposed(message.JobId, existing, duration));
            return;
        }

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
            await artifacts.RememberAsync(recipe, hash, context.CancellationToken);
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
