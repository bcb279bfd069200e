using System.Text.Json;
using Ministudio.Platform;
using Ministudio.Prompt.Films;
using Ministudio.Prompt.Jobs;
using Ministudio.ServiceDefaults;
using Npgsql;
using NpgsqlTypes;

namespace Ministudio.Prompt.Batches;

/// <summary>One line of a batch as validated: a resolved film to run, or the errors that made it invalid.</summary>
public sealed record BatchLine(int Line, FilmSpec? Film, IReadOnlyList<FieldError> Errors);

/// <summary>Durable batch state in PostgreSQL. Items become jobs through <see cref="BatchAdmission"/>, not here.</summary>
public sealed class BatchStore(NpgsqlDataSource dataSource, JobStore jobs, PublicUrls urls)
{
    /// <summary>Stores the batch and all its lines in one transaction; with a key, replays or refuses like POST /v1/films.</summary>
    public async Task<(SubmitOutcome Outcome, Guid BatchId)> CreateAsync(
        Guid tenantId, string onInvalid, IReadOnlyList<BatchLine> lines, IdempotencyKey? idempotency, CancellationToken ct)
    {
        var batchId = Guid.CreateVersion7();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (idempotency is not null && await IdempotencyKeys.CheckAsync(connection, transaction, tenantId, idempotency, IdempotencyScope.Batches, ct) is { } earlier)
            return earlier;

        await using (var insert = new NpgsqlCommand("INSERT INTO batches (id, tenant_id, on_invalid) VALUES (@id, @tenant, @onInvalid)", connection, transaction))
        {
            insert.Parameters.AddWithValue("id", batchId);
            insert.Parameters.AddWithValue("tenant", tenantId);
            insert.Parameters.AddWithValue("onInvalid", onInvalid);
            await insert.ExecuteNonQueryAsync(ct);
        }

        // Up to ten thousand rows: COPY rather than one INSERT each.
        await using (var copy = await connection.BeginBinaryImportAsync("COPY batch_items (batch_id, line, status, spec, errors) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var line in lines)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(batchId, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(line.Line, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(line.Film is null ? BatchItemStatus.Invalid : BatchItemStatus.Pending, NpgsqlDbType.Text, ct);
                if (line.Film is null) await copy.WriteNullAsync(ct);
                else await copy.WriteAsync(JsonSerializer.Serialize(line.Film, JsonSerializerOptions.Web), NpgsqlDbType.Jsonb, ct);
                if (line.Errors.Count == 0) await copy.WriteNullAsync(ct);
                else await copy.WriteAsync(JsonSerializer.Serialize(line.Errors, JsonSerializerOptions.Web), NpgsqlDbType.Jsonb, ct);
            }
            await copy.CompleteAsync(ct);
        }

        if (idempotency is not null) await IdempotencyKeys.RememberAsync(connection, transaction, tenantId, idempotency, IdempotencyScope.Batches, batchId, ct);
        await transaction.CommitAsync(ct);
        return (SubmitOutcome.Created, batchId);
    }

