using System.Diagnostics;
using System.Diagnostics.Metrics;
using MassTransit;
using Ministudio.Contracts;
using Ministudio.Dispatch.Caching;
using Ministudio.Dispatch.Providers;
using Ministudio.ServiceDefaults;
using Polly;
using Polly.Retry;

namespace Ministudio.Dispatch.Consumers;

/// <summary>Produces one shot: from the result cache when the same request was made before, else from its provider.</summary>
public sealed class RenderShotConsumer(IEnumerable<IVideoProvider> providers, ResultCache cache, CanceledJobs canceled, ILogger<RenderShotConsumer> logger)
    : IConsumer<RenderShot>
{
    private static readonly Counter<long> Shots = MinistudioTelemetry.Meter.CreateCounter<long>("ministudio.dispatch.shots", description: "Shots produced, tagged by provider and cache outcome.");
    private static readonly Histogram<double> Duration = MinistudioTelemetry.Meter.CreateHistogram<double>("ministudio.provider.duration", "s", "Time a provider took for one shot.");

    // Retry only failures the provider marked retryable; bad requests and safety refusals fail at once.
    private static readonly ResiliencePipeline Retry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<ProviderException>(ex => ex.Retryable),
            MaxRetryAttempts = 2,
            Delay = TimeSpan.FromSeconds(1),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
        })
        .Build();

    public async Task Consume(ConsumeContext<RenderShot> context)
    {
        var (jobId, tenantId, shotIndex, request) = context.Message;
        var provider = providers.FirstOrDefault(p => p.Name == request.Provider);
        if (provider is null)
        {
            await context.Publish(new ShotFailed(jobId, shotIndex, "provider.unknown", $"No provider named '{request.Provider}' is configured.", Retryable: false));
            return;
        }

        if (await canceled.IsCanceledAsync(jobId))
        {
            logger.LogInformation("Skipping shot {ShotIndex} of canceled job {JobId}", shotIndex, jobId);
            return;
        }

        using var shot = canceled.Track(jobId, context.CancellationToken);
        using var activity = MinistudioTelemetry.ActivitySource.StartActivity("dispatch shot");
        activity?.SetTag("ministudio.job_id", jobId);
        activity?.SetTag("ministudio.shot_index", shotIndex);
        activity?.SetTag("ministudio.provider", provider.Name);
        var progress = new ThrottledProgress(fraction => context.Publish(new ShotProgressed(jobId, shotIndex, fraction.Fraction, fraction.Stage)));
        var stopwatch = Stopwatch.StartNew();
        try
        {
            var outcome = await cache.GetOrGenerateAsync(
                request,
                ct => Retry.ExecuteAsync(async token => await provider.GenerateAsync(new ShotJob(jobId, shotIndex, request, tenantId), progress, token), ct).AsTask(),
                shot.Token);
            await progress.DrainAsync();
            activity?.SetTag("ministudio.cache_hit", outcome.FromCache);
            Shots.Add(1, new("provider", provider.Name), new("cache", outcome.FromCache ? "hit" : "miss"));
            if (!outcome.FromCache) Duration.Record(stopwatch.Elapsed.TotalSeconds, new KeyValuePair<string, object?>("provider", provider.Name));
            await context.Publish(new ShotRendered(jobId, shotIndex, outcome.Clip.ArtifactHash, outcome.Clip.DurationSeconds, outcome.FromCache, provider.Name));
        }
        catch (OperationCanceledException) when (shot.Token.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            // The job was canceled: the provider stopped, and nobody waits for this shot any more.
            await progress.DrainAsync();
            logger.LogInformation("Stopped shot {ShotIndex} of canceled job {JobId}", shotIndex, jobId);
        }
        catch (ProviderException ex)
        {
            await progress.DrainAsync();
            logger.LogWarning(ex, "Shot {ShotIndex} of job {JobId} failed on {Provider}: {Code}", shotIndex, jobId, provider.Name, ex.Code);
            activity?.SetStatus(ActivityStatusCode.Error, ex.Code);
            await context.Publish(new ShotFailed(jobId, shotIndex, ex.Code, ex.Message, ex.Retryable));
        }
    }

    /// <summary>Forwards at most one progress report per tenth of the work or per second, in order.</summary>
    private sealed class ThrottledProgress(Func<ProviderProgress, Task> publish) : IProgress<ProviderProgress>
    {
        private readonly Lock _gate = new();
        private Task _pending = Task.CompletedTask;
        private double _lastFraction = -1;
        private long _lastTimestamp;

        public void Report(ProviderProgress value)
        {
            lock (_gate)
            {
                var now = Stopwatch.GetTimestamp();
                if (value.Fraction - _lastFraction < 0.1 && Stopwatch.GetElapsedTime(_lastTimestamp, now) < TimeSpan.FromSeconds(1)) return;
                _lastFraction = value.Fraction;
                _lastTimestamp = now;
                _pending = _pending.ContinueWith(_ => publish(value), TaskScheduler.Default).Unwrap();
            }
        }

        public Task DrainAsync()
        {
            lock (_gate) return _pending;
        }
    }
}

public sealed class RenderShotConsumerDefinition : ConsumerDefinition<RenderShotConsumer>
{
    public RenderShotConsumerDefinition(IConfiguration configuration)
    {
        // Rendering is CPU bound: take only as many shots at once as the render tier can work on.
        ConcurrentMessageLimit = configuration.GetValue("Dispatch:MaxConcurrentShots", Environment.ProcessorCount);
    }
}
