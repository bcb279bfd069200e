using Microsoft.Extensions.Options;
using Npgsql;

namespace Ministudio.Dispatch.Leases;

/// <summary>
/// Leases on shots in production, in dispatch's PostgreSQL schema beside the cost ledger: the lease names the vendor
/// attempt (vendor, cost reservation, vendor task id) that a take-over resumes, and PostgreSQL (unlike Redis, which
/// may be lost or hung and is failed open) outlives every crash the lease is for.
/// </summary>
public sealed class ShotLeases(NpgsqlDataSource dataSource, IOptions<ShotLeaseOptions> options, TimeProvider time, ILogger<ShotLeases> logger)
{
    /// <summary>This process; a restarted one is a new owner, which takes its predecessor's shots over after the grace period.</summary>
    public string Owner { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    public ShotLeaseOptions Options => options.Value;

    /// <summary>
    /// Takes the shot: a new lease, or the lease of an owner silent for longer than the grace period (resuming its
    /// attempt). While a live owner holds it, waits; null when the shot was finished (its owner answered for it).
    /// </summary>
    public async Task<ShotLease?> AcquireAsync(Guid jobId, int shotIndex, CancellationToken ct)
    {
        await ForgetFinishedAsync(ct);
        while (true)
        {
            if (await TryAcquireAsync(jobId, shotIndex, ct) is { } lease) return lease;
            if (await IsFinishedAsync(jobId, shotIndex, ct)) return null;
            await Task.Delay(options.Value.HeartbeatInterval, time, ct);
        }
    }

    private async Task<ShotLease?> TryAcquireAsync(Guid jobId, int shotIndex, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            """
            INSERT INTO dispatch.shot_leases (job_id, shot_index, owner, heartbeat_at) VALUES ($1, $2, $3, now())
            ON CONFLICT (job_id, shot_index) DO UPDATE SET owner = excluded.owner, heartbeat_at = now(), takeovers = shot_leases.takeovers + 1
            WHERE shot_leases.finished_at IS NULL AND shot_leases.heartbeat_at < now() - $4
            RETURNING takeovers, vendor, reservation_id, vendor_task_id
            """);
        command.Parameters.AddWithValue(jobId);
        command.Parameters.AddWithValue(shotIndex);
        command.Parameters.AddWithValue(Owner);
        command.Parameters.AddWithValue(options.Value.GracePeriod);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        var takeovers = reader.GetInt32(0);
        LeasedAttempt? attempt = reader.IsDBNull(1) ? null
            : new LeasedAttempt(reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetGuid(2), reader.IsDBNull(3) ? null : reader.GetString(3));
        if (takeovers > 0)
            logger.LogWarning("Took over shot {ShotIndex} of job {JobId} from a silent owner (take-over {Takeovers}); resuming {Attempt}",
                shotIndex, jobId, takeovers, attempt?.ToString() ?? "from the start");
        return new ShotLease(dataSource, this, jobId, shotIndex, takeovers, attempt, time, logger);
    }

    private async Task<bool> IsFinishedAsync(Guid jobId, int shotIndex, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT 1 FROM dispatch.shot_leases WHERE job_id = $1 AND shot_index = $2 AND finished_at IS NOT NULL");
        command.Parameters.AddWithValue(jobId);
        command.Parameters.AddWithValue(shotIndex);
        return await command.ExecuteScalarAsync(ct) is not null;
    }

    private long _forgotten;

    /// <summary>Finished leases only guard against late redeliveries: after a day they go (at most once an hour per process).</summary>
    private async Task ForgetFinishedAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var last = Interlocked.Read(ref _forgotten);
        if (now - last < 3600 || Interlocked.CompareExchange(ref _forgotten, now, last) != last) return;
        await using var command = dataSource.CreateCommand("DELETE FROM dispatch.shot_leases WHERE finished_at < now() - interval '1 day'");
        await command.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>The vendor attempt a lease records: the vendor, its cost reservation and, once created, the vendor's task id.</summary>
public sealed record LeasedAttempt(string Vendor, Guid? Reservation, string? VendorTaskId);
