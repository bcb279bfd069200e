using Microsoft.Extensions.Configuration;

namespace Ministudio.AppHost.Hosting;

/// <summary>What every runner shares: where things live, how long to wait, where to print.</summary>
internal sealed record LaunchContext(
    string RepositoryRoot,
    string RunDirectory,
    IConfiguration Configuration,
    TimeSpan ReadinessTimeout,
    HttpClient Http,
    ResourceLog Launcher);

/// <summary>
/// The running side of one declared resource. <see cref="Prepare"/> checks binaries and picks ports before anything
/// starts (so every address is known up front); <see cref="StartAsync"/> starts it and returns once it is ready.
/// </summary>
internal abstract class ResourceRunner(IResource resource, ResourceLog log, LaunchContext context)
{
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(250);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IResource Resource { get; } = resource;

    public ResourceLog Log { get; } = log;

    protected LaunchContext Context { get; } = context;

    /// <summary>Completes when the resource is ready; faults when it failed to start.</summary>
    public Task Ready => _ready.Task;

    public ManagedProcess? Process { get; protected set; }

    public virtual string State => Process is null ? "Not started" : Process.HasExited ? $"Exited ({Process.ExitCode})" : "Running";

    /// <summary>Connection string or URLs, for the start-up table.</summary>
    public abstract string Address { get; }

    protected virtual StopSignal StopSignal => StopSignal.Terminate;

    protected virtual TimeSpan StopTimeout => TimeSpan.FromSeconds(30);

    protected string ResourceDirectory => Path.Combine(Context.RunDirectory, Resource.Name);

    public abstract void Prepare(PortAllocator ports);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await StartCoreAsync(cancellationToken);
            _ready.TrySetResult();
        }
        catch (Exception exception)
        {
            Abandon(exception);
            throw;
        }
    }

    /// <summary>Fails <see cref="Ready"/> (this start or a dependency's failed), so nothing waits on it forever.</summary>
    public void Abandon(Exception reason)
    {
        _ready.TrySetException(reason);
        _ = _ready.Task.Exception;
    }

    public virtual async Task StopAsync()
    {
        if (Process is not null) await Process.StopAsync(StopSignal, StopTimeout);
    }

    protected abstract Task StartCoreAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Polls <paramref name="probe"/> (null when ready, otherwise what is not ready yet) until it returns null; fails
    /// early when the process exits, and after the readiness timeout with the probe's last answer.
    /// </summary>
    protected async Task WaitUntilReadyAsync(string what, Func<CancellationToken, Task<string?>> probe, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + Context.ReadinessTimeout;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (Process is { HasExited: true } exited)
                throw Failure($"exited with code {exited.ExitCode} while starting");
            string? problem;
            try
            {
                problem = await probe(cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                problem = exception.Message;
            }
            if (problem is null) return;
            if (DateTime.UtcNow > deadline)
                throw Failure($"was not ready within {Context.ReadinessTimeout.TotalSeconds:0} s ({what}: {problem})");
            await Task.Delay(ProbeInterval, cancellationToken);
        }
    }

    protected DistributedApplicationException Failure(string problem) =>
        new($"{Resource.Name} {problem}. Last output of {Resource.Name}:{Environment.NewLine}{Log.Tail()}");
}

/// <summary>Infrastructure others reach through <c>ConnectionStrings__{name}</c>.</summary>
internal abstract class InfrastructureRunner(IResource resource, ResourceLog log, LaunchContext context)
    : ResourceRunner(resource, log, context)
{
    public abstract string ConnectionString { get; }

    public override string Address => ConnectionString;
}

/// <summary>Infrastructure given by configuration (<c>ConnectionStrings__{name}</c>): used as is, nothing is started.</summary>
internal sealed class ExternalInfrastructureRunner(IResource resource, ResourceLog log, LaunchContext context, string connectionString)
    : InfrastructureRunner(resource, log, context)
{
    public override string ConnectionString { get; } = connectionString;

    public override string State => "External";

    public override void Prepare(PortAllocator ports)
    {
    }

    protected override Task StartCoreAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
