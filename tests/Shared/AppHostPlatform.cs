using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Ministudio.Platform;
using Ministudio.ServiceDefaults;
using Ministudio.TestSupport;
using Npgsql;

namespace Ministudio.Testing;

/// <summary>
/// The real AppHost (Ministudio.AppHost, on Aspire) started through Aspire.Hosting.Testing: its own Redis, RabbitMQ and
/// PostgreSQL from the machine's binaries, every service its own process, dispatch as two replicas, and a fresh data
/// folder. One source file compiled into each test project that drives the whole platform (the end-to-end and the
/// chaos suites), since the AppHost's entry point is generated into the project that references it; each suite
/// starts its own instance, so one suite's kills never disturb the other's tests.
/// </summary>
public abstract class AppHostPlatform(string name) : IAsyncLifetime
{
    public const int DispatchReplicas = 2;

    public static readonly string SampleFilm = Path.Combine(Repository.Root, "samples", "lighthouse.json");

    // On a loaded shared machine the platform may take longer to start: MINISTUDIO_E2E_START_MINUTES raises the limit.
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(
        double.TryParse(Environment.GetEnvironmentVariable("MINISTUDIO_E2E_START_MINUTES"), System.Globalization.CultureInfo.InvariantCulture, out var minutes) ? minutes : 5);

    /// <summary>Lines kept per resource instance for a failure's diagnosis (<see cref="RecentLogs"/>).</summary>
    private const int LogLinesKept = 400;

    private readonly string _dataRoot = Directory.CreateTempSubdirectory($"ministudio-{name}").FullName;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _logs = new();
    private readonly CancellationTokenSource _stopping = new();
    private DistributedApplication _app = null!;

    protected string Artifacts => Path.Combine(_dataRoot, "artifacts");

    public DistributedApplication App => _app;

    public string DevelopmentKey { get; } = ApiKeys.Generate(ApiKeys.Development);
    public string OtherTenantKey { get; } = ApiKeys.Generate(ApiKeys.Test);
    public string AdminKey { get; } = $"{name}-admin-{Guid.NewGuid():N}";

    public Uri GatewayUrl => _app.GetEndpoint(ResourceNames.Gateway);

    /// <summary>A service's own address, behind the gateway: what someone inside the network could call (without
    /// the gateway's signed assertion it answers 401 to everything but its health probes).</summary>
    public Uri ServiceUrl(string resource) => _app.GetEndpoint(resource);

    public virtual async ValueTask InitializeAsync()
    {
        using var starting = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        starting.CancelAfter(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Ministudio_AppHost>(
        [
            $"--Ministudio:DataRoot={_dataRoot}",
            // Named here rather than assumed from the AppHost's default, since the tests read clips from it.
            $"--Ministudio:ArtifactsRoot={Artifacts}",
            $"--Ministudio:DevelopmentApiKey={DevelopmentKey}",
            $"--Ministudio:Replicas:Dispatch={DispatchReplicas}",
            // The key the services trust, so tests can reach one directly the way the gateway does (TrustedCalls).
            $"--Ministudio:ServiceTrustKey={TrustedCalls.SigningKey}",
            $"--Admin:ApiKey={AdminKey}",
            $"--Seed:Tenants:other:ApiKey={OtherTenantKey}",
        ], starting.Token);
        Configure(builder);
        // Start-up probes fail until each server is up, by design; the resources' own warnings and errors stay.
        builder.Services.AddLogging(logging => logging
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None)
            .AddFilter("Aspire.Hosting", LogLevel.Warning)
            .AddFilter("Ministudio.AppHost.Resources", LogLevel.Warning));
        _app = await builder.BuildAsync(starting.Token);
        _ = KeepLogsAsync(_stopping.Token);
        await _app.StartAsync(starting.Token);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync(ResourceNames.Gateway, starting.Token);
    }

    /// <summary>What a suite changes in the platform before it starts (a service's settings, where telemetry goes).</summary>
    protected virtual void Configure(IDistributedApplicationTestingBuilder builder)
    {
    }

