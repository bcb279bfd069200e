using System.IO.Compression;
using System.Text;
using MassTransit;
using Ministudio.Contracts;
using Ministudio.Platform;
using Ministudio.Prompt.Infrastructure;
using Ministudio.ServiceDefaults;
using Npgsql;

namespace Ministudio.Prompt.Tenants;

/// <summary>What an erasure removed, counted per table (the audit keeps these numbers, never the tenant's name).</summary>
public sealed record TenantErasure(Guid TenantId, IReadOnlyDictionary<string, int> Rows, int FilesDeleted, int FilesKeptShared);

/// <summary>
/// Everything the platform stores for one tenant, in one list (<see cref="Tables"/>), read by the export and deleted
/// by the erasure (GDPR). Files live once in the shared content-addressed store: an export includes every file the
/// tenant's rows name; an erasure deletes those no other tenant's rows name. dispatch keeps the cost ledger and the
/// result cache: it answers <see cref="ExportTenantUsage"/> and acts on <see cref="TenantErased"/>.
/// </summary>
public sealed class TenantData(NpgsqlDataSource dataSource, ArtifactStore artifacts, IBus bus, OutboxSignal outboxSignal, TimeProvider time)
{
    /// <param name="Name">The export's file name (<c>{Name}.json</c>) and the erasure's count key.</param>
    /// <param name="Select">Its rows, with @tenant; secrets and key hashes are never selected.</param>
    /// <param name="Delete">Deletes them; null when a cascade from another table does (named in the comment).</param>
    private sealed record Table(string Name, string Select, string? Delete);

    /// <summary>In deletion order: each table before the ones it references.</summary>
    private static readonly Table[] Tables =
    [
        new("webhook-deliveries", "SELECT d.* FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE w.tenant_id = @tenant", null), // cascade: webhooks
        new("webhooks", "SELECT id, url, events, disabled_at, created_at FROM webhooks WHERE tenant_id = @tenant", "DELETE FROM webhooks WHERE tenant_id = @tenant"),
        new("batch-items", "SELECT i.* FROM batch_items i JOIN batches b ON b.id = i.batch_id WHERE b.tenant_id = @tenant",
            "DELETE FROM batch_items i USING batches b WHERE b.id = i.batch_id AND b.tenant_id = @tenant"),
        new("batch-idempotency-keys", "SELECT key, batch_id, created_at FROM batch_idempotency_keys WHERE tenant_id = @tenant", "DELETE FROM batch_idempotency_keys WHERE tenant_id = @tenant"),
        new("batch-turns", "SELECT * FROM batch_tenant_turns WHERE tenant_id = @tenant", "DELETE FROM batch_tenant_turns WHERE tenant_id = @tenant"),
        new("idempotency-keys", "SELECT key, job_id, created_at FROM idempotency_keys WHERE tenant_id = @tenant", "DELETE FROM idempotency_keys WHERE tenant_id = @tenant"),
        new("pending-messages", "SELECT id, message_type, body, created_at FROM outbox WHERE body->>'tenantId' = @tenant::text OR (body->>'jobId')::uuid IN (SELECT id FROM jobs WHERE tenant_id = @tenant)",
            "DELETE FROM outbox WHERE body->>'tenantId' = @tenant::text OR (body->>'jobId')::uuid IN (SELECT id FROM jobs WHERE tenant_id = @tenant)"),
        new("shots", "SELECT s.* FROM shots s JOIN jobs j ON j.id = s.job_id WHERE j.tenant_id = @tenant", null), // cascade: jobs
        new("jobs", "SELECT * FROM jobs WHERE tenant_id = @tenant", "DELETE FROM jobs WHERE tenant_id = @tenant"),
        new("batches", "SELECT * FROM batches WHERE tenant_id = @tenant", "DELETE FROM batches WHERE tenant_id = @tenant"),
        new("library", "SELECT id, kind, name, body, created_at, updated_at FROM library_items WHERE tenant_id = @tenant", "DELETE FROM library_items WHERE tenant_id = @tenant"),
        new("uploads", "SELECT sha256, content_type, bytes, created_at FROM tenant_artifacts WHERE tenant_id = @tenant", "DELETE FROM tenant_artifacts WHERE tenant_id = @tenant"),
        new("provider-secrets", "SELECT vendor, updated_at FROM tenant_provider_secrets WHERE tenant_id = @tenant", "DELETE FROM tenant_provider_secrets WHERE tenant_id = @tenant"),
        new("api-keys", "SELECT id, prefix, name, created_at, expires_at, revoked_at FROM api_keys WHERE tenant_id = @tenant", "DELETE FROM api_keys WHERE tenant_id = @tenant"),
        new("audit", "SELECT id, at, actor, action, target, before, after, trace_id FROM audit_log WHERE target LIKE 'tenant/' || @tenant::text || '%' ORDER BY id", null), // append-only: kept
        new("tenant", "SELECT id, name, plan, created_at FROM tenants WHERE id = @tenant", "DELETE FROM tenants WHERE id = @tenant"),
    ];

