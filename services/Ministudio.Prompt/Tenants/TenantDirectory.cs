using System.Security.Cryptography;
using System.Text;
using Ministudio.Platform;
using Ministudio.ServiceDefaults;
using Npgsql;

namespace Ministudio.Prompt.Tenants;

/// <summary>What the gateway learns from a key: the tenant, and its plan's request rate (null: no limit).</summary>
public sealed record Tenant(Guid Id, string Name, int? RateLimitPerMinute = null);

/// <summary>Tenants and their API keys. Keys are stored as SHA-256 hashes with a short display prefix.</summary>
public sealed class TenantDirectory(NpgsqlDataSource dataSource)
{
    public static string PrefixOf(string key) => ApiKeys.DisplayPrefixOf(key);

    public static byte[] HashOf(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    public async Task EnsureTenantWithKeyAsync(string tenantName, string key, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var upsertTenant = new NpgsqlCommand(
            "INSERT INTO tenants (id, name) VALUES (@id, @name) ON CONFLICT (name) DO NOTHING", connection, transaction))
        {
            upsertTenant.Parameters.AddWithValue("id", Guid.CreateVersion7());
            upsertTenant.Parameters.AddWithValue("name", tenantName);
            await upsertTenant.ExecuteNonQueryAsync(ct);
        }
        await using (var upsertKey = new NpgsqlCommand(
            """
            INSERT INTO api_keys (id, tenant_id, prefix, key_hash)
            SELECT @id, id, @prefix, @hash FROM tenants WHERE name = @name
            ON CONFLICT (key_hash) DO NOTHING
            """, connection, transaction))
        {
            upsertKey.Parameters.AddWithValue("id", Guid.CreateVersion7());
            upsertKey.Parameters.AddWithValue("prefix", PrefixOf(key));
            upsertKey.Parameters.AddWithValue("hash", HashOf(key));
            upsertKey.Parameters.AddWithValue("name", tenantName);
            await upsertKey.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
    }

    /// <summary>The tenant owning an active key, or null for an unknown, revoked or expired key.</summary>
    public async Task<Tenant?> FindByKeyAsync(string key, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT t.id, t.name, p.rate_limit_per_minute
            FROM api_keys k JOIN tenants t ON t.id = k.tenant_id LEFT JOIN plans p ON p.name = t.plan
            WHERE k.key_hash = @hash AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())
            """);
        command.Parameters.AddWithValue("hash", HashOf(key));
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new Tenant(reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetInt32(2))
            : null;
    }
}
