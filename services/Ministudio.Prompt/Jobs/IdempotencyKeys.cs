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
        // One round trip: the key's lock, the expired row deleted, the live row read. Without the lock nothing is
        // touched (a row lock would make this request wait for the one in progress); the read sees the statement's
        // snapshot, from before the delete, so it leaves expired rows out itself.
        await using var check = new NpgsqlCommand(
            $"""
            WITH held AS (SELECT pg_try_advisory_xact_lock(hashtextextended($1::text || '{scope.LockPrefix}' || $2, 0)) AS held),
                 expired AS (DELETE FROM {scope.Table} WHERE (SELECT held FROM held) AND tenant_id = $1 AND key = $2 AND created_at < now() - interval '24 hours')
            SELECT h.held, k.request_hash, k.{scope.CreatedColumn}
            FROM held h LEFT JOIN {scope.Table} k ON h.held AND k.tenant_id = $1 AND k.key = $2 AND k.created_at >= now() - interval '24 hours'
            """, connection, transaction)
        {
            Parameters = { new() { Value = tenantId }, new() { Value = idempotency.Key } },
        };
        await using var reader = await check.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        if (!reader.GetBoolean(0)) return (SubmitOutcome.InFlight, Guid.Empty);
        if (reader.IsDBNull(1)) return null;
        var sameRequest = reader.GetFieldValue<byte[]>(1).AsSpan().SequenceEqual(idempotency.RequestHash);
        return (sameRequest ? SubmitOutcome.Replayed : SubmitOutcome.KeyReused, reader.GetGuid(2));
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