    /// <summary>Sets configuration keys (<c>Section:Key</c>) of one service, for every replica and every restart.</summary>
    protected static void SetServiceConfiguration(IDistributedApplicationTestingBuilder builder, string resource, IReadOnlyDictionary<string, string> settings) =>
        builder.Resources.OfType<ProjectResource>().Single(project => project.Name == resource).Annotations.Add(
            new EnvironmentCallbackAnnotation(context =>
            {
                foreach (var (key, value) in settings) context.EnvironmentVariables[key.Replace(":", "__")] = value;
            }));

    public virtual async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
        try
        {
            Directory.Delete(_dataRoot, recursive: true);
        }
        catch (IOException)
        {
            // PostgreSQL's folder belongs to its own user under root; a temp folder left behind is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>
    /// Kills one running instance of a resource (a service, or an infrastructure server) with SIGKILL, as a crash would,
    /// and returns its resource id and process id; <see cref="WaitUntilRestartedAsync"/> then waits for the AppHost to
    /// start it again.
    /// </summary>
    public async Task<(string ResourceId, int Pid)> KillAsync(string resource, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(TimeSpan.FromMinutes(1));
        var running = await _app.ResourceNotifications.WaitForResourceAsync(resource, e => e.Snapshot.State?.Text == KnownResourceStates.Running && PidOf(e) is not null, limit.Token);
        var pid = PidOf(running)!.Value;
        using var process = System.Diagnostics.Process.GetProcessById(pid);
        // SIGKILL, no shutdown hooks or clean-up; the whole tree, since Aspire runs a project as `dotnet run` over the
        // service (and PostgreSQL under runuser, with a process per connection).
        process.Kill(entireProcessTree: true);
        return (running.ResourceId, pid);
    }

    /// <summary>
    /// Freezes one running instance of a resource with SIGSTOP, as a hung process: its sockets stay open and nothing
    /// answers. Returns its process id for <see cref="Thaw"/>.
    /// </summary>
    public async Task<int> FreezeAsync(string resource, CancellationToken ct)
    {
        var running = await _app.ResourceNotifications.WaitForResourceAsync(resource, e => e.Snapshot.State?.Text == KnownResourceStates.Running && PidOf(e) is not null, ct);
        var pid = PidOf(running)!.Value;
        Signal(pid, "STOP");
        return pid;
    }

    /// <summary>Lets a frozen process (<see cref="FreezeAsync"/>) run again with SIGCONT.</summary>
    public static void Thaw(int pid) => Signal(pid, "CONT");

    private static void Signal(int pid, string signal)
    {
        using var kill = System.Diagnostics.Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -{signal} {pid} exited {kill.ExitCode}");
    }

    /// <summary>Waits until the killed instance runs again as a new process and the resource answers its health checks.</summary>
    public async Task WaitUntilRestartedAsync(string resource, (string ResourceId, int Pid) killed, CancellationToken ct)
    {
        var states = new List<string>();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(StartTimeout);
        try
        {
            await _app.ResourceNotifications.WaitForResourceAsync(resource, e =>
            {
                if (e.ResourceId == killed.ResourceId) states.Add($"{e.Snapshot.State?.Text} pid {PidOf(e)} exit {e.Snapshot.ExitCode}");
                return e.ResourceId == killed.ResourceId && e.Snapshot.State?.Text == KnownResourceStates.Running && PidOf(e) is { } pid && pid != killed.Pid;
            }, limit.Token);
            // A restart may pass through a failed start (the supervisor tries again): keep waiting rather than give up at once.
            await _app.ResourceNotifications.WaitForResourceHealthyAsync(resource, WaitBehavior.WaitOnResourceUnavailable, limit.Token);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new TimeoutException($"{killed.ResourceId} (pid {killed.Pid}) was not running again within {StartTimeout}; its states: {string.Join(" → ", states.Distinct())}");
        }
    }

    /// <summary>Runs one of the dashboard's commands on a resource (stop, start, restart), as an operator would.</summary>
    public async Task CommandAsync(string resource, string command, CancellationToken ct)
    {
        var result = await _app.ResourceCommands.ExecuteCommandAsync(resource, command, ct);
        Assert.True(result.Success, $"{command} {resource}: {result.Message}");
    }

    private static int? PidOf(ResourceEvent update) =>
        update.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is { } value
            && int.TryParse(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture), out var pid) ? pid : null;

