using System.Text.Json;
using Ministudio.Contracts;
using Ministudio.Platform;
using Ministudio.Prompt.Films;
using Ministudio.Prompt.Infrastructure;
using Ministudio.Prompt.Webhooks;
using Npgsql;

namespace Ministudio.Prompt.Jobs;

/// <summary>An Idempotency-Key and the SHA-256 of the request body it was first used with.</summary>
public sealed record IdempotencyKey(string Key, byte[] RequestHash);

public enum SubmitOutcome { Created, Replayed, KeyReused, InFlight }

/// <summary>
/// Jobs as the API sees them in PostgreSQL: create, read, cancel. What dispatch and compose report moves them on in
/// <see cref="JobStateMachine"/>. Every change that must be announced writes its outbox rows in the same transaction.
/// </summary>
public sealed class JobStore(NpgsqlDataSource dataSource, OutboxSignal outboxSignal, PublicUrls urls)
{
    /// <summary>The cross-fade between consecutive shots of a film.</summary>
    public const string Transition = "fade";
    public const double TransitionSeconds = 0.5;

    /// <summary>
    /// Stores the job with its compiled shots and, atomically, queues the first shot of every continuity chain; the
    /// rest of a chain is queued shot by shot as its predecessor finishes (see <see cref="RecordShotRenderedAsync"/>).
    /// A job beyond the plan's concurrent-job quota is stored as throttled and queued later (<see cref="JobQuota"/>).
    /// The 202's view is made from what was inserted, not read back.
    /// </summary>
    public Task<(SubmitOutcome Outcome, Guid JobId, JobView? Created)> CreateAsync(
        Guid tenantId, FilmSpec spec, CompiledFilm film, IdempotencyKey? idempotency, CancellationToken ct) =>
        JobRows.CreateAsync(dataSource, outboxSignal, tenantId, idempotency, jobId => new NewJob(
            InsertCommands(jobId, tenantId, spec, film, batchId: null),
            (status, createdAt, updatedAt) => AcceptedView(jobId, spec, film, status, createdAt, updatedAt, urls)), ct);