    /// <summary>Batches with their counts, newest first; <paramref name="batchId"/> narrows to one, <paramref name="before"/> pages.</summary>
    private async Task<List<BatchView>> SelectAsync(Guid tenantId, Guid? batchId, Guid? before, int limit, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            SELECT b.id, b.on_invalid, b.created_at, b.canceled_at, c.total, c.queued, c.running, c.succeeded, c.failed, c.canceled, c.invalid
            FROM batches b
            CROSS JOIN LATERAL (
                SELECT count(*) FILTER (WHERE i.status <> '{BatchItemStatus.Invalid}') AS total,
                       count(*) FILTER (WHERE i.status = '{BatchItemStatus.Pending}'
                                        OR j.status {BatchStatus.JobUnfinishedSql} AND j.status <> '{JobStatus.Running}') AS queued,
                       count(*) FILTER (WHERE j.status = '{JobStatus.Running}') AS running,
                       count(*) FILTER (WHERE j.status = '{JobStatus.Succeeded}') AS succeeded,
                       count(*) FILTER (WHERE j.status = '{JobStatus.Failed}') AS failed,
                       count(*) FILTER (WHERE i.status = '{BatchItemStatus.Canceled}' OR j.status = '{JobStatus.Canceled}') AS canceled,
                       count(*) FILTER (WHERE i.status = '{BatchItemStatus.Invalid}') AS invalid
                FROM batch_items i LEFT JOIN jobs j ON j.id = i.job_id
                WHERE i.batch_id = b.id) c
            WHERE b.tenant_id = @tenant AND (@id::uuid IS NULL OR b.id = @id) AND (@before::uuid IS NULL OR b.id < @before)
            ORDER BY b.id DESC
            LIMIT @limit
            """);
        command.Parameters.AddWithValue("tenant", tenantId);
        command.Parameters.Add(new NpgsqlParameter("id", NpgsqlDbType.Uuid) { Value = (object?)batchId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("before", NpgsqlDbType.Uuid) { Value = (object?)before ?? DBNull.Value });
        command.Parameters.AddWithValue("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var batches = new List<BatchView>();
        while (await reader.ReadAsync(ct))
        {
            var counts = new BatchCounts(
                Total: (int)reader.GetInt64(4), Queued: (int)reader.GetInt64(5), Running: (int)reader.GetInt64(6),
                Succeeded: (int)reader.GetInt64(7), Failed: (int)reader.GetInt64(8), Canceled: (int)reader.GetInt64(9), Invalid: (int)reader.GetInt64(10));
            var canceledAt = reader.IsDBNull(3) ? (DateTimeOffset?)null : reader.GetFieldValue<DateTimeOffset>(3);
            var finished = counts.Succeeded + counts.Failed + counts.Canceled;
            batches.Add(new BatchView(
                Id: reader.GetGuid(0),
                Status: BatchStatus.Of(counts, canceledAt is not null),
                OnInvalid: reader.GetString(1),
                Counts: counts,
                Progress: counts.Total == 0 ? 1 : (double)finished / counts.Total,
                CreatedAt: reader.GetFieldValue<DateTimeOffset>(2),
                CanceledAt: canceledAt));
        }
        return batches;
    }

    /// <summary>The batch as its tenant sees it; another tenant's batch is indistinguishable from a missing one.</summary>
    public async Task<BatchView?> FindAsync(Guid tenantId, Guid batchId, CancellationToken ct) =>
        (await SelectAsync(tenantId, batchId, before: null, limit: 1, ct)).SingleOrDefault();

    /// <summary>A page of the tenant's batches, newest first; the token is the last batch's id (ids are time-ordered UUIDv7).</summary>
    public async Task<BatchPage> ListAsync(Guid tenantId, Guid? after, int limit, CancellationToken ct)
    {
        var batches = await SelectAsync(tenantId, batchId: null, after, limit + 1, ct);
        return batches.Count > limit
            ? new BatchPage(batches[..limit], batches[limit - 1].Id.ToString())
            : new BatchPage(batches, null);
    }

    /// <summary>The lines skipped as invalid, for the answer to the POST (first or replayed).</summary>
    public async Task<IReadOnlyList<LineErrors>> SkippedLinesAsync(Guid batchId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT line, errors::text FROM batch_items WHERE batch_id = @batch AND status = @invalid ORDER BY line");
        command.Parameters.AddWithValue("batch", batchId);
        command.Parameters.AddWithValue("invalid", BatchItemStatus.Invalid);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var lines = new List<LineErrors>();
        while (await reader.ReadAsync(ct))
            lines.Add(new LineErrors(reader.GetInt32(0), JsonSerializer.Deserialize<List<FieldError>>(reader.GetString(1), JsonSerializerOptions.Web)!));
        return lines;
    }

    public enum CancelOutcome { NotFound, AlreadyFinished, Canceled }

    /// <summary>
    /// Cancels the items not yet admitted, then every unfinished job of the batch through the job cancel path (which
    /// publishes JobCanceled). Items are canceled first and under their row locks, so an item the scheduler is
    /// admitting right now is either canceled here or its job is found and canceled afterwards.
    /// </summary>
    public async Task<CancelOutcome> CancelAsync(Guid tenantId, Guid batchId, CancellationToken ct)
    {
        if (await FindAsync(tenantId, batchId, ct) is not { } batch) return CancelOutcome.NotFound;
        if (batch.Status is not (BatchStatus.Running or BatchStatus.Canceled)) return CancelOutcome.AlreadyFinished;

        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        await using (var transaction = await connection.BeginTransactionAsync(ct))
        {
            await using var cancel = new NpgsqlCommand(
                """
                UPDATE batches SET canceled_at = coalesce(canceled_at, now()) WHERE id = @batch;
                UPDATE batch_items SET status = @canceled WHERE batch_id = @batch AND status = @pending;
                """, connection, transaction);
            cancel.Parameters.AddWithValue("batch", batchId);
            cancel.Parameters.AddWithValue("canceled", BatchItemStatus.Canceled);
            cancel.Parameters.AddWithValue("pending", BatchItemStatus.Pending);
            await cancel.ExecuteNonQueryAsync(ct);
            await transaction.CommitAsync(ct);
        }

        var running = new List<Guid>();
        await using (var select = dataSource.CreateCommand(
            $"SELECT j.id FROM batch_items i JOIN jobs j ON j.id = i.job_id WHERE i.batch_id = @batch AND j.status {BatchStatus.JobUnfinishedSql}"))
        {
            select.Parameters.AddWithValue("batch", batchId);
            await using var reader = await select.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) running.Add(reader.GetGuid(0));
        }
        // A job that finishes meanwhile answers AlreadyFinal, which is as good.
        foreach (var jobId in running) await jobs.CancelAsync(tenantId, jobId, ct);
        return CancelOutcome.Canceled;
    }

    /// <summary>Writes the results file: one JSON line per line of the batch, in line order.</summary>
    public async Task WriteResultsAsync(Guid batchId, Stream output, CancellationToken ct)
    {
        // Read whole before writing: a slow client must not hold a pooled connection while it downloads.
        var newline = "\n"u8.ToArray();
        foreach (var result in await ReadResultsAsync(batchId, ct))
        {
            await JsonSerializer.SerializeAsync(output, result, JsonSerializerOptions.Web, ct);
            await output.WriteAsync(newline, ct);
        }
    }

    private async Task<List<BatchResultLine>> ReadResultsAsync(Guid batchId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            SELECT i.line, i.status, i.errors::text, i.job_id, j.status, j.error_code, j.error_message,
                   EXISTS (SELECT 1 FROM shots s WHERE s.job_id = j.id AND s.status = '{JobStatus.Failed}' AND s.retryable)
            FROM batch_items i LEFT JOIN jobs j ON j.id = i.job_id
            WHERE i.batch_id = @batch
            ORDER BY i.line
            """);
        command.Parameters.AddWithValue("batch", batchId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var results = new List<BatchResultLine>();
        while (await reader.ReadAsync(ct))
        {
            var line = reader.GetInt32(0);
            var itemStatus = reader.GetString(1);
            var jobId = reader.IsDBNull(3) ? (Guid?)null : reader.GetGuid(3);
            var jobStatus = reader.IsDBNull(4) ? null : reader.GetString(4);
            BatchResultLine result;
            if (itemStatus == BatchItemStatus.Invalid)
            {
                var errors = JsonSerializer.Deserialize<List<FieldError>>(reader.GetString(2), JsonSerializerOptions.Web)!;
                result = new BatchResultLine(line, null, BatchItemStatus.Invalid, null, errors[0].Code,
                    string.Join(" ", errors.Select(e => $"{e.Field}: {e.Message}")), Retryable: false);
            }
            else if (jobId is null)
            {
                var canceled = itemStatus == BatchItemStatus.Canceled;
                result = new BatchResultLine(line, null, canceled ? JobStatus.Canceled : JobStatus.Queued, null, null, null, Retryable: canceled);
            }
            else
            {
                result = new BatchResultLine(line, jobId, jobStatus!,
                    VideoUrl: jobStatus == JobStatus.Succeeded ? urls.Of(JobPaths.Video(jobId.Value)) : null,
                    ErrorCode: reader.IsDBNull(5) ? null : reader.GetString(5),
                    ErrorMessage: reader.IsDBNull(6) ? null : reader.GetString(6),
                    Retryable: jobStatus == JobStatus.Canceled || jobStatus == JobStatus.Failed && reader.GetBoolean(7));
            }
            results.Add(result);
        }
        return results;
    }
}
