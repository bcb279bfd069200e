using Ministudio.Contracts;
using Ministudio.Platform;
using Ministudio.Prompt.Artifacts;
using Ministudio.Prompt.Infrastructure;
using Ministudio.ServiceDefaults;
using Npgsql;

namespace Ministudio.Prompt.Jobs;

/// <summary>
/// Jobs posted as a finished timeline: no shots to render, only the composition. The timeline is stored on the job so
/// a throttled one can be composed when a slot frees (<see cref="JobQuota"/>).
/// </summary>
public sealed class TimelineJobs(NpgsqlDataSource dataSource, OutboxSignal outboxSignal, TenantAssets tenantAssets, PublicUrls urls)
{
    public const string DefaultTitle = "timeline";

    /// <summary>
    /// One error per asset that is not the tenant's own upload, clip or finished film (<see cref="TenantAssets"/>).
    /// </summary>
    public async Task<IReadOnlyList<FieldError>> FindForeignAssetsAsync(Guid tenantId, Timeline timeline, CancellationToken ct)
    {
        var assets = AssetsOf(timeline).ToList();
        var owned = await tenantAssets.OwnedAsync(tenantId, assets.Select(a => a.Hash), ct);
        return assets.Where(a => !owned.Contains(a.Hash))
            .Select(a => new FieldError(a.Path, "timeline.asset_not_found", "No uploaded image, clip or film of yours has this hash."))
            .ToList();
    }

    /// <summary>The artifact hashes a (validated) timeline reads, with the JSON path of each, as the validator names them.</summary>
    private static IEnumerable<(string Path, string Hash)> AssetsOf(Timeline timeline)
    {
        if (timeline.Soundtrack is { Asset: { } music }) yield return ("$.soundtrack.asset", music);
        for (var t = 0; t < timeline.Tracks.Count; t++)
        {
            var clips = timeline.Tracks[t].Clips;
            for (var c = 0; c < clips.Count; c++)
            {
                // Only the types that read their asset: the others ignore the field.
                if (clips[c] is { Type: TimelineVocabulary.Video or TimelineVocabulary.Image or TimelineVocabulary.Audio, Asset: { } asset })
                    yield return ($"$.tracks[{t}].clips[{c}].asset", asset);
            }
        }
    }

    /// <summary>
    /// Stores a shotless job composing the timeline and, atomically, queues its ComposeFilm — or stores it throttled
    /// when the plan's concurrent-job quota is full. Idempotency-Key semantics are those of films. A started timeline
    /// job is running at once (there is nothing to render first); its 202 view is made from what was inserted.
    /// </summary>
    public Task<(SubmitOutcome Outcome, Guid JobId, JobView? Created)> CreateAsync(
        Guid tenantId, string title, Timeline timeline, IdempotencyKey? idempotency, CancellationToken ct) =>
        JobRows.CreateAsync(dataSource, outboxSignal, tenantId, idempotency, jobId => new NewJob(
            [
                new($$"""
                    INSERT INTO jobs (id, tenant_id, title, status, stage, spec, timeline)
                    SELECT $2, $1, $3, {{JobRows.QuotaStatusSql(JobStatus.Running)}}, $4, '{}', $5
                    {{JobRows.Returning}}
                    """)
                {
                    Parameters =
                    {
                        new() { Value = tenantId },
                        new() { Value = jobId },
                        new() { Value = title },
                        new() { Value = JobStage.Composing },
                        JobRows.Json("", timeline),
                    },
                },
                Outbox.CommandIf(Compose(jobId, tenantId, timeline), JobRows.StartedSql, jobId),
            ],
            // No shots, no warnings, nothing composed yet.
            (status, createdAt, updatedAt) => new JobView(jobId, title, status, JobStage.Composing, JobProgress.Of(status, 0, 0, 0), createdAt, updatedAt,
                [], [], Video: null, Error: null, JobDeliverables.List(jobId, filmHash: null, [], [], urls))), ct);

    /// <summary>Within the caller's transaction: compose the timeline (there are no clips of shots to join).</summary>
    internal static Task EnqueueComposeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid jobId, Guid tenantId, Timeline timeline, CancellationToken ct) =>
        Outbox.EnqueueAsync(connection, transaction, Compose(jobId, tenantId, timeline), ct);

    private static ComposeFilm Compose(Guid jobId, Guid tenantId, Timeline timeline) =>
        new(jobId, [], JobStore.Transition, JobStore.TransitionSeconds, timeline.Output.Aspect, timeline, TenantId: tenantId);
}
