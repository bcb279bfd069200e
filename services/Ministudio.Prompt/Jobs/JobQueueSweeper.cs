using Microsoft.Extensions.Options;
using Ministudio.Prompt.Infrastructure;
using Npgsql;

namespace Ministudio.Prompt.Jobs;

public sealed class JobQueueOptions
{
    public const string Section = "Jobs";

    /// <summary>A throttled job that has waited this long expires instead of starting.</summary>
    public TimeSpan QueueTtl { get; set; } = TimeSpan.FromDays(1);

    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Each shot of a job adds this much to its deadline (shots of one chain run one after another).</summary>
    public TimeSpan ShotAllowance { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Added once to every job's deadline: queueing, composition, hand-overs after a crash.</summary>
    public TimeSpan DeadlineSlack { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a started job with <paramref name="shots"/> shots may take before it fails.</summary>
    public TimeSpan DeadlineFor(long shots) => DeadlineSlack + ShotAllowance * shots;
}

/// <summary>
/// Expires throttled jobs that waited past <see cref="JobQueueOptions.QueueTtl"/>, and starts waiting jobs wherever a
/// slot is free without a job having ended (a plan was raised, or a promotion was lost to a crash), and fails started
/// jobs that outlived their deadline (<see cref="JobQueueOptions.DeadlineFor"/>) instead of letting them run forever.
/// </summary>
public sealed class JobQueueSweeper(
    NpgsqlDataSource dataSource, OutboxSignal outboxSignal, JobStateMachine stateMachine, IOptions<JobQueueOptions> options, ILogger<JobQueueSweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Job queue sweep failed; retrying");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task SweepAsync(CancellationToken ct)
    {
        await using (var expire = dataSource.CreateCommand(
            """
            WITH expired AS (
                UPDATE jobs SET status = @expired, stage = @done, error_code = @code, error_message = @message, updated_at = now()
                WHERE status = @throttled AND created_at < now() - @ttl
                RETURNING id)
            UPDATE shots SET status = @expired WHERE job_id IN (SELECT id FROM expired)
            """))
        {
            expire.Parameters.AddWithValue("expired", JobStatus.Expired);
            expire.Parameters.AddWithValue("done", JobStage.Done);
            expire.Parameters.AddWithValue("code", JobFailures.QueueExpired);
            expire.Parameters.AddWithValue("message", $"The job waited for a free slot longer than {options.Value.QueueTtl}; submit it again.");
            expire.Parameters.AddWithValue("throttled", JobStatus.Throttled);
            expire.Parameters.AddWithValue("ttl", options.Value.QueueTtl);
            await expire.ExecuteNonQueryAsync(ct);
        }

        await FailOverdueJobsAsync(ct);

        var waiting = new List<Guid>();
        await using (var tenants = dataSource.CreateCommand("SELECT DISTINCT tenant_id FROM jobs WHERE status = @throttled"))
        {
            tenants.Parameters.AddWithValue("throttled", JobStatus.Throttled);
            await using var reader = await tenants.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) waiting.Add(reader.GetGuid(0));
        }
        foreach (var tenant in waiting)
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            var started = await JobQuota.StartWaitingJobsAsync(connection, transaction, tenant, ct);
            await transaction.CommitAsync(ct);
            if (started > 0) outboxSignal.Notify();
        }
    }

    /// <summary>A job's clock starts when it leaves the queue (started_at) or, never throttled, when it was created.</summary>
    private async Task FailOverdueJobsAsync(CancellationToken ct)
    {
        var overdue = new List<(Guid Id, long Shots)>();
        await using (var select = dataSource.CreateCommand(
            """
            SELECT j.id, n.shots FROM jobs j
            CROSS JOIN LATERAL (SELECT count(*) AS shots FROM shots s WHERE s.job_id = j.id) n
            WHERE j.status IN (@queued, @running) AND coalesce(j.started_at, j.created_at) + @slack + @allowance * n.shots < now()
            """))
        {
            select.Parameters.AddWithValue("queued", JobStatus.Queued);
            select.Parameters.AddWithValue("running", JobStatus.Running);
            select.Parameters.AddWithValue("slack", options.Value.DeadlineSlack);
            select.Parameters.AddWithValue("allowance", options.Value.ShotAllowance);
            await using var reader = await select.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) overdue.Add((reader.GetGuid(0), reader.GetInt64(1)));
        }
        foreach (var (id, shots) in overdue)
        {
            var deadline = options.Value.DeadlineFor(shots);
            if (await stateMachine.RecordDeadlineExceededAsync(id, deadline, ct))
                logger.LogWarning("Job {JobId} ({Shots} shots) failed: past its deadline of {Deadline}", id, shots, deadline);
        }
    }
}
