using Npgsql;

namespace Ministudio.Dispatch.Leases;

/// <summary>
/// One shot held by this process: heart-beats while held, records the vendor attempt as it goes (so a take-over
/// resumes it instead of paying for it twice). <see cref="FinishAsync"/> once the shot's outcome is published (nobody
/// is to produce it again); disposed unfinished (a shutdown), the lease is given up so a redelivery starts at once.
/// </summary>
public sealed class ShotLease : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly ShotLeases _leases;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _heartbeat;

    internal ShotLease(NpgsqlDataSource dataSource, ShotLeases leases, Guid jobId, int shotIndex, int takeovers, LeasedAttempt? attempt, TimeProvider time, ILogger logger)
    {
        (_dataSource, _leases, _logger) = (dataSource, leases, logger);
        (JobId, ShotIndex, Takeovers, Attempt) = (jobId, shotIndex, takeovers, attempt);
        _heartbeat = HeartbeatAsync(time);
    }

    public Guid JobId { get; }
    public int ShotIndex { get; }

    /// <summary>How many times the shot changed hands after its owner went silent.</summary>
    public int Takeovers { get; }

    /// <summary>The attempt in progress: what a take-over found, then what this owner recorded.</summary>
    public LeasedAttempt? Attempt { get; private set; }

    /// <summary>The vendor task to resume for <paramref name="vendor"/>, if a previous owner created one.</summary>
    public string? VendorTaskOf(string vendor) => Attempt is { VendorTaskId: { } id } attempt && attempt.Vendor == vendor ? id : null;

    /// <summary>The cost reservation to reuse for <paramref name="vendor"/>, if a previous owner made one.</summary>
    public Guid? ReservationOf(string vendor) => Attempt is { Reservation: { } id } attempt && attempt.Vendor == vendor ? id : null;

    /// <summary>A new attempt on <paramref name="vendor"/>, its reservation made.</summary>
    public Task BeginAttemptAsync(string vendor, Guid reservation, CancellationToken ct) => RecordAsync(new LeasedAttempt(vendor, reservation, null), ct);

    /// <summary>The vendor accepted the work as <paramref name="taskId"/>: from now on a take-over polls it instead of creating another.</summary>
    public Task RecordVendorTaskAsync(string vendor, string taskId, CancellationToken ct) =>
        RecordAsync((Attempt is { } attempt && attempt.Vendor == vendor ? attempt : new LeasedAttempt(vendor, null, null)) with { VendorTaskId = taskId }, ct);

    /// <summary>The attempt ended without a clip (its reservation released): the next vendor starts afresh.</summary>
    public Task EndAttemptAsync(CancellationToken ct) => RecordAsync(null, ct);

    private async Task RecordAsync(LeasedAttempt? attempt, CancellationToken ct)
    {
        await using var command = _dataSource.CreateCommand(
            """
            UPDATE dispatch.shot_leases SET vendor = $4, reservation_id = $5, vendor_task_id = $6, heartbeat_at = now()
            WHERE job_id = $1 AND shot_index = $2 AND owner = $3
            """);
        command.Parameters.AddWithValue(JobId);
        command.Parameters.AddWithValue(ShotIndex);
        command.Parameters.AddWithValue(_leases.Owner);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)attempt?.Vendor ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)attempt?.Reservation ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)attempt?.VendorTaskId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        if (await command.ExecuteNonQueryAsync(ct) == 0)
            _logger.LogWarning("Shot {ShotIndex} of job {JobId} was taken over while this owner still worked on it", ShotIndex, JobId);
        Attempt = attempt;
    }

    private async Task HeartbeatAsync(TimeProvider time)
    {
        using var timer = new PeriodicTimer(_leases.Options.HeartbeatInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                try
                {
                    await using var command = _dataSource.CreateCommand(
                        "UPDATE dispatch.shot_leases SET heartbeat_at = now() WHERE job_id = $1 AND shot_index = $2 AND owner = $3");
                    command.Parameters.AddWithValue(JobId);
                    command.Parameters.AddWithValue(ShotIndex);
                    command.Parameters.AddWithValue(_leases.Owner);
                    if (await command.ExecuteNonQueryAsync(_stop.Token) == 0)
                        _logger.LogWarning("Lost the lease on shot {ShotIndex} of job {JobId}: another owner took it over", ShotIndex, JobId);
                }
                catch (NpgsqlException ex)
                {
                    // The database is away (a restart): the next beat may land; a missed grace period costs a take-over, not the shot.
                    _logger.LogWarning(ex, "Could not heart-beat the lease on shot {ShotIndex} of job {JobId}", ShotIndex, JobId);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    private bool _finished;

    /// <summary>The shot ended (rendered, failed or its job canceled) and its outcome is published: nobody is to produce it again.</summary>
    public async Task FinishAsync()
    {
        await EndAsync("UPDATE dispatch.shot_leases SET finished_at = now(), heartbeat_at = now() WHERE job_id = $1 AND shot_index = $2 AND owner = $3");
        _finished = true;
    }

    /// <summary>Unfinished (the service stopping, an unexpected error): the lease is given up for the redelivery.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_finished) await EndAsync("DELETE FROM dispatch.shot_leases WHERE job_id = $1 AND shot_index = $2 AND owner = $3 AND finished_at IS NULL");
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
            await _heartbeat;
        }
        _stop.Dispose();
    }

    private async Task EndAsync(string sql)
    {
        await _stop.CancelAsync();
        await _heartbeat;
        try
        {
            await using var command = _dataSource.CreateCommand(sql);
            command.Parameters.AddWithValue(JobId);
            command.Parameters.AddWithValue(ShotIndex);
            command.Parameters.AddWithValue(_leases.Owner);
            await command.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException ex)
        {
            // Left behind, the lease goes silent: a redelivery takes it over after the grace period and finds the shot in the cache.
            _logger.LogWarning(ex, "Could not end the lease on shot {ShotIndex} of job {JobId}", ShotIndex, JobId);
        }
    }
}
