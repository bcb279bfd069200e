using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Configuration;

namespace Ministudio.AppHost.Hosting;

/// <summary>
/// The declared resources, started in dependency order as child processes and stopped in reverse order. Usable from a
/// test: no console input, no static state, every wait bounded or cancellable.
/// </summary>
public sealed class DistributedApplication : IAsyncDisposable
{
    public const string RunDirectoryKey = "AppHost:RunDirectory";

    private readonly List<ResourceRunner> _runners;
    private readonly Dictionary<IResource, ResourceRunner> _runnerOf = [];
    private readonly ResourceOutput _output;
    private readonly ResourceLog _launcher;
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false });
    private readonly Lock _gate = new();
    private readonly List<ResourceRunner> _startOrder = [];
    private bool _started;
    private bool _prepared;
    private Task? _stopping;

    internal DistributedApplication(
        IReadOnlyList<IResource> resources, IConfiguration configuration, string repositoryRoot, DistributedApplicationOptions options)
    {
        _output = ResourceOutput.Create(options.Output, resources.Select(resource => resource.Name));
        _launcher = _output.For(ResourceOutput.LauncherName);
        RunDirectory = Path.GetFullPath(configuration[RunDirectoryKey] is { Length: > 0 } configured
            ? configured
            : Path.Combine(repositoryRoot, ".ministudio", "run"));
        var context = new LaunchContext(repositoryRoot, RunDirectory, configuration, options.ReadinessTimeout, _http, _launcher);
        _runners = resources.Select(resource => CreateRunner(resource, configuration, context)).ToList();
        foreach (var runner in _runners) _runnerOf[runner.Resource] = runner;
    }

    /// <summary>Where started infrastructure keeps its data: <c>{RunDirectory}/{name}</c>.</summary>
    public string RunDirectory { get; }

    public static IDistributedApplicationBuilder CreateBuilder(string[] args) =>
        CreateBuilder(new DistributedApplicationOptions { Args = args });

    public static IDistributedApplicationBuilder CreateBuilder(DistributedApplicationOptions options) =>
        new DistributedApplicationBuilder(options);

    /// <summary>
    /// Starts every resource once the resources it waits for are ready, and returns when all are ready. On failure or
    /// cancellation, whatever was started is stopped before this throws.
    /// </summary>
    /// <exception cref="DistributedApplicationException">A binary or build output is missing, or a resource did not become ready.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_started) throw new InvalidOperationException("This application was already started; build a new one.");
            _started = true;
        }

        // Every port is picked (and every binary checked) before anything starts, so each process learns all addresses.
        using (var ports = new PortAllocator())
        {
            foreach (var runner in _runners) runner.Prepare(ports);
        }
        _prepared = true;

        AppDomain.CurrentDomain.ProcessExit += StopOnExit;
        AppDomain.CurrentDomain.UnhandledException += StopOnCrash;

        var clock = Stopwatch.StartNew();
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Exception? firstFailure = null;
        await Task.WhenAll(_runners.Select(StartWhenDependenciesAreReadyAsync));

        if (firstFailure is not null || cancellationToken.IsCancellationRequested)
        {
            await StopAsync();
            if (firstFailure is not null) ExceptionDispatchInfo.Throw(firstFailure);
            cancellationToken.ThrowIfCancellationRequested();
        }
        _launcher.Line($"all {_runners.Count} resources are ready ({clock.Elapsed.TotalSeconds:0.0} s)");
        PrintResourceTable();

        async Task StartWhenDependenciesAreReadyAsync(ResourceRunner runner)
        {
            try
            {
                await Task.WhenAll(DependenciesOf(runner).Select(dependency => _runnerOf[dependency].Ready)).WaitAsync(abort.Token);
            }
            catch (Exception dependencyFailedOrCancelled)
            {
                // Not a cause of its own: the dependency's failure (or the cancellation) is what gets reported.
                runner.Abandon(dependencyFailedOrCancelled);
                return;
            }

            lock (_gate) _startOrder.Add(runner);
            var started = Stopwatch.StartNew();
            try
            {
                await runner.StartAsync(abort.Token);
                if (runner.Process is not null) _launcher.Line($"{runner.Resource.Name} is ready ({started.Elapsed.TotalSeconds:0.0} s)");
            }
            catch (OperationCanceledException)
            {
                // Another resource failed, or the caller cancelled.
            }
            catch (Exception exception)
            {
                Interlocked.CompareExchange(ref firstFailure, exception as DistributedApplicationException
                    ?? new DistributedApplicationException($"{runner.Resource.Name} failed to start: {exception.Message}", exception), null);
                await abort.CancelAsync();
            }
        }
    }

    /// <summary>Stops what was started, in reverse start order: gracefully, then by force after a timeout. Idempotent.</summary>
    public Task StopAsync()
    {
        lock (_gate) return _stopping ??= StopCoreAsync();
    }

    /// <summary>Starts, waits for Ctrl+C, SIGTERM or <paramref name="cancellationToken"/>, then stops.</summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        using var shutdown = ShutdownSignal.Register(cancellationToken);
        try
        {
            await StartAsync(shutdown.Token);
            await shutdown.WaitAsync();
        }
        catch (OperationCanceledException) when (shutdown.Token.IsCancellationRequested)
        {
            // Asked to stop while starting: not an error.
        }
        finally
        {
            await StopAsync();
        }
    }

    /// <summary>The URL of a project's endpoint, e.g. <c>http://127.0.0.1:5400</c>; known once <see cref="StartAsync"/> began.</summary>
    public Uri GetEndpoint(string resourceName, string endpointName = ResourceBuilderExtensions.HttpEndpointName) =>
        RunnerNamed(resourceName) is ProjectRunner project
            ? project.UrlOf(endpointName)
            : throw new InvalidOperationException($"Resource '{resourceName}' is not a project; use GetConnectionString.");

    /// <summary>The connection string services receive as <c>ConnectionStrings__{name}</c>.</summary>
    public string GetConnectionString(string resourceName) =>
        RunnerNamed(resourceName) is InfrastructureRunner infrastructure
            ? infrastructure.ConnectionString
            : throw new InvalidOperationException($"Resource '{resourceName}' has no connection string; use GetEndpoint.");

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _http.Dispose();
    }

    private ResourceRunner CreateRunner(IResource resource, IConfiguration configuration, LaunchContext context)
    {
        var log = _output.For(resource.Name);
        return resource switch
        {
            IResourceWithConnectionString when configuration.GetConnectionString(resource.Name) is { Length: > 0 } given =>
                new ExternalInfrastructureRunner(resource, log, context, given),
            RedisResource redis => new RedisRunner(redis, log, context),
            RabbitMQServerResource rabbitmq => new RabbitMqRunner(rabbitmq, log, context),
            PostgresServerResource postgres => new PostgresRunner(postgres, log, context),
            ProjectResource project => new ProjectRunner(project, log, context, dependency => _runnerOf[dependency]),
            _ => throw new NotSupportedException($"No launcher for {resource.GetType().Name} '{resource.Name}'."),
        };
    }

    private IEnumerable<IResource> DependenciesOf(ResourceRunner runner) =>
        runner.Resource is ProjectResource project ? project.WaitsFor : [];

    private ResourceRunner RunnerNamed(string resourceName)
    {
        if (!_prepared) throw new InvalidOperationException("Addresses are assigned by StartAsync; call it first.");
        return _runners.FirstOrDefault(runner => string.Equals(runner.Resource.Name, resourceName, StringComparison.OrdinalIgnoreCase))
               ?? throw new KeyNotFoundException($"No resource named '{resourceName}'.");
    }

    private async Task StopCoreAsync()
    {
        List<ResourceRunner> stopOrder;
        lock (_gate) stopOrder = Enumerable.Reverse(_startOrder).Where(runner => runner.Process is not null).ToList();
        if (stopOrder.Count > 0) _launcher.Line($"stopping {string.Join(", ", stopOrder.Select(runner => runner.Resource.Name))}");
        foreach (var runner in stopOrder)
        {
            try
            {
                await runner.StopAsync();
            }
            catch (Exception exception)
            {
                _launcher.Error($"stopping {runner.Resource.Name} failed: {exception.Message}");
            }
        }
        AppDomain.CurrentDomain.ProcessExit -= StopOnExit;
        AppDomain.CurrentDomain.UnhandledException -= StopOnCrash;
    }

    // Best effort against orphans when the launcher exits without disposing (a crash, Environment.Exit, a test host
    // tearing down): block the exit until children are stopped.
    private void StopOnExit(object? sender, EventArgs e) => StopAsync().GetAwaiter().GetResult();

    private void StopOnCrash(object? sender, UnhandledExceptionEventArgs e) => StopAsync().GetAwaiter().GetResult();

    private void PrintResourceTable()
    {
        string[] header = ["Resource", "State", "Address", "PID"];
        var rows = _runners
            .Select(runner => new[] { runner.Resource.Name, runner.State, runner.Address, runner.Process?.Id.ToString() ?? "-" })
            .ToList();
        var widths = Enumerable.Range(0, header.Length).Select(column => rows.Append(header).Max(row => row[column].Length)).ToArray();
        _output.WriteLine("");
        foreach (var row in rows.Prepend(header))
            _output.WriteLine(string.Join("  ", row.Select((cell, column) => cell.PadRight(widths[column]))).TrimEnd());
        _output.WriteLine("");
    }
}
