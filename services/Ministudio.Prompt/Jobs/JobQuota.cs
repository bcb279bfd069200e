using Ministudio.Contracts;
using Ministudio.Prompt.Infrastructure;
using Npgsql;

namespace Ministudio.Prompt.Jobs;

/// <summary>
/// The concurrent-job quota of a tenant's plan. Jobs beyond it are stored as throttled and start, oldest first, as
/// slots free up. For a plan with a limit, all decisions for one tenant are serialised by a transaction-scoped advisory lock;
/// a plan without one takes no lock.
/// </summary>
public static class JobQuota
{
    /// <summary>
    /// The quota's first statement, in the new job's transaction: reads the tenant's plan and takes the tenant's quota
    /// lock only when the plan has a concurrent-job limit (without one every job may start, and locking would serialise
    /// all of a tenant's submissions for nothing, each waiting request holding a pooled connection). Whether it locked
    /// is kept for the transaction (<c>set_config</c>, local) for <see cref="HasFreeSlotSql"/>. <c>$1</c> is the tenant.
    /// </summary>
    private const string LockSql =
        """
        SELECT set_config('ministudio.job_quota_locked', (p.concurrent_jobs IS NOT NULL)::text, true),
               CASE WHEN p.concurrent_jobs IS NOT NULL THEN pg_advisory_xact_lock(hashtextextended('job-quota/' || $1::text, 0)) END
        FROM tenants t LEFT JOIN plans p ON p.name = t.plan WHERE t.id = $1
        """;

    /// <summary>
    /// Free slots under the tenant's plan (int.MaxValue: no limit), as an SQL expression for a statement after
    /// <see cref="LockSql"/>: under READ COMMITTED a later statement sees every job committed by whoever held the lock
    /// before. Unlimited when the lock was not taken, even if the plan gained a limit in between: that job counts as
    /// submitted before the change, as it would have been a moment earlier. <c>$1</c> is the tenant.
    /// </summary>
    private const string FreeSlotsSql =
        $"""
        coalesce((SELECT CASE WHEN current_setting('ministudio.job_quota_locked', true) IS DISTINCT FROM 'true' OR p.concurrent_jobs IS NULL THEN 2147483647
                              ELSE greatest(0, p.concurrent_jobs - (SELECT count(*) FROM jobs
                                                                    WHERE tenant_id = $1 AND status IN ('{JobStatus.Queued}', '{JobStatus.Running}')))::int END
                  FROM tenants t LEFT JOIN plans p ON p.name = t.plan WHERE t.id = $1), 2147483647)
        """;

    /// <summary>Whether a new job may start now (queued) or must wait (throttled), for a statement after <see cref="LockCommand"/>; <c>$1</c> is the tenant.</summary>
    public const string HasFreeSlotSql = $"({FreeSlotsSql} > 0)";

    /// <summary><see cref="LockSql"/> as the first command of the batch that creates a job; one row, read past it.</summary>
    public static NpgsqlBatchCommand LockCommand(Guid tenantId) => new(LockSql) { Parameters = { new() { Value = tenantId } } };

    /// <summary>Within the caller's transaction: whether a job of the tenant may start now (takes the quota's lock when the plan has a limit).</summary>
    public static async Task<bool> HasFreeSlotAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid tenantId, CancellationToken ct) =>
        await FreeSlotsAsync(connection, transaction, tenantId, ct) > 0;

    /// <summary>
    /// Starts the tenant's oldest throttled jobs while slots are free: each gets its continuity chains' first shots
    /// (or, for a timeline job, its composition) queued in this transaction. Called whenever a job of the tenant ends, and by <see cref="JobQueueSweeper"/>.
    /// </summary>
    public static async Task<int> StartWaitingJobsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid tenantId, CancellationToken ct)
    {
        var free = await FreeSlotsAsync(connection, transaction, tenantId, ct);
        if (free <= 0) return 0;
        var started = new List<(Guid JobId, string? Timeline)>();
        // SKIP LOCKED: a throttled job being canceled right now is not started; the next one is.
        // A timeline job has no shots: it goes straight to composing, as running (what FilmComposed expects).
        await using (var promote = new NpgsqlCommand(
            """
            UPDATE jobs SET status = CASE WHEN timeline IS NULL THEN @queued ELSE @running END, started_at = now(), updated_at = now()
            WHERE id IN (SELECT id FROM jobs WHERE tenant_id = @tenant AND status = @throttled
                         ORDER BY created_at, id LIMIT @free FOR UPDATE SKIP LOCKED)
            RETURNING id, timeline::text
            """, connection, transaction))
        {
            promote.Parameters.AddWithValue("queued", JobStatus.Queued);
            promote.Parameters.AddWithValue("running", JobStatus.Running);
            promote.Parameters.AddWithValue("throttled", JobStatus.Throttled);
            promote.Parameters.AddWithValue("tenant", tenantId);
            promote.Parameters.AddWithValue("free", free);
            await using var reader = await promote.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) started.Add((reader.GetGuid(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
        }
        foreach (var (jobId, timeline) in started)
        {
            if (timeline is null) await QueueChainStartsAsync(connection, transaction, tenantId, jobId, ct);
            else await TimelineJobs.EnqueueComposeAsync(connection, transaction, jobId, tenantId,
                System.Text.Json.JsonSerializer.Deserialize<Timeline>(timeline, System.Text.Json.JsonSerializerOptions.Web)!, ct);
        }
        return started.Count;
    }

    /// <summary>Free slots under the tenant's plan (int.MaxValue: no limit): <see cref="LockSql"/>, then <see cref="FreeSlotsSql"/>, in one round trip.</summary>
    private static async Task<int> FreeSlotsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid tenantId, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands = { LockCommand(tenantId), new($"SELECT {FreeSlotsSql}") { Parameters = { new() { Value = tenantId } } } },
        };
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.NextResultAsync(ct);
        await reader.ReadAsync(ct);
        return reader.GetInt32(0);
    }

    /// <summary>The first shot of every continuity chain of a stored job (later shots wait for their predecessor).</summary>
    private static async Task QueueChainStartsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid tenantId, Guid jobId, CancellationToken ct)
    {
        var starts = new List<(int Index, string Request)>();
        await using (var select = new NpgsqlCommand(
            """
            SELECT s.idx, s.request::text FROM shots s
            WHERE s.job_id = @job AND NOT EXISTS (SELECT 1 FROM shots p WHERE p.job_id = s.job_id AND p.idx = s.idx - 1 AND p.chain = s.chain)
            ORDER BY s.idx
            """, connection, transaction))
        {
            select.Parameters.AddWithValue("job", jobId);
            await using var reader = await select.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) starts.Add((reader.GetInt32(0), reader.GetString(1)));
        }
        foreach (var (index, request) in starts)
        {
            var shot = System.Text.Json.JsonSerializer.Deserialize<ShotRequest>(request, System.Text.Json.JsonSerializerOptions.Web)!;
            await Outbox.EnqueueAsync(connection, transaction, new RenderShot(jobId, tenantId, index, shot), ct);
        }
    }
}
