using System.Text.Json;
using Microsoft.Extensions.Options;
using Ministudio.Prompt.Films;
using Ministudio.Prompt.Infrastructure;
using Ministudio.Prompt.Jobs;
using Npgsql;

namespace Ministudio.Prompt.Batches;

/// <summary>
/// Turns pending batch items into jobs, fairly: round-robin across tenants (the tenant whose last batch job was
/// admitted longest ago goes first, one job per tenant per round), at most
/// <see cref="BatchOptions.MaxActiveJobsPerTenant"/> unfinished batch jobs per tenant, and none at all while the
/// tenant has an interactive job with shots still waiting — interactive work goes first.
/// Safe to run on every replica at once: each admission holds the tenant's advisory lock for its transaction (so two
/// replicas cannot both see room under the limit), and locks the item with SKIP LOCKED.
/// </summary>
public sealed class BatchAdmission(NpgsqlDataSource dataSource, OutboxSignal outboxSignal, IOptions<BatchOptions> options)
{
    /// <summary>Admits until no tenant can take another job; returns how many items became jobs.</summary>
    public async Task<int> AdmitAsync(CancellationToken ct)
    {
        var admitted = 0;
        while (true)
        {
            var round = 0;
            foreach (var tenant in await TenantsInTurnOrderAsync(ct))
            {
                if (await TryAdmitOneAsync(tenant, ct)) round++;
            }
            if (round == 0) return admitted;
            admitted += round;
        }
    }

    private async Task<List<Guid>> TenantsInTurnOrderAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            SELECT b.tenant_id
            FROM batches b LEFT JOIN batch_tenant_turns t ON t.tenant_id = b.tenant_id
            WHERE b.canceled_at IS NULL
              AND EXISTS (SELECT 1 FROM batch_items i WHERE i.batch_id = b.id AND i.status = '{BatchItemStatus.Pending}')
            GROUP BY b.tenant_id, t.last_admitted_at
            ORDER BY t.last_admitted_at NULLS FIRST, b.tenant_id
            """);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var tenants = new List<Guid>();
        while (await reader.ReadAsync(ct)) tenants.Add(reader.GetGuid(0));
        return tenants;
    }

    /// <summary>One item of the tenant's oldest batch becomes a job, if the tenant has room and no interactive work waiting.</summary>
    private async Task<bool> TryAdmitOneAsync(Guid tenantId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        NpgsqlCommand Command(string sql)
        {
            var command = new NpgsqlCommand(sql, connection, transaction);
            command.Parameters.AddWithValue("tenant", tenantId);
            return command;
        }

        // Another replica is admitting for this tenant right now; it will take this tenant's turn.
        await using (var lockTenant = Command("SELECT pg_try_advisory_xact_lock(hashtextextended('batch-admission/' || @tenant::text, 0))"))
        {
            if (await lockTenant.ExecuteScalarAsync(ct) is not true) return false;
        }

        await using (var room = Command(
            $"""
            SELECT (SELECT count(*) FROM jobs WHERE tenant_id = @tenant AND batch_id IS NOT NULL AND status {BatchStatus.JobUnfinishedSql}) < @limit
               AND NOT EXISTS (SELECT 1 FROM jobs j
                               WHERE j.tenant_id = @tenant AND j.batch_id IS NULL AND j.status {BatchStatus.JobUnfinishedSql}
                                 AND EXISTS (SELECT 1 FROM shots s WHERE s.job_id = j.id AND s.status = '{JobStatus.Queued}'))
            """))
        {
            room.Parameters.AddWithValue("limit", (long)options.Value.MaxActiveJobsPerTenant);
            if (await room.ExecuteScalarAsync(ct) is not true) return false;
        }
        // Batch jobs only take free plan slots; a throttled slot is left to interactive jobs.
        if (!await JobQuota.HasFreeSlotAsync(connection, transaction, tenantId, ct)) return false;

        Guid batchId;
        int line;
        FilmSpec spec;
        await using (var next = Command(
            $"""
            SELECT i.batch_id, i.line, i.spec::text
            FROM batch_items i JOIN batches b ON b.id = i.batch_id
            WHERE b.tenant_id = @tenant AND b.canceled_at IS NULL AND i.status = '{BatchItemStatus.Pending}'
            ORDER BY b.id, i.line
            LIMIT 1
            FOR UPDATE OF i SKIP LOCKED
            """))
        await using (var reader = await next.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct)) return false;
            batchId = reader.GetGuid(0);
            line = reader.GetInt32(1);
            spec = JsonSerializer.Deserialize<FilmSpec>(reader.GetString(2), JsonSerializerOptions.Web)!;
        }

        // The job (queued: the quota's lock, taken above, is held and a slot was free), the item marked admitted and the
        // tenant's turn, in one round trip.
        var jobId = Guid.CreateVersion7();
        await using (var admit = new NpgsqlBatch(connection, transaction))
        {
            foreach (var command in JobStore.InsertCommands(jobId, tenantId, spec, PromptCompiler.Compile(spec), batchId)) admit.BatchCommands.Add(command);
            admit.BatchCommands.Add(new($"UPDATE batch_items SET status = '{BatchItemStatus.Admitted}', job_id = $1, admitted_at = now() WHERE batch_id = $2 AND line = $3")
            {
                Parameters = { new() { Value = jobId }, new() { Value = batchId }, new() { Value = line } },
            });
            admit.BatchCommands.Add(new(
                """
                INSERT INTO batch_tenant_turns (tenant_id, last_admitted_at) VALUES ($1, clock_timestamp())
                ON CONFLICT (tenant_id) DO UPDATE SET last_admitted_at = excluded.last_admitted_at
                """)
            {
                Parameters = { new() { Value = tenantId } },
            });
            await admit.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        outboxSignal.Notify();
        return true;
    }
}
