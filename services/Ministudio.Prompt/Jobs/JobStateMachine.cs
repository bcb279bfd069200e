using System.Text.Json;
using Ministudio.Contracts;
using Ministudio.Platform;
using Ministudio.Prompt.Films;
using Ministudio.Prompt.Infrastructure;
using Ministudio.Prompt.Webhooks;
using Npgsql;

namespace Ministudio.Prompt.Jobs;

/// <summary>
/// Moves jobs through their states as dispatch and compose report back (queued → running → composing → succeeded,
/// failed or canceled). Each step locks the job row, is idempotent, and writes its outbox rows and webhook events in
/// the same transaction.
/// </summary>
public sealed class JobStateMachine(NpgsqlDataSource dataSource, OutboxSignal outboxSignal, ProvenanceManifests provenance, PublicUrls urls)
{
    public async Task RecordShotProgressAsync(ShotProgressed progressed, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            """
            WITH shot AS (
                UPDATE shots SET status = @running, progress = GREATEST(progress, @fraction)
                WHERE job_id = @job AND idx = @idx AND status IN (@queued, @running)
                RETURNING job_id)
            UPDATE jobs SET status = @running, updated_at = now()
            WHERE id = @job AND status = @queued AND EXISTS (SELECT 1 FROM shot)
            """);
        command.Parameters.AddWithValue("job", progressed.JobId);
        command.Parameters.AddWithValue("idx", progressed.ShotIndex);
        command.Parameters.AddWithValue("fraction", (float)Math.Clamp(progressed.Fraction, 0, 1));
        command.Parameters.AddWithValue("queued", JobStatus.Queued);
        command.Parameters.AddWithValue("running", JobStatus.Running);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Marks a shot done; the last shot to finish queues the composition (once, under the job's row lock).</summary>
    public async Task RecordShotRenderedAsync(ShotRendered rendered, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var job = await JobRows.LockAsync(connection, transaction, rendered.JobId, ct);
        if (job is null || JobStatus.IsFinal(job.Value.Status) || job.Value.Stage != JobStage.Rendering) return;

        await using (var update = new NpgsqlCommand(
            """
            UPDATE shots SET status = @succeeded, progress = 1, artifact_hash = @hash, duration_seconds = @duration,
                             from_cache = @fromCache, provider = @provider
            WHERE job_id = @job AND idx = @idx AND status <> @succeeded
            """, connection, transaction))
        {
            update.Parameters.AddWithValue("succeeded", JobStatus.Succeeded);
            update.Parameters.AddWithValue("hash", rendered.ArtifactHash);
            update.Parameters.AddWithValue("duration", rendered.DurationSeconds);
            update.Parameters.AddWithValue("fromCache", rendered.FromCache);
            update.Parameters.AddWithValue("provider", rendered.Provider);
            update.Parameters.AddWithValue("job", rendered.JobId);
            update.Parameters.AddWithValue("idx", rendered.ShotIndex);
            // A second report of a shot already done (a redelivered hit answers again) changes nothing and must not
            // queue its chain's next shot twice.
            if (await update.ExecuteNonQueryAsync(ct) == 0) return;
        }

        await QueueNextInChainAsync(connection, transaction, job.Value.TenantId, rendered, ct);

        var clips = new List<string>();
        var parts = new List<(int Shot, int Part)>();
        var allDone = true;
        string? aspect = null;
        await using (var select = new NpgsqlCommand(
            "SELECT status, artifact_hash, request->>'aspectRatio', coalesce(film_shot, idx), part FROM shots WHERE job_id = @job ORDER BY idx", connection, transaction))
        {
            select.Parameters.AddWithValue("job", rendered.JobId);
            await using var reader = await select.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                allDone &= reader.GetString(0) == JobStatus.Succeeded;
                if (!reader.IsDBNull(1)) clips.Add(reader.GetString(1));
                // Every shot of a film has the film's aspect.
                aspect ??= reader.IsDBNull(2) ? null : reader.GetString(2);
                parts.Add((reader.GetInt32(3), reader.GetInt32(4)));
            }
        }

        var nextStage = allDone ? JobStage.Composing : JobStage.Rendering;
        await UpdateJobAsync(connection, transaction, rendered.JobId, JobStatus.Running, nextStage, ct);
        if (allDone)
        {
            var score = FilmScores.ScoreOf(await JobRows.SpecAsync(connection, transaction, rendered.JobId, ct), parts);
            await Outbox.EnqueueAsync(connection, transaction,
                new ComposeFilm(rendered.JobId, clips, JobStore.Transition, JobStore.TransitionSeconds, aspect!, Score: score, TenantId: job.Value.TenantId), ct);
        }
        await transaction.CommitAsync(ct);
        outboxSignal.Notify();
    }

