using Microsoft.Extensions.Options;
using Ministudio.Platform;
using Npgsql;

namespace Ministudio.Prompt.Jobs;

public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>How often prompt deletes the films and clips whose jobs' retention has run out.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>
/// Retention per plan: a finished job holds its film, deliverables and shot clips for its tenant's plan's
/// <c>retentionDays</c> after it ended (no retention: for good; an unfinished job: until it ends). An artifact that
/// only jobs past their retention name, and no tenant uploaded, is deleted from the store; its job then answers
/// <c>job.video_missing</c> for it. Uploaded images and assets are the tenant's own and are never swept.
/// </summary>
public sealed class ArtifactRetention(NpgsqlDataSource dataSource, ArtifactStore artifacts, IOptions<RetentionOptions> options, ILogger<ArtifactRetention> logger)
    : BackgroundService
{
    // Each artifact a job names, with whether that job still holds it; an artifact goes when no job holds it.
    private const string Expired = """
        WITH named AS (
            SELECT h.hash,
                   NOT (j.status = ANY(@final) AND p.retention_days IS NOT NULL
                        AND j.updated_at < now() - make_interval(days => p.retention_days)) AS held
            FROM jobs j
            JOIN tenants t ON t.id = j.tenant_id
            LEFT JOIN plans p ON p.name = t.plan
            CROSS JOIN LATERAL (
                SELECT j.artifact_hash WHERE j.artifact_hash IS NOT NULL
                UNION ALL SELECT d->>'sha256' FROM jsonb_array_elements(coalesce(j.deliverables, '[]'::jsonb)) d
                UNION ALL SELECT s.artifact_hash FROM shots s WHERE s.job_id = j.id AND s.artifact_hash IS NOT NULL
            ) h(hash))
        SELECT hash FROM named
        GROUP BY hash
        HAVING NOT bool_or(held) AND NOT EXISTS (SELECT 1 FROM tenant_artifacts a WHERE a.sha256 = named.hash)
        """;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval);
        do
        {
            try
            {
                var deleted = await SweepAsync(stoppingToken);
                if (deleted > 0) logger.LogInformation("Retention deleted {Count} artifacts", deleted);
            }
            catch (Exception ex) when (ex is NpgsqlException or ArtifactStoreUnavailableException)
            {
                logger.LogWarning(ex, "Retention sweep failed; retrying at the next interval");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Deletes every stored artifact that no job holds any more; returns how many it deleted.</summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var expired = new List<string>();
        await using (var command = dataSource.CreateCommand(Expired))
        {
            command.Parameters.AddWithValue("final", JobStatus.Final.ToArray());
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                if (!reader.IsDBNull(0) && ArtifactStore.IsHash(reader.GetString(0))) expired.Add(reader.GetString(0));
        }
        var deleted = 0;
        foreach (var hash in expired)
            if (await artifacts.DeleteAsync(hash, ct)) deleted++;
        return deleted;
    }
}
