using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ministudio.Platform;

/// <summary>
/// Every <see cref="ArtifactOptions.SweepInterval"/>, deletes the scratch folders work that crashed left behind
/// (untouched for <see cref="ArtifactOptions.ScratchGrace"/>), and stale local copies of remote artifacts.
/// </summary>
public sealed class ScratchSweeper(ArtifactStore artifacts, IOptions<ArtifactOptions> options, TimeProvider time, ILogger<ScratchSweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        do
        {
            try
            {
                var swept = artifacts.SweepScratch(time.GetUtcNow() - options.Value.ScratchGrace);
                if (swept > 0) logger.LogInformation("Swept {Count} scratch entries older than {Grace}", swept, options.Value.ScratchGrace);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning(ex, "Scratch sweep failed; retrying at the next interval");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