    /// <summary>The next shot of the same chain starts on this shot's last frame, so it is queued only now.</summary>
    private static async Task QueueNextInChainAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid tenantId, ShotRendered rendered, CancellationToken ct)
    {
        await using var next = new NpgsqlCommand(
            """
            UPDATE shots n SET request = jsonb_set(n.request, '{firstFrameClip}', to_jsonb(@clip::text))
            FROM shots p
            WHERE p.job_id = @job AND p.idx = @idx AND n.job_id = @job AND n.idx = @idx + 1 AND n.chain = p.chain AND n.status = @queued
            RETURNING n.request::text
            """, connection, transaction);
        next.Parameters.AddWithValue("clip", rendered.ArtifactHash);
        next.Parameters.AddWithValue("job", rendered.JobId);
        next.Parameters.AddWithValue("idx", rendered.ShotIndex);
        next.Parameters.AddWithValue("queued", JobStatus.Queued);
        if (await next.ExecuteScalarAsync(ct) is not string request) return;
        var shot = JsonSerializer.Deserialize<ShotRequest>(request, JsonSerializerOptions.Web)!;
        await Outbox.EnqueueAsync(connection, transaction, new RenderShot(rendered.JobId, tenantId, rendered.ShotIndex + 1, shot), ct);
    }

    public async Task RecordShotFailedAsync(ShotFailed failed, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var job = await JobRows.LockAsync(connection, transaction, failed.JobId, ct);
        if (job is null || JobStatus.IsFinal(job.Value.Status)) return;

        await using (var update = new NpgsqlCommand(
            "UPDATE shots SET status = @failed, error_code = @code, error_message = @message, retryable = @retryable WHERE job_id = @job AND idx = @idx",
            connection, transaction))
        {
            update.Parameters.AddWithValue("failed", JobStatus.Failed);
            update.Parameters.AddWithValue("code", failed.ErrorCode);
            update.Parameters.AddWithValue("message", failed.Message);
            update.Parameters.AddWithValue("retryable", failed.Retryable);
            update.Parameters.AddWithValue("job", failed.JobId);
            update.Parameters.AddWithValue("idx", failed.ShotIndex);
            await update.ExecuteNonQueryAsync(ct);
        }
        await FailJobAsync(connection, transaction, failed.JobId, failed.ErrorCode, $"Shot {failed.ShotIndex} failed: {failed.Message}", ct);
        await JobQuota.StartWaitingJobsAsync(connection, transaction, job.Value.TenantId, ct);
        await transaction.CommitAsync(ct);
        outboxSignal.Notify();
    }

    /// <summary>
    /// Fails a job that outlived its deadline (<see cref="JobQueueSweeper"/>): its unfinished shots fail with the same
    /// retryable code, dispatch is told to stop them (as for a cancel), and the tenant's next waiting job may start.
    /// </summary>
    public async Task<bool> RecordDeadlineExceededAsync(Guid jobId, TimeSpan deadline, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var job = await JobRows.LockAsync(connection, transaction, jobId, ct);
        if (job is null || JobStatus.IsFinal(job.Value.Status) || job.Value.Status == JobStatus.Throttled) return false;

        var code = ProblemCodes.JobDeadlineExceeded.Code;
        var message = $"The job did not finish within its deadline of {deadline:g}; submit it again.";
        await using (var shots = new NpgsqlCommand(
            """
            UPDATE shots SET status = @failed, error_code = @code, error_message = @message, retryable = true
            WHERE job_id = @job AND status IN (@queued, @running)
            """, connection, transaction))
        {
            shots.Parameters.AddWithValue("failed", JobStatus.Failed);
            shots.Parameters.AddWithValue("code", code);
            shots.Parameters.AddWithValue("message", message);
            shots.Parameters.AddWithValue("job", jobId);
            shots.Parameters.AddWithValue("queued", JobStatus.Queued);
            shots.Parameters.AddWithValue("running", JobStatus.Running);
            await shots.ExecuteNonQueryAsync(ct);
        }
        await FailJobAsync(connection, transaction, jobId, code, message, ct);
        await Outbox.EnqueueAsync(connection, transaction, new JobCanceled(jobId), ct);
        await JobQuota.StartWaitingJobsAsync(connection, transaction, job.Value.TenantId, ct);
        await transaction.CommitAsync(ct);
        outboxSignal.Notify();
        return true;
    }

    public async Task RecordComposeProgressAsync(FilmComposeProgressed progressed, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE jobs SET compose_progress = GREATEST(compose_progress, @fraction), updated_at = now() WHERE id = @job AND stage = @composing");
        command.Parameters.AddWithValue("fraction", (float)Math.Clamp(progressed.Fraction, 0, 1));
        command.Parameters.AddWithValue("job", progressed.JobId);
        command.Parameters.AddWithValue("composing", JobStage.Composing);
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task RecordFilmComposedAsync(FilmComposed composed, CancellationToken ct)
    {
        // The provenance manifest names the film and its shots: written before the job points at the film, and before
        // this opens its connection, so that a store outage never holds a pooled connection while waiting for another.
        IReadOnlyList<FilmDeliverable> manifest;
        try
        {
            manifest = await provenance.WriteAsync(composed.JobId, composed.ArtifactHash, ct);
        }
        catch (ArtifactStoreUnavailableException ex)
        {
            // The store went away between compose storing the film and this: the job fails with the store's retryable
            // code, as compose's own failure would. Thrown on, the message went to the _error queue and the job stayed
            // running until its deadline.
            await RecordFilmComposeFailedAsync(new FilmComposeFailed(composed.JobId, ArtifactStoreUnavailableException.Code, ex.Message), ct);
            return;
        }
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using var command = new NpgsqlCommand(
            """
            UPDATE jobs SET status = @succeeded, stage = @done, compose_progress = 1, artifact_hash = @hash,
                            duration_seconds = @duration, deliverables = @deliverables, updated_at = now()
            WHERE id = @job AND status = @running
            RETURNING tenant_id
            """, connection, transaction);
        command.Parameters.AddWithValue("succeeded", JobStatus.Succeeded);
        command.Parameters.AddWithValue("done", JobStage.Done);
        command.Parameters.AddWithValue("hash", composed.ArtifactHash);
        command.Parameters.AddWithValue("duration", composed.DurationSeconds);
        command.Parameters.Add(JobRows.Json("deliverables", (composed.Deliverables ?? []).Concat(manifest).ToList()));
        command.Parameters.AddWithValue("job", composed.JobId);
        command.Parameters.AddWithValue("running", JobStatus.Running);
        // The job's slot frees for the tenant's next throttled job, in the same transaction.
        if (await command.ExecuteScalarAsync(ct) is not Guid tenantId) return;
        await JobQuota.StartWaitingJobsAsync(connection, transaction, tenantId, ct);
        await WebhookEvents.EnqueueJobEventAsync(connection, transaction, composed.JobId, WebhookEvents.JobSucceeded, new JobEventData(
            composed.JobId, JobStatus.Succeeded, Video: new VideoView(urls.Of(JobPaths.Video(composed.JobId)), composed.ArtifactHash, composed.DurationSeconds)), ct);
        await transaction.CommitAsync(ct);
        outboxSignal.Notify();
    }

    public async Task RecordFilmComposeFailedAsync(FilmComposeFailed failed, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var job = await JobRows.LockAsync(connection, transaction, failed.JobId, ct);
        if (job is null || JobStatus.IsFinal(job.Value.Status)) return;
        await FailJobAsync(connection, transaction, failed.JobId, failed.ErrorCode, failed.Message, ct);
        await JobQuota.StartWaitingJobsAsync(connection, transaction, job.Value.TenantId, ct);
        await transaction.CommitAsync(ct);
        outboxSignal.Notify();
    }

    private static async Task UpdateJobAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid jobId, string status, string stage, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("UPDATE jobs SET status = @status, stage = @stage, updated_at = now() WHERE id = @id", connection, transaction);
        command.Parameters.AddWithValue("status", status);
        command.Parameters.AddWithValue("stage", stage);
        command.Parameters.AddWithValue("id", jobId);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task FailJobAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid jobId, string code, string message, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "UPDATE jobs SET status = @failed, stage = @done, error_code = @code, error_message = @message, updated_at = now() WHERE id = @id",
            connection, transaction);
        command.Parameters.AddWithValue("failed", JobStatus.Failed);
        command.Parameters.AddWithValue("done", JobStage.Done);
        command.Parameters.AddWithValue("code", code);
        command.Parameters.AddWithValue("message", message);
        command.Parameters.AddWithValue("id", jobId);
        await command.ExecuteNonQueryAsync(ct);
        await WebhookEvents.EnqueueJobEventAsync(connection, transaction, jobId, WebhookEvents.JobFailed,
            new JobEventData(jobId, JobStatus.Failed, Error: JobError.Of(code, message)), ct);
    }
}