    /// <summary>
    /// The batch commands that store a job: the jobs row (status by the quota, <see cref="JobRows.QuotaStatusSql"/>,
    /// after <see cref="JobQuota.LockCommand"/> in the same transaction), its shots, and the RenderShot of every
    /// chain's first shot unless the job was throttled (<see cref="JobQuota"/> starts it when a slot frees).
    /// <paramref name="batchId"/> marks jobs a batch created (null for interactive jobs).
    /// </summary>
    internal static List<NpgsqlBatchCommand> InsertCommands(Guid jobId, Guid tenantId, FilmSpec spec, CompiledFilm film, Guid? batchId)
    {
        System.Diagnostics.Activity.Current?.SetTag("ministudio.tenant_id", tenantId).SetTag("ministudio.job_id", jobId)
            .SetTag("ministudio.shots", film.Shots.Count);
        var commands = new List<NpgsqlBatchCommand>
        {
            new($"""
                INSERT INTO jobs (id, tenant_id, title, status, stage, spec, warnings, batch_id)
                SELECT $2, $1, $3, {JobRows.QuotaStatusSql(JobStatus.Queued)}, $4, $5, $6, $7
                {JobRows.Returning}
                """)
            {
                Parameters =
                {
                    new() { Value = tenantId },
                    new() { Value = jobId },
                    new() { Value = spec.Title! },
                    new() { Value = JobStage.Rendering },
                    JobRows.Json("", spec),
                    JobRows.Json("", film.Warnings),
                    new() { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid, Value = batchId is { } id ? id : DBNull.Value },
                },
            },
        };

        foreach (var shot in film.Shots)
        {
            commands.Add(new NpgsqlBatchCommand(
                "INSERT INTO shots (job_id, idx, chain, prompt, request, status, provider, film_shot, part, parts, state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
            {
                Parameters =
                {
                    new() { Value = jobId },
                    new() { Value = shot.Index },
                    new() { Value = shot.Chain },
                    new() { Value = shot.Prompt },
                    JobRows.Json("", shot.Request),
                    new() { Value = JobStatus.Queued },
                    new() { Value = shot.Request.Provider },
                    new() { Value = shot.Shot },
                    new() { Value = shot.Part },
                    new() { Value = shot.Parts },
                    JobRows.Json("", shot.State),
                },
            });
            var startsChain = shot.Index == 0 || film.Shots[shot.Index - 1].Chain != shot.Chain;
            if (startsChain) commands.Add(Outbox.CommandIf(new RenderShot(jobId, tenantId, shot.Index, shot.Request), JobRows.StartedSql, jobId));
        }
        return commands;
    }

    /// <summary>A new job as the API shows it, from what <see cref="InsertCommands"/> wrote and its insert returned: what a read of it would find.</summary>
    private static JobView AcceptedView(Guid jobId, FilmSpec spec, CompiledFilm film, string status, DateTimeOffset createdAt, DateTimeOffset updatedAt, PublicUrls urls)
    {
        var shots = film.Shots.Select(ShotView.Queued).ToList();
        return new JobView(jobId, spec.Title!, status, JobStage.Rendering, JobProgress.Of(status, shots.Count, 0, 0), createdAt, updatedAt,
            shots, film.Warnings, Video: null, Error: null, JobDeliverables.List(jobId, filmHash: null, [], shots, urls));
    }

    /// <summary>The job as its tenant sees it; another tenant's job is indistinguishable from a missing one.</summary>
    public async Task<JobView?> FindAsync(Guid tenantId, Guid jobId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // One snapshot for the job and its shots, so a reader never sees a shot ahead of its job.
        await using var snapshot = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        return await ReadAsync(connection, snapshot, tenantId, jobId, urls, ct);
    }

    /// <summary>The job as its tenant sees it, read in <see cref="FindAsync"/>'s snapshot.</summary>
    private static async Task<JobView?> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction snapshot, Guid tenantId, Guid jobId, PublicUrls urls, CancellationToken ct)
    {
        await using var selectJob = new NpgsqlCommand(
            """
            SELECT title, status, stage, compose_progress, artifact_hash, duration_seconds, error_code, error_message, created_at, updated_at,
                   warnings::text, deliverables::text
            FROM jobs WHERE id = @id AND tenant_id = @tenant
            """, connection, snapshot);
        selectJob.Parameters.AddWithValue("id", jobId);
        selectJob.Parameters.AddWithValue("tenant", tenantId);
        string title, status, stage;
        double composeProgress;
        string? artifactHash, errorCode, errorMessage;
        double? duration;
        DateTimeOffset createdAt, updatedAt;
        IReadOnlyList<CompileWarning> warnings;
        IReadOnlyList<FilmDeliverable> files;
        await using (var reader = await selectJob.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct)) return null;
            title = reader.GetString(0);
            status = reader.GetString(1);
            stage = reader.GetString(2);
            composeProgress = reader.GetFloat(3);
            artifactHash = reader.IsDBNull(4) ? null : reader.GetString(4);
            duration = reader.IsDBNull(5) ? null : reader.GetDouble(5);
            errorCode = reader.IsDBNull(6) ? null : reader.GetString(6);
            errorMessage = reader.IsDBNull(7) ? null : reader.GetString(7);
            createdAt = reader.GetFieldValue<DateTimeOffset>(8);
            updatedAt = reader.GetFieldValue<DateTimeOffset>(9);
            warnings = JsonSerializer.Deserialize<List<CompileWarning>>(reader.GetString(10), JsonSerializerOptions.Web)!;
            files = JobDeliverables.Parse(reader.IsDBNull(11) ? null : reader.GetString(11));
        }

        var shots = new List<ShotView>();
        await using (var selectShots = new NpgsqlCommand(
            """
            SELECT idx, status, progress, from_cache, provider, duration_seconds, prompt, error_code, error_message, chain, artifact_hash,
                   coalesce(film_shot, idx), part, parts, state::text
            FROM shots WHERE job_id = @id ORDER BY idx
            """, connection, snapshot))
        {
            selectShots.Parameters.AddWithValue("id", jobId);
            await using var reader = await selectShots.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                shots.Add(new ShotView(
                    Index: reader.GetInt32(0),
                    Status: reader.GetString(1),
                    Progress: reader.GetFloat(2),
                    FromCache: reader.GetBoolean(3),
                    Provider: reader.IsDBNull(4) ? null : reader.GetString(4),
                    DurationSeconds: reader.IsDBNull(5) ? null : reader.GetDouble(5),
                    Prompt: reader.GetString(6),
                    Error: reader.IsDBNull(7) ? null : JobError.Of(reader.GetString(7), reader.GetString(8)),
                    Chain: reader.GetInt32(9),
                    ClipSha256: reader.IsDBNull(10) ? null : reader.GetString(10),
                    Shot: reader.GetInt32(11),
                    Part: reader.GetInt32(12),
                    Parts: reader.GetInt32(13),
                    State: reader.IsDBNull(14) ? null : JsonSerializer.Deserialize<ShotState>(reader.GetString(14), JsonSerializerOptions.Web)));
            }
        }

        var progress = JobProgress.Of(status, shots.Count, shots.Sum(s => s.Progress), composeProgress);
        return new JobView(
            jobId, title, status, stage, progress, createdAt, updatedAt, shots, warnings,
            artifactHash is null ? null : new VideoView(urls.Of(JobPaths.Video(jobId)), artifactHash, duration ?? 0),
            errorCode is null ? null : JobError.Of(errorCode, errorMessage ?? ""),
            JobDeliverables.List(jobId, status == JobStatus.Succeeded ? artifactHash : null, files, shots, urls));
    }

    /// <summary>A page of the tenant's jobs, newest first; the token is the last job's id (ids are time-ordered UUIDv7).</summary>
    public async Task<JobPage> ListAsync(Guid tenantId, Guid? after, int limit, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            """
            WITH page AS (
                SELECT id, title, status, stage, compose_progress, created_at, updated_at, error_code, error_message
                FROM jobs WHERE tenant_id = @tenant AND (@after::uuid IS NULL OR id < @after)
                ORDER BY id DESC LIMIT @limit)
            SELECT p.id, p.title, p.status, p.stage, p.compose_progress, p.created_at, p.updated_at, p.error_code, p.error_message,
                   (SELECT count(*)::int FROM shots s WHERE s.job_id = p.id),
                   (SELECT coalesce(sum(s.progress), 0)::float8 FROM shots s WHERE s.job_id = p.id)
            FROM page p
            ORDER BY p.id DESC
            """);
        command.Parameters.AddWithValue("tenant", tenantId);
        command.Parameters.Add(new NpgsqlParameter("after", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = (object?)after ?? DBNull.Value });
        command.Parameters.AddWithValue("limit", limit + 1);
        var jobs = new List<JobSummary>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var status = reader.GetString(2);
            var shotCount = reader.GetInt32(9);
            jobs.Add(new JobSummary(
                Id: reader.GetGuid(0),
                Title: reader.GetString(1),
                Status: status,
                Stage: reader.GetString(3),
                Progress: JobProgress.Of(status, shotCount, reader.GetDouble(10), reader.GetFloat(4)),
                ShotCount: shotCount,
                CreatedAt: reader.GetFieldValue<DateTimeOffset>(5),
                UpdatedAt: reader.GetFieldValue<DateTimeOffset>(6),
                Error: reader.IsDBNull(7) ? null : JobError.Of(reader.GetString(7), reader.IsDBNull(8) ? "" : reader.GetString(8))));
        }
        return jobs.Count > limit ? new JobPage(jobs[..limit], jobs[limit - 1].Id.ToString()) : new JobPage(jobs, null);
    }

    public async Task<string?> FindVideoHashAsync(Guid tenantId, Guid jobId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT artifact_hash FROM jobs WHERE id = @id AND tenant_id = @tenant AND status = @succeeded");
        command.Parameters.AddWithValue("id", jobId);
        command.Parameters.AddWithValue("tenant", tenantId);
        command.Parameters.AddWithValue("succeeded", JobStatus.Succeeded);
        return await command.ExecuteScalarAsync(ct) as string;
    }

    public enum CancelOutcome { Canceled, NotFound, AlreadyFinal }

    /// <summary>Cancels a job and its unfinished shots, and tells dispatch to stop them, atomically.</summary>
    public async Task<CancelOutcome> CancelAsync(Guid tenantId, Guid jobId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var job = await JobRows.LockAsync(connection, transaction, jobId, ct);
        if (job is null || job.Value.TenantId != tenantId) return CancelOutcome.NotFound;
        if (JobStatus.IsFinal(job.Value.Status)) return CancelOutcome.AlreadyFinal;

        await using (var cancel = new NpgsqlCommand(
            """
            UPDATE jobs SET status = @canceled, stage = @done, updated_at = now() WHERE id = @job;
            UPDATE shots SET status = @canceled WHERE job_id = @job AND status IN (@queued, @running);
            """, connection, transaction))
        {
            cancel.Parameters.AddWithValue("canceled", JobStatus.Canceled);
            cancel.Parameters.AddWithValue("done", JobStage.Done);
            cancel.Parameters.AddWithValue("job", jobId);
            cancel.Parameters.AddWithValue("queued", JobStatus.Queued);
            cancel.Parameters.AddWithValue("running", JobStatus.Running);
            await cancel.ExecuteNonQueryAsync(ct);
        }
        await Outbox.EnqueueAsync(connection, transaction, new JobCanceled(jobId), ct);
        await JobQuota.StartWaitingJobsAsync(connection, transaction, tenantId, ct);
        await WebhookEvents.EnqueueJobEventAsync(connection, transaction, jobId, WebhookEvents.JobCanceled, new JobEventData(jobId, JobStatus.Canceled), ct);
        await transaction.CommitAsync(ct);
        outboxSignal.Notify();
        return CancelOutcome.Canceled;
    }
}
