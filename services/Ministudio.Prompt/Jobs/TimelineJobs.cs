using System.Text.Json;
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
    /// when the plan's concurrent-job quota is full. Idempotency-Key semantics are those of films.
    /// </summary>
    public Task<(SubmitOutcome Outcome, Guid JobId, JobView? Created)> CreateAsync(
        Guid tenantId, string title, Timeline timeline, IdempotencyKey? idempotency, CancellationToken ct) =>
        JobRows.CreateAsync(dataSource, outboxSignal, urls, tenantId, idempotency, async (connection, transaction, jobId, throttled) =>
        {
            await InsertAsync(connection, transaction, jobId, tenantId, title, timeline, throttled, ct);
            if (!throttled) await EnqueueComposeAsync(connection, transaction, jobId, tenantId, timeline, ct);
        }, ct);

    private static async Task InsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid jobId, Guid tenantId, string title, Timeline timeline, bool throttled, CancellationToken ct)
    {
        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO jobs (id, tenant_id, title, status, stage, spec, timeline)
            VALUES (@id, @tenant, @title, @status, @composing, '{}', @timeline)
            """, connection, transaction))
        {
            insert.Parameters.AddWithValue("id", jobId);
            insert.Parameters.AddWithValue("tenant", tenantId);
            insert.Parameters.AddWithValue("title", title);
            insert.Parameters.AddWithValue("status", throttled ? JobStatus.Throttled : JobStatus.Running);
            insert.Parameters.AddWithValue("composing", JobStage.Composing);
            insert.Parameters.Add(new NpgsqlParameter("timeline", NpgsqlTypes.NpgsqlDbType.Jsonb)
                { Value = JsonSerializer.Serialize(timeline, JsonSerializerOptions.Web) });
            await insert.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>Within the caller's transaction: compose the timeline (there are no clips of shots to join).</summary>
    internal static Task EnqueueComposeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid jobId, Guid tenantId, Timeline timeline, CancellationToken ct) =>
        Outbox.EnqueueAsync(connection, transaction,
            new ComposeFilm(jobId, [], JobStore.Transition, JobStore.TransitionSeconds, timeline.Output.Aspect, timeline, TenantId: tenantId), ct);
}