    /// <summary>Every file a tenant's rows name: uploads, films, shot clips and every deliverable. {0}: which tenants.</summary>
    private const string FilesNamed = """
        SELECT sha256 FROM tenant_artifacts WHERE {0}
        UNION SELECT artifact_hash FROM jobs WHERE {0} AND artifact_hash IS NOT NULL
        UNION SELECT s.artifact_hash FROM shots s JOIN jobs j ON j.id = s.job_id WHERE j.{0} AND s.artifact_hash IS NOT NULL
        UNION SELECT d->>'sha256' FROM jobs j, jsonb_array_elements(coalesce(j.deliverables, '[]'::jsonb)) d WHERE j.{0}
        """;

    public static readonly TimeSpan UsageTimeout = TimeSpan.FromSeconds(30);

    public async Task<bool> ExistsAsync(Guid tenantId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM tenants WHERE id = @tenant)");
        command.Parameters.AddWithValue("tenant", tenantId);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// Writes the tenant's export to <paramref name="zipPath"/>: one JSON array per table, <c>usage.json</c> from dispatch's
    /// ledger, <c>files/{sha256}</c> for every file its rows name, and <c>manifest.json</c> with counts. Read in one
    /// repeatable-read snapshot so the files and rows agree.
    /// </summary>
    /// <exception cref="RequestTimeoutException">dispatch did not answer within <see cref="UsageTimeout"/>.</exception>
    public async Task ExportAsync(Guid tenantId, string zipPath, CancellationToken ct)
    {
        var ledger = await bus.CreateRequestClient<ExportTenantUsage>(RequestTimeout.After(s: (int)UsageTimeout.TotalSeconds))
            .GetResponse<TenantUsageExported>(new ExportTenantUsage(tenantId), ct);
        await using var file = new FileStream(zipPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, useAsync: true);
        using var zip = new ZipArchive(file, ZipArchiveMode.Create, leaveOpen: true);
        var counts = new Dictionary<string, int>();
        List<string> files;
        // Rows and the names of their files in one snapshot; the connection goes back to the pool before the files
        // are copied from the store (content-addressed, so the names read here are the bytes that rows name).
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        await using (var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct))
        {
            foreach (var table in Tables)
            {
                await using var command = new NpgsqlCommand($"SELECT count(*)::int, coalesce(jsonb_agg(to_jsonb(t)), '[]')::text FROM ({table.Select}) t", connection, transaction);
                command.Parameters.AddWithValue("tenant", tenantId);
                await using var reader = await command.ExecuteReaderAsync(ct);
                await reader.ReadAsync(ct);
                counts[table.Name] = reader.GetInt32(0);
                await WriteTextAsync(zip, $"{table.Name}.json", reader.GetString(1), ct);
            }
            files = await FilesOfAsync(connection, transaction, tenantId, ct);
            await transaction.CommitAsync(ct);
        }
        await WriteTextAsync(zip, "usage.json", ledger.Message.LedgerJson, ct);

