using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ministudio.AppHost;

/// <summary>
/// Starts a service, or an infrastructure server run from the machine's binaries (Redis, RabbitMQ, PostgreSQL), again
/// when it exits on its own (a crash, <c>kill -9</c>, the OOM killer), the way Kubernetes restarts a pod's container:
/// Aspire (DCP) leaves an exited executable exited. A service that went Running → Exited without passing
/// through Stopping was not stopped by the operator (the dashboard's Stop, or the AppHost shutting down), so it is
/// started with the dashboard's own Start command, after a back-off that doubles while it keeps crashing. Every
/// restart is logged, and the dashboard shows it in the resource's state and restart count.
/// </summary>
internal sealed class ServiceSupervisor(
    ResourceNotificationService notifications, ResourceCommandService commands, IHostApplicationLifetime lifetime, ILogger<ServiceSupervisor> logger)
    : BackgroundService
{
    private static readonly TimeSpan FirstBackOff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackOff = TimeSpan.FromSeconds(30);

    /// <summary>A service that ran this long before it exited starts the back-off afresh.</summary>
    private static readonly TimeSpan Settled = TimeSpan.FromMinutes(1);

    private readonly Dictionary<string, Supervised> _services = [];

    private sealed class Supervised
    {
        public string? State;
        public DateTimeOffset RunningSince;
        public int Crashes;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var update in notifications.WatchAsync(stoppingToken))
            {
                // Projects are the services; executables are the infrastructure servers (containers have their own restart policy).
                if (update.Resource is not (ProjectResource or ExecutableResource)) continue;
                var state = update.Snapshot.State?.Text;
                if (!_services.TryGetValue(update.ResourceId, out var service)) _services[update.ResourceId] = service = new Supervised();
                var previous = service.State;
                service.State = state;
                if (state == KnownResourceStates.Running && previous != KnownResourceStates.Running) service.RunningSince = DateTimeOffset.UtcNow;
                if (previous != KnownResourceStates.Running || (state != KnownResourceStates.Exited && state != KnownResourceStates.Finished)) continue;
                if (lifetime.ApplicationStopping.IsCancellationRequested) continue;

                service.Crashes = DateTimeOffset.UtcNow - service.RunningSince >= Settled ? 1 : service.Crashes + 1;
                var backOff = TimeSpan.FromTicks(Math.Min(MaxBackOff.Ticks, FirstBackOff.Ticks << Math.Min(service.Crashes - 1, 10)));
                logger.LogWarning("{Service} exited unexpectedly (exit code {ExitCode}); starting it again in {BackOff} (crash {Crashes} in a row)",
                    update.ResourceId, update.Snapshot.ExitCode, backOff, service.Crashes);
                _ = RestartAsync(update.ResourceId, backOff, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RestartAsync(string resourceId, TimeSpan backOff, CancellationToken ct)
    {
        try
        {
            await Task.Delay(backOff, ct);
            if (lifetime.ApplicationStopping.IsCancellationRequested) return;
            var result = await commands.ExecuteCommandAsync(resourceId, KnownResourceCommands.StartCommand, ct);
            if (!result.Success) logger.LogError("Could not start {Service} again: {Error}; start it from the dashboard", resourceId, result.Message);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Could not start {Service} again; start it from the dashboard", resourceId);
        }
    }
}
