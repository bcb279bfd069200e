using Ministudio.Contracts;
using Ministudio.Prompt.Infrastructure;
using Npgsql;

namespace Ministudio.Prompt.Tenants;

/// <summary>When a tenant's own vendor key was last set; the secret itself is never shown again.</summary>
public sealed record ProviderSecretView(string Vendor, DateTimeOffset UpdatedAt);

/// <summary>
/// Tenants' own vendor keys (BYOK), encrypted at rest and bound to their tenant and vendor. Operators set, list and
/// remove them; only dispatch reads them back (<see cref="RevealAsync"/>), and every change tells every dispatch
/// instance to drop its copy (<see cref="TenantProviderSecretChanged"/>, through the outbox).
/// </summary>
public sealed class ProviderSecrets(NpgsqlDataSource dataSource, SecretProtector protector, OutboxSignal outboxSignal)
{
    /// <summary>Binds a provider secret's ciphertext to its tenant and vendor.</summary>
    public static string OwnerOf(Guid tenantId, string vendor) => $"{tenantId}/{vendor}";

    /// <summary>Stores a tenant's own vendor key, encrypted; the audit row records that it changed, never its value.</summary>
    public async Task<AdminOutcome> SetAsync(Guid tenantId, string vendor, string secret, string actor, CancellationToken ct)
    {
        // Encrypted before the connection is taken: Data Protection may read its key ring from PostgreSQL (a second
        // pooled connection, PostgresXmlRepository) when it loads or refreshes it.
        var ciphertext = protector.Protect(SecretProtector.Kinds.ProviderSecret, OwnerOf(tenantId, vendor), secret);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (!await TenantAdministration.TenantExistsAsync(connection, transaction, tenantId, ct)) return AdminOutcome.TenantNotFound;
        await using var upsert = new NpgsqlCommand(
            """
            INSERT INTO tenant_provider_secrets (tenant_id, vendor, ciphertext) VALUES (@tenant, @vendor, @ciphertext)
            ON CONFLICT (tenant_id, vendor) DO UPDATE SET ciphertext = @ciphertext, updated_at = now()
            RETURNING (xmax <> 0)
            """, connection, transaction);
        upsert.Parameters.AddWithValue("tenant", tenantId);
        upsert.Parameters.AddWithValue("vendor", vendor);
        upsert.Parameters.AddWithValue("ciphertext", ciphertext);
        var replaced = await upsert.ExecuteScalarAsync(ct) is true;
        await AuditLog.AppendAsync(connection, transaction, actor, "provider_secret.set", Target(tenantId, vendor),
            replaced ? new { secret = AuditLog.Redacted } : null, new { secret = AuditLog.Redacted }, ct);
        await AnnounceAsync(connection, transaction, tenantId, vendor, ct);
        return AdminOutcome.Done;
    }

    /// <summary>Removes a tenant's own vendor key: its shots on that vendor are paid with the platform's key again.</summary>
    public async Task<AdminOutcome> RemoveAsync(Guid tenantId, string vendor, string actor, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (!await TenantAdministration.TenantExistsAsync(connection, transaction, tenantId, ct)) return AdminOutcome.TenantNotFound;
        await using var delete = new NpgsqlCommand("DELETE FROM tenant_provider_secrets WHERE tenant_id = @tenant AND vendor = @vendor", connection, transaction);
        delete.Parameters.AddWithValue("tenant", tenantId);
        delete.Parameters.AddWithValue("vendor", vendor);
        if (await delete.ExecuteNonQueryAsync(ct) == 0) return AdminOutcome.KeyNotFound;
        await AuditLog.AppendAsync(connection, transaction, actor, "provider_secret.remove", Target(tenantId, vendor), new { secret = AuditLog.Redacted }, null, ct);
        await AnnounceAsync(connection, transaction, tenantId, vendor, ct);
        return AdminOutcome.Done;
    }

    /// <summary>The vendors a tenant holds its own key for; null when there is no such tenant.</summary>
    public async Task<IReadOnlyList<ProviderSecretView>?> ListAsync(Guid tenantId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        if (!await TenantAdministration.TenantExistsAsync(connection, null, tenantId, ct)) return null;
        var views = new List<ProviderSecretView>();
        await foreach (var (vendor, _, updatedAt) in ReadAsync(connection, tenantId, ct))
            views.Add(new ProviderSecretView(vendor, updatedAt));
        return views;
    }

    /// <summary>The decrypted secrets, vendor → secret, for dispatch alone (the internal route checks the caller).</summary>
    public async Task<TenantProviderSecrets> RevealAsync(Guid tenantId, CancellationToken ct)
    {
        var stored = new List<(string Vendor, string Ciphertext)>();
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        {
            await foreach (var (vendor, ciphertext, _) in ReadAsync(connection, tenantId, ct)) stored.Add((vendor, ciphertext));
        }
        // Decrypted once the connection is back in the pool, for the same reason as SetAsync encrypts before taking it.
        var secrets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (vendor, ciphertext) in stored)
            secrets[vendor] = protector.Unprotect(SecretProtector.Kinds.ProviderSecret, OwnerOf(tenantId, vendor), ciphertext);
        return new TenantProviderSecrets(secrets);
    }

    private static async IAsyncEnumerable<(string Vendor, string Ciphertext, DateTimeOffset UpdatedAt)> ReadAsync(
        NpgsqlConnection connection, Guid tenantId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var select = new NpgsqlCommand("SELECT vendor, ciphertext, updated_at FROM tenant_provider_secrets WHERE tenant_id = @tenant ORDER BY vendor", connection);
        select.Parameters.AddWithValue("tenant", tenantId);
        await using var reader = await select.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) yield return (reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2));
    }

    private async Task AnnounceAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid tenantId, string vendor, CancellationToken ct)
    {
        await Outbox.EnqueueAsync(connection, transaction, new TenantProviderSecretChanged(tenantId, vendor), ct);
        await transaction.CommitAsync(ct);
        outboxSignal.Notify();
    }

    private static string Target(Guid tenantId, string vendor) => $"{TenantAdministration.Target(tenantId)}/provider-secrets/{vendor}";
}