    public HttpClient GatewayClient(string? apiKey)
    {
        var client = new HttpClient { BaseAddress = GatewayUrl, Timeout = TimeSpan.FromMinutes(2) };
        if (apiKey is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    /// <summary>A key of a tenant made just now through the admin API, for tests that must not share a cache or quota.</summary>
    public async Task<string> NewTenantKeyAsync(CancellationToken ct)
    {
        using var admin = GatewayClient(AdminKey);
        var tenant = await admin.PostAsJsonAsync("/admin/v1/tenants", new { name = $"{name}-{Guid.NewGuid():N}" }, ct);
        tenant.EnsureSuccessStatusCode();
        var tenantId = (await tenant.Content.ReadFromJsonAsync<JsonObject>(ct))!["id"]!.GetValue<Guid>();
        var created = await admin.PostAsJsonAsync($"/admin/v1/tenants/{tenantId}/keys", new { name }, ct);
        created.EnsureSuccessStatusCode();
        return (await created.Content.ReadFromJsonAsync<JsonObject>(ct))!["key"]!.GetValue<string>();
    }

    /// <summary>The platform's database, to read what the services recorded (jobs, the cost ledger, shot leases).</summary>
    public async Task<NpgsqlDataSource> DatabaseAsync() =>
        NpgsqlDataSource.Create((await _app.GetConnectionStringAsync(ResourceNames.Postgres))!);

    /// <summary>What a stuck film's diagnosis needs: the leases on its shots and the dispatch processes alive.</summary>
    public async Task<string> LeasesOfAsync(Guid jobId)
    {
        await using var dataSource = await DatabaseAsync();
        await using var command = dataSource.CreateCommand(
            "SELECT shot_index, owner, heartbeat_at, now() - heartbeat_at, takeovers, finished_at, vendor FROM dispatch.shot_leases WHERE job_id = $1 ORDER BY shot_index");
        command.Parameters.AddWithValue(jobId);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
            rows.Add($"shot {reader.GetInt32(0)} owner {reader.GetString(1)} silent {reader.GetValue(3)} takeovers {reader.GetInt32(4)} finished {reader.GetValue(5)} vendor {reader.GetValue(6)}");
        var alive = System.Diagnostics.Process.GetProcesses().Where(p => p.ProcessName.Contains("Dispatch", StringComparison.OrdinalIgnoreCase)).Select(p => p.Id);
        return $"leases: [{string.Join("; ", rows)}]; dispatch processes: [{string.Join(", ", alive)}]";
    }

    /// <summary>
    /// The last <paramref name="lines"/> console lines of each instance of the resources (every replica, across its
    /// restarts), oldest first, for a failure's message: what the services said while a film went wrong.
    /// </summary>
    public string RecentLogs(int lines, params string[] resources)
    {
        var text = new System.Text.StringBuilder();
        foreach (var (instance, log) in _logs.Where(entry => !entry.Value.IsEmpty && resources.Any(resource => entry.Key.StartsWith(resource, StringComparison.Ordinal))).OrderBy(entry => entry.Key))
        {
            text.AppendLine($"--- {instance}, last {lines} lines ---");
            foreach (var line in log.TakeLast(lines)) text.AppendLine(line);
        }
        return text.ToString();
    }

    /// <summary>Follows every resource instance's console log from the start, keeping its last <see cref="LogLinesKept"/> lines.</summary>
    private async Task KeepLogsAsync(CancellationToken ct)
    {
        var loggers = _app.Services.GetRequiredService<ResourceLoggerService>();
        var followed = new HashSet<string>();
        try
        {
            await foreach (var update in _app.ResourceNotifications.WatchAsync(ct))
            {
                // Logs are kept per instance (a replica's id); the resource's own name is followed too in case they go there.
                foreach (var key in new[] { update.ResourceId, update.Resource.Name })
                {
                    if (followed.Add(key)) _ = FollowAsync(loggers, key, ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task FollowAsync(ResourceLoggerService loggers, string instance, CancellationToken ct)
    {
        var log = _logs.GetOrAdd(instance, _ => new ConcurrentQueue<string>());
        try
        {
            await foreach (var batch in loggers.WatchAsync(instance).WithCancellation(ct))
            {
                foreach (var line in batch)
                {
                    log.Enqueue(line.Content);
                    while (log.Count > LogLinesKept) log.TryDequeue(out _);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }
}
