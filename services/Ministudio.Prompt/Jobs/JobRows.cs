using System.Text.Json;
using Ministudio.Platform;
using Ministudio.Prompt.Films;
using Ministudio.Prompt.Infrastructure;
using Npgsql;

namespace Ministudio.Prompt.Jobs;

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
    /// Creates one job in one transaction: the Idempotency-Key checked (an earlier answer is returned as it was), the
    /// plan's quota read, <paramref name="insert"/> given the new id and whether the job waits (throttled), the key
    /// remembered, and the new job's view read before the commit (the answer needs no second connection); the outbox
    /// relay is woken after the commit. The view is null when the key answered instead.
    /// </summary>
    public static async Task<(SubmitOutcome Outcome, Guid JobId, JobView? Created)> CreateAsync(
        NpgsqlDataSource dataSource, OutboxSignal outboxSignal, PublicUrls urls, Guid tenantId, IdempotencyKey? idempotency,
        Func<NpgsqlConnection, NpgsqlTransaction, Guid, bool, Task> insert, CancellationToken ct)
    {
        var jobId = Guid.CreateVersion7();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (idempotency is not null && await IdempotencyKeys.CheckAsync(connection, transaction, tenantId, idempotency, IdempotencyScope.Jobs, ct) is { } earlier)
            return (earlier.Item1, earlier.Item2, null);
        var throttled = !await JobQuota.HasFreeSlotAsync(connection, transaction, tenantId, ct);
        await insert(connection, transaction, jobId, throttled);
        if (idempotency is not null) await IdempotencyKeys.RememberAsync(connection, transaction, tenantId, idempotency, IdempotencyScope.Jobs, jobId, ct);
        var created = await JobStore.ReadAsync(connection, transaction, tenantId, jobId, urls, ct);
        await transaction.CommitAsync(ct);
        outboxSignal.Notify();
        return (SubmitOutcome.Created, jobId, created);
    }

    public static NpgsqlParameter Json<T>(string name, T value) =>
        new(name, NpgsqlTypes.NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(value, JsonSerializerOptions.Web) };
}
