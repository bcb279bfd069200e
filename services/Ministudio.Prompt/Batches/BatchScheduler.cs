using Microsoft.Extensions.Options;

namespace Ministudio.Prompt.Batches;

/// <summary>
/// Runs <see cref="BatchAdmission"/> every <see cref="BatchOptions.AdmissionInterval"/> on every replica. Polling
/// rather than reacting to job events: room frees up when jobs finish, when interactive shots start and when
/// batches are submitted on any replica, and one query per interval notices all of them. Batch status needs no
/// updating at all — it is derived from the items' jobs whenever it is read.
/// </summary>
public sealed class BatchScheduler(BatchAdmission admission, IOptions<BatchOptions> options, ILogger<BatchScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.AdmissionInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var admitted = await admission.AdmitAsync(stoppingToken);
                    if (admitted > 0) logger.LogInformation("Admitted {Count} batch items as jobs", admitted);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "Batch admission failed; retrying");
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
