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
}

/// <summary>
/// Expires throttled jobs that waited past <see cref="JobQueueOptions.QueueTtl"/>, and starts waiting jobs wherever a
/// slot is free without a job having ended (a plan was raised, or a promotion was lost to a crash).
/// </summary>
public sealed class JobQueueSweeper(NpgsqlDataSource dataSource, OutboxSignal outboxSignal, IOptions<JobQueueOptions> options, ILogger<JobQueueSweeper> logger)
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
}