        var missing = 0;
        foreach (var hash in files)
        {
            await using var source = await artifacts.OpenReadAsync(hash, ct);
            if (source is null) { missing++; continue; }
            var entry = zip.CreateEntry($"files/{hash}", CompressionLevel.NoCompression); // media is compressed already
            await using var target = entry.Open();
            await source.CopyToAsync(target, ct);
        }
        var manifest = System.Text.Json.JsonSerializer.Serialize(
            new { tenantId, exportedAt = time.GetUtcNow(), rows = counts, files = files.Count - missing, filesMissing = missing },
            System.Text.Json.JsonSerializerOptions.Web);
        await WriteTextAsync(zip, "manifest.json", manifest, ct);
    }

    /// <summary>
    /// Deletes every row of the tenant in one transaction, with its unfinished jobs cancelled in dispatch and a
    /// <see cref="TenantErased"/> for the services that keep their own copies, both through the outbox; the audit log
    /// keeps one redacted record (counts, no name). Files no other tenant's rows name are deleted after the commit.
    /// Null when there is no such tenant.
    /// </summary>
    public async Task<TenantErasure?> EraseAsync(Guid tenantId, string actor, CancellationToken ct)
    {
        // The rows go in one transaction whose connection is back in the pool before the store is asked to delete.
        if (await EraseRowsAsync(tenantId, actor, ct) is not (var erasure, var unshared)) return null;
        var deleted = 0;
        foreach (var file in unshared)
            if (await artifacts.DeleteAsync(file, ct)) deleted++;
        return erasure with { FilesDeleted = deleted };
    }

    /// <summary>The erasure's rows, committed; with the files no other tenant's rows name.</summary>
    private async Task<(TenantErasure Erasure, List<string> Unshared)?> EraseRowsAsync(Guid tenantId, string actor, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var lockTenant = new NpgsqlCommand("SELECT 1 FROM tenants WHERE id = @tenant FOR UPDATE", connection, transaction))
        {
            lockTenant.Parameters.AddWithValue("tenant", tenantId);
            if (await lockTenant.ExecuteScalarAsync(ct) is null) return null;
        }
        var files = await FilesOfAsync(connection, transaction, tenantId, ct);

        // Stop what is in flight first: the cancellations go out before the rows that name the jobs disappear.
        var unfinished = new List<Guid>();
        await using (var select = new NpgsqlCommand("SELECT id FROM jobs WHERE tenant_id = @tenant AND status NOT IN ('succeeded', 'failed', 'canceled')", connection, transaction))
        {
            select.Parameters.AddWithValue("tenant", tenantId);
            await using var reader = await select.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) unfinished.Add(reader.GetGuid(0));
        }

        var rows = new Dictionary<string, int>();
        foreach (var table in Tables.Where(t => t.Delete is not null))
        {
            await using var delete = new NpgsqlCommand(table.Delete, connection, transaction);
            delete.Parameters.AddWithValue("tenant", tenantId);
            rows[table.Name] = await delete.ExecuteNonQueryAsync(ct);
        }
        foreach (var job in unfinished) await Outbox.EnqueueAsync(connection, transaction, new JobCanceled(job), ct);
        await Outbox.EnqueueAsync(connection, transaction, new TenantErased(tenantId), ct);

        // Which of the tenant's files someone else still names (the same bytes uploaded or rendered by another tenant).
        var shared = new HashSet<string>(StringComparer.Ordinal);
        await using (var stillNamed = new NpgsqlCommand(
            $"SELECT h FROM ({string.Format(FilesNamed, "tenant_id <> @tenant")}) named(h) WHERE h = ANY(@hashes)", connection, transaction))
        {
            stillNamed.Parameters.AddWithValue("tenant", tenantId);
            stillNamed.Parameters.AddWithValue("hashes", files.ToArray());
            await using var reader = await stillNamed.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) shared.Add(reader.GetString(0));
        }
        var erasure = new TenantErasure(tenantId, rows, files.Count(f => !shared.Contains(f)), shared.Count);
        await AuditLog.AppendAsync(connection, transaction, actor, "tenant.erase", TenantAdministration.Target(tenantId), null,
            new { rows, filesDeleted = erasure.FilesDeleted, filesKeptShared = erasure.FilesKeptShared }, ct);
        await transaction.CommitAsync(ct);
        outboxSignal.Notify();
        return (erasure, files.Where(f => !shared.Contains(f)).ToList());
    }

    private static async Task<List<string>> FilesOfAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid tenantId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(string.Format(FilesNamed, "tenant_id = @tenant"), connection, transaction);
        command.Parameters.AddWithValue("tenant", tenantId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var files = new List<string>();
        while (await reader.ReadAsync(ct))
            if (!reader.IsDBNull(0) && ArtifactStore.IsHash(reader.GetString(0))) files.Add(reader.GetString(0));
        return files;
    }

    private static async Task WriteTextAsync(ZipArchive zip, string name, string text, CancellationToken ct)
    {
        await using var entry = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
        await entry.WriteAsync(Encoding.UTF8.GetBytes(text), ct);
    }
}
