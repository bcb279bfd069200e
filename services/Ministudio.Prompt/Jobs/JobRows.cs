using System.Text.Json;
using Ministudio.Prompt.Films;
using Ministudio.Prompt.Infrastructure;
using Npgsql;

namespace Ministudio.Prompt.Jobs;

/// <summary>
/// A job to create (<see cref="JobRows.CreateAsync"/>): its batch commands, the first its jobs row's
/// <c>INSERT … SELECT … <see cref="JobRows.Returning"/></c>, and its view from the values returned (status, created, updated).
/// </summary>
internal sealed record NewJob(IReadOnlyList<NpgsqlBatchCommand> Commands, Func<string, DateTimeOffset, DateTimeOffset, JobView> View);

/// <summary>Row helpers the job store, timeline jobs and the state machine share.</summary>
internal static class JobRows
{
    /// <summary>Locks the job's row for the rest of the transaction; null when there is no such job.</summary>
    public static async Task<(Guid TenantId, string Status, string Stage)?> LockAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid jobId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT tenant_id, status, stage FROM jobs WHERE id = @id FOR UPDATE", connection, transaction);
        command.Parameters.AddWithValue("id", jobId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetGuid(0), reader.GetString(1), reader.GetString(2)) : null;
    }

    /// <summary>The film spec a job was created from (library-resolved, as validated).</summary>
    public static async Task<FilmSpec> SpecAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid jobId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT spec::text FROM jobs WHERE id = @id", connection, transaction);
        command.Parameters.AddWithValue("id", jobId);
        return JsonSerializer.Deserialize<FilmSpec>((string)(await command.ExecuteScalarAsync(ct))!, JsonSerializerOptions.Web)!;
    }

    /// <summary>
    /// The status a new job is inserted with, for the <c>INSERT … SELECT</c> of its jobs row: <paramref name="started"/>
    /// when the plan's quota has a free slot, else throttled (<see cref="JobQuota"/> starts it when one frees). The
    /// tenant is the statement's <c>$1</c>.
    /// </summary>
    public static string QuotaStatusSql(string started) => $"CASE WHEN {JobQuota.HasFreeSlotSql} THEN '{started}' ELSE '{JobStatus.Throttled}' END";

    /// <summary>What the jobs row's insert returns, for the new job's view.</summary>
    public const string Returning = "RETURNING status, created_at, updated_at";

    /// <summary>Condition of a message that only a started job sends (<see cref="Outbox.CommandIf{T}"/>; the job id is its <c>$5</c>).</summary>
    public const string StartedSql = $"EXISTS (SELECT 1 FROM jobs WHERE id = $5 AND status <> '{JobStatus.Throttled}')";

    /// <summary>
    /// Creates one job, its rows sent as one batch: the quota's lock, the jobs row (its status decided by the quota,
    /// <see cref="QuotaStatusSql"/>, returning what the view needs: the answer reads nothing back), the job's other rows
    /// and outbox messages, and the Idempotency-Key. Without a key the batch is its own (implicit) transaction: one
    /// round trip. A key is checked first under its lock, so the two go in an explicit transaction; an earlier answer
    /// of the key is returned as it was, without a view. The outbox relay is woken after the commit.
    /// </summary>
    public static async Task<(SubmitOutcome Outcome, Guid JobId, JobView? Created)> CreateAsync(
        NpgsqlDataSource dataSource, OutboxSignal outboxSignal, Guid tenantId, IdempotencyKey? idempotency, Func<Guid, NewJob> build, CancellationToken ct)
    {
        var jobId = Guid.CreateVersion7();
        var job = build(jobId);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = idempotency is null ? null : await connection.BeginTransactionAsync(ct);
        if (idempotency is not null && await IdempotencyKeys.CheckAsync(connection, transaction!, tenantId, idempotency, IdempotencyScope.Jobs, ct) is { } earlier)
            return (earlier.Item1, earlier.Item2, null);

        await using var batch = new NpgsqlBatch(connection, transaction) { BatchCommands = { JobQuota.LockCommand(tenantId) } };
        foreach (var command in job.Commands) batch.BatchCommands.Add(command);
        if (idempotency is not null) batch.BatchCommands.Add(IdempotencyKeys.RememberCommand(tenantId, idempotency, IdempotencyScope.Jobs, jobId));
        JobView created;
        await using (var reader = await batch.ExecuteReaderAsync(ct))
        {
            await reader.NextResultAsync(ct); // past the quota's lock, to the jobs row
            await reader.ReadAsync(ct);
            created = job.View(reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetFieldValue<DateTimeOffset>(2));
            while (await reader.NextResultAsync(ct)) { } // the rest of the batch: an error of a later row is thrown here
        }
        if (transaction is not null) await transaction.CommitAsync(ct);
        outboxSignal.Notify();
        return (SubmitOutcome.Created, jobId, created);
    }

    public static NpgsqlParameter Json<T>(string name, T value) =>
        new(name, NpgsqlTypes.NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(value, JsonSerializerOptions.Web) };
}
