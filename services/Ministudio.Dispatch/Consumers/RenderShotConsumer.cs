using System.Diagnostics;
using System.Diagnostics.Metrics;
using MassTransit;
using Microsoft.Extensions.Options;
using Ministudio.Contracts;
using Ministudio.Dispatch.Caching;
using Ministudio.Dispatch.Leases;
using Ministudio.Dispatch.Money;
using Ministudio.Dispatch.Providers;
using Ministudio.Dispatch.Routing;
using Ministudio.Platform;
using Ministudio.ServiceDefaults;
using Npgsql;

namespace Ministudio.Dispatch.Consumers;

/// <summary>Produces one shot: from the result cache when the same request was made before, else through routing.</summary>
public sealed class RenderShotConsumer(
    ShotRouter router, ResultCache cache, CostLedger ledger, CanceledJobs canceled, ShotLeases leases, ILogger<RenderShotConsumer> logger)
    : IConsumer<RenderShot>
{
    private static readonly Counter<long> Shots = MinistudioTelemetry.Meter.CreateCounter<long>("ministudio.dispatch.shots", description: "Shots produced, tagged by vendor and cache outcome.");
    private static readonly Counter<long> CacheLookups = MinistudioTelemetry.Meter.CreateCounter<long>("ministudio.cache.lookups", description: "Result cache lookups; hit ratio = ministudio.cache.hits / this.");
    private static readonly Histogram<double> ShotLatency = MinistudioTelemetry.Meter.CreateHistogram<double>("ministudio.shot.duration", "s", "Time from taking a shot off the queue to its clip, cache hits included.");
    private static readonly Counter<long> CacheHits = MinistudioTelemetry.Meter.CreateCounter<long>("ministudio.cache.hits", description: "Result cache lookups answered from the cache.");

    public async Task Consume(ConsumeContext<RenderShot> context)
    {
        var (jobId, tenantId, shotIndex, request) = context.Message;
        if (router.VendorsOf(request.Provider).Count == 0)
        {
            await context.PublishBoundedAsync(new ShotFailed(jobId, shotIndex, RoutingErrors.UnknownProvider, $"No provider or chain named '{request.Provider}' is configured.", Retryable: false));
            return;
        }

        using var activity = MinistudioTelemetry.ActivitySource.StartActivity("dispatch shot");
        var started = Stopwatch.GetTimestamp();
        activity?.SetTag("ministudio.tenant_id", tenantId);
        activity?.SetTag("ministudio.job_id", jobId);
        activity?.SetTag("ministudio.shot_index", shotIndex);
        activity?.SetTag("ministudio.provider", request.Provider);
        var peek = await cache.PeekAsync(jobId, tenantId, request, context.CancellationToken);
        if (peek.Canceled)
        {
            logger.LogInformation("Skipping shot {ShotIndex} of canceled job {JobId}", shotIndex, jobId);
            return;
        }
        if (peek.Cached is { } cached)
        {
            // A hit spends nothing, so it takes no lease: a redelivery answers from the cache again, and its usage
            // row is keyed by the shot, so it is counted once.
            await AnswerAsync(context, new ShotJob(jobId, shotIndex, request, tenantId), new ResultCache.Outcome(cached, FromCache: true), started, activity);
            return;
        }

        // The shot is leased while it is produced: a redelivery after this instance crashed takes it over once the
        // lease goes silent, resuming the vendor task, instead of paying for it again.
        ShotLease? lease;
        try
        {
            lease = await leases.AcquireAsync(jobId, shotIndex, context.CancellationToken);
        }
        catch (NpgsqlException ex) when (!MessageRetry.WillRetry(context, ex))
        {
            // PostgreSQL stayed away through every attempt (MessageRetry): the shot fails, retryably; before that, a
            // transient failure goes up to the retry and costs the shot time only.
            logger.LogWarning(ex, "Could not lease shot {ShotIndex} of job {JobId}", shotIndex, jobId);
            await context.PublishBoundedAsync(new ShotFailed(jobId, shotIndex, RoutingErrors.LedgerUnavailable, "The shot ledger is unreachable; no money is spent without it.", Retryable: true));
            return;
        }
        if (lease is null)
        {
            logger.LogInformation("Shot {ShotIndex} of job {JobId} was finished by the instance that held it", shotIndex, jobId);
            return;
        }
        await using var leased = lease;
        using var shot = canceled.Track(jobId, context.CancellationToken);
        activity?.SetTag("ministudio.takeovers", lease.Takeovers);
        var job = new ShotJob(jobId, shotIndex, request, tenantId) { Lease = lease };
        // At most one progress report per tenth of the work or per second, in order.
        var progress = new ProgressThrottle<ProviderProgress>(
            report => context.PublishBoundedAsync(new ShotProgressed(jobId, shotIndex, report.Fraction, report.Stage)), report => report.Fraction, TimeSpan.FromSeconds(1), minimumStep: 0.1);
        try
        {
            var outcome = await cache.GetOrGenerateAsync(tenantId, request, ct => router.GenerateAsync(job, progress, ct), shot.Token);
            await progress.FlushAsync();
            await AnswerAsync(context, job, outcome, started, activity);
            await lease.FinishAsync();
        }
        catch (OperationCanceledException) when (shot.Token.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            // The job was canceled: the provider stopped, and nobody waits for this shot any more.
            await progress.FlushAsync();
            logger.LogInformation("Stopped shot {ShotIndex} of canceled job {JobId}", shotIndex, jobId);
            await lease.FinishAsync();
        }
        catch (ProviderException ex) when (ex.Code == RoutingErrors.LedgerUnavailable && MessageRetry.WillRetry(context, ex))
        {
            // The ledger was away before any vendor was paid: the message is handled again in a moment (the lease goes
            // with this attempt, or, left behind while PostgreSQL is away, is taken over after its grace period).
            await progress.FlushAsync();
            logger.LogWarning("Shot {ShotIndex} of job {JobId} waits for the cost ledger (attempt {Attempt})", shotIndex, jobId, context.GetRetryAttempt() + 1);
            throw;
        }
        catch (ProviderException ex)
        {
            await progress.FlushAsync();
            logger.LogWarning(ex, "Shot {ShotIndex} of job {JobId} failed for {Provider}: {Code}", shotIndex, jobId, request.Provider, ex.Code);
            activity?.SetStatus(ActivityStatusCode.Error, ex.Code);
            await context.PublishBoundedAsync(new ShotFailed(jobId, shotIndex, ex.Code, ex.Message, ex.Retryable));
            await lease.FinishAsync();
        }
    }

    /// <summary>Publishes the shot's clip, with its metrics; a hit's zero-cost usage row after the answer (bookkeeping, not latency).</summary>
    private async Task AnswerAsync(ConsumeContext<RenderShot> context, ShotJob job, ResultCache.Outcome outcome, long started, Activity? activity)
    {
        var (clip, vendor, model) = outcome.Routed;
        // Bounded labels only: vendor and model, never a tenant or job id (those go on the span).
        TagList tags = new() { { "vendor", vendor }, { "model", model } };
        CacheLookups.Add(1, tags);
        if (outcome.FromCache) CacheHits.Add(1, tags);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        activity?.SetTag("ministudio.cache_hit", outcome.FromCache);
        activity?.SetTag("ministudio.vendor", vendor);
        activity?.SetTag("ministudio.model", model);
        activity?.SetTag("ministudio.latency_s", seconds);
        ShotLatency.Record(seconds, new("vendor", vendor), new("cache", outcome.FromCache ? "hit" : "miss"));
        Shots.Add(1, new("vendor", vendor), new("cache", outcome.FromCache ? "hit" : "miss"));
        await context.PublishBoundedAsync(new ShotRendered(job.JobId, job.ShotIndex, clip.ArtifactHash, clip.DurationSeconds, outcome.FromCache, vendor));
        if (outcome.FromCache) await RecordCacheHitAsync(job, vendor, model, context.CancellationToken);
    }

    private async Task RecordCacheHitAsync(ShotJob job, string vendor, string model, CancellationToken ct)
    {
        try
        {
            await ledger.RecordCacheHitAsync(job, vendor, model, ct);
        }
        catch (NpgsqlException ex)
        {
            // A hit costs nothing: losing its usage row is better than losing the shot.
            logger.LogWarning(ex, "Could not record a cache hit for shot {ShotIndex} of job {JobId}", job.ShotIndex, job.JobId);
        }
    }
}

public sealed class RenderShotConsumerDefinition : ConsumerDefinition<RenderShotConsumer>
{
    public RenderShotConsumerDefinition(IOptions<ShotConsumerOptions> options)
    {
        // Rendering is CPU bound: take only as many shots at once as the render tier can work on.
        ConcurrentMessageLimit = options.Value.MaxConcurrentShots;
    }
}
