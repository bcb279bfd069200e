using Npgsql;

namespace Ministudio.Prompt.Jobs;

/// <summary>
/// Where a kind of submission keeps its Idempotency-Keys: the table, the column naming what the key created, and the
/// advisory-lock namespace. Films and timelines share one scope (both create jobs); batches have their own, so a
/// batch key never replays a film.
/// </summary>
public sealed record IdempotencyScope(string Table, string CreatedColumn, string LockPrefix)
{
    public static readonly IdempotencyScope Jobs = new("idempotency_keys", "job_id", "/");
    public static readonly IdempotencyScope Batches = new("batch_idempotency_keys", "batch_id", "/batches/");
}

/// <summary>Idempotency-Key checks and records, inside the transaction that creates the keyed resource. Keys live 24 hours.</summary>
public static class IdempotencyKeys
{
    /// <summary>
    /// A key being used by a request still in progress, a key used for another body, or a key whose resource exists
    /// already (replayed). Null when the request may create its resource.
    /// </summary>
    public static async Task<(SubmitOutcome, Guid)?> CheckAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid tenantId, IdempotencyKey idempotency, IdempotencyScope scope, CancellationToken ct)
    {
        NpgsqlCommand Command(string sql)
        {
            var command = new NpgsqlCommand(sql, connection, transaction);
            command.Parameters.AddWithValue("tenant", tenantId);
            command.Parameters.AddWithValue("key", idempotency.Key);
            return command;
        }

        await using (var lockKey = Command($"SELECT pg_try_advisory_xact_lock(hashtextextended(@tenant::text || '{scope.LockPrefix}' || @key, 0))"))
        {
            if (await lockKey.ExecuteScalarAsync(ct) is not true) return (SubmitOutcome.InFlight, Guid.Empty);
        }
        await using (var expire = Command($"DELETE FROM {scope.Table} WHERE tenant_id = @tenant AND key = @key AND created_at < now() - interval '24 hours'"))
        {
            await expire.ExecuteNonQueryAsync(ct);
        }
        await using var find = Command($"SELECT request_hash, {scope.CreatedColumn} FROM {scope.Table} WHERE tenant_id = @tenant AND key = @key");
        await using var reader = await find.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        var sameRequest = reader.GetFieldValue<byte[]>(0).AsSpan().SequenceEqual(idempotency.RequestHash);
        return (sameRequest ? SubmitOutcome.Replayed : SubmitOutcome.KeyReused, reader.GetGuid(1));
    }

    /// <summary>Records that the key created <paramref name="createdId"/>.</summary>
    public static async Task RememberAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid tenantId, IdempotencyKey idempotency, IdempotencyScope scope, Guid createdId, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection, transaction) { BatchCommands = { RememberCommand(tenantId, idempotency, scope, createdId) } };
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary><see cref="RememberAsync"/> as a command of the batch that creates <paramref name="createdId"/>, after <see cref="CheckAsync"/> in its transaction.</summary>
    public static NpgsqlBatchCommand RememberCommand(Guid tenantId, IdempotencyKey idempotency, IdempotencyScope scope, Guid createdId) =>
        new($"INSERT INTO {scope.Table} (tenant_id, key, request_hash, {scope.CreatedColumn}) VALUES ($1, $2, $3, $4)")
        {
            Parameters = { new() { Value = tenantId }, new() { Value = idempotency.Key }, new() { Value = idempotency.RequestHash }, new() { Value = createdId } },
        };
}
