using Ministudio.Prompt.Jobs;
using Npgsql;

namespace Ministudio.Prompt.Artifacts;

/// <summary>
/// Which artifacts a tenant may build on: its uploads, its shots' clips and its finished films. Another tenant's
/// artifact is treated exactly like a hash that exists nowhere, so a check reveals nothing about other tenants.
/// </summary>
public sealed class TenantAssets(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlySet<string>> OwnedAsync(Guid tenantId, IEnumerable<string> hashes, CancellationToken ct)
    {
        var owned = new HashSet<string>(StringComparer.Ordinal);
        var wanted = hashes.Distinct().ToArray();
        if (wanted.Length == 0) return owned;
        await using var command = dataSource.CreateCommand(
            """
            SELECT h FROM unnest(@hashes) AS h
            WHERE EXISTS (SELECT 1 FROM tenant_artifacts a WHERE a.tenant_id = @tenant AND a.sha256 = h)
               OR EXISTS (SELECT 1 FROM jobs j WHERE j.tenant_id = @tenant AND j.artifact_hash = h AND j.status = @succeeded)
               OR EXISTS (SELECT 1 FROM shots s JOIN jobs j ON j.id = s.job_id WHERE j.tenant_id = @tenant AND s.artifact_hash = h)
            """);
        command.Parameters.AddWithValue("hashes", wanted);
        command.Parameters.AddWithValue("tenant", tenantId);
        command.Parameters.AddWithValue("succeeded", JobStatus.Succeeded);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) owned.Add(reader.GetString(0));
        return owned;
    }
}
