using System.Diagnostics.Metrics;
using Ministudio.ServiceDefaults;
using Npgsql;

namespace Ministudio.Prompt.Jobs;

/// <summary>
/// What the platform holds right now, for the dashboard: jobs by status, shots waiting for a producer, messages not
/// yet relayed. Counted in PostgreSQL on a timer (one query for all three), so a scrape never waits on the database;
/// every replica reports the same totals.
/// </summary>
public sealed class JobGauges : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private static readonly string[] Statuses =
        [JobStatus.Throttled, JobStatus.Queued, JobStatus.Running, JobStatus.Succeeded, JobStatus.Failed, JobStatus.Canceled, JobStatus.Expired];

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger<JobGauges> _logger;
    private volatile Snapshot _snapshot = new(new Dictionary<string, long>(), 0, 0);

    // The host's meter factory owns the instruments, so they go with the host (tests start many in one process).
    public JobGauges(NpgsqlDataSource dataSource, IMeterFactory meters, ILogger<JobGauges> logger)
    {
        _dataSource = dataSource;
        _logger = logger;
        var meter = meters.Create(MinistudioTelemetry.MeterName);
        meter.CreateObservableGauge("ministudio.jobs", ObserveJobs, description: "Jobs by status.");
        meter.CreateObservableGauge("ministudio.shots.queued", () => _snapshot.QueuedShots,
            description: "Shots waiting to be produced: the depth of the render queue.");
        meter.CreateObservableGauge("ministudio.outbox.pending", () => _snapshot.PendingMessages,
            description: "Messages written but not yet relayed to RabbitMQ.");
    }

    private sealed record Snapshot(IReadOnlyDictionary<string, long> Jobs, long QueuedShots, long PendingMessages);

    private IEnumerable<Measurement<long>> ObserveJobs()
    {
        var jobs = _snapshot.Jobs;
        return Statuses.Select(status => new Measurement<long>(jobs.GetValueOrDefault(status), new KeyValuePair<string, object?>("status", status)));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                _snapshot = await CountAsync(stoppingToken);
            }
            catch (NpgsqlException ex)
            {
                _logger.LogDebug(ex, "Could not count jobs for the gauges; keeping the last counts");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task<Snapshot> CountAsync(CancellationToken ct)
    {
        await using var command = _dataSource.CreateCommand("""
            SELECT status, count(*) FROM jobs GROUP BY status;
            SELECT count(*) FROM shots WHERE status = @queued;
            SELECT count(*) FROM outbox;
            """);
        command.Parameters.AddWithValue("queued", JobStatus.Queued);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var jobs = new Dictionary<string, long>();
        while (await reader.ReadAsync(ct)) jobs[reader.GetString(0)] = reader.GetInt64(1);
        await reader.NextResultAsync(ct);
        await reader.ReadAsync(ct);
        var queued = reader.GetInt64(0);
        await reader.NextResultAsync(ct);
        await reader.ReadAsync(ct);
        return new Snapshot(jobs, queued, reader.GetInt64(0));
    }
}
