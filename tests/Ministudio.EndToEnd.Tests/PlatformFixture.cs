using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Ministudio.Dispatch.Leases;
using Ministudio.EndToEnd.Tests.Telemetry;
using Ministudio.Platform;
using Ministudio.Render.Rendering;
using Ministudio.ServiceDefaults;
using Ministudio.TestSupport;
using Npgsql;

namespace Ministudio.EndToEnd.Tests;

[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "platform";
}

/// <summary>
/// The real AppHost (Ministudio.AppHost, on Aspire) started through Aspire.Hosting.Testing: its own Redis, RabbitMQ and
/// PostgreSQL from the machine's binaries, every service its own process, dispatch as two replicas, and a fresh data
/// folder. The services export their traces to a receiver in this process.
/// </summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    public const int DispatchReplicas = 2;

    public static readonly string SampleFilm = Path.Combine(Repository.Root, "samples", "lighthouse.json");

    // On a loaded shared machine the platform may take longer to start: MINISTUDIO_E2E_START_MINUTES raises the limit.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(
        double.TryParse(Environment.GetEnvironmentVariable("MINISTUDIO_E2E_START_MINUTES"), System.Globalization.CultureInfo.InvariantCulture, out var minutes) ? minutes : 5);

    private readonly string _dataRoot = Directory.CreateTempSubdirectory("ministudio-e2e").FullName;
    private string Artifacts => Path.Combine(_dataRoot, "artifacts");
    private ArtifactStore? _store;
    private DistributedApplication _app = null!;

    public string DevelopmentKey { get; } = ApiKeys.Generate(ApiKeys.Development);
    public string OtherTenantKey { get; } = ApiKeys.Generate(ApiKeys.Test);
    public string AdminKey { get; } = $"e2e-admin-{Guid.NewGuid():N}";

    public OtlpTraceReceiver Traces { get; private set; } = null!;

    public Uri GatewayUrl => _app.GetEndpoint(ResourceNames.Gateway);

    /// <summary>A service's own address, behind the gateway: what someone inside the network could call (without
    /// the gateway's signed assertion it answers 401 to everything but its health probes).</summary>
    public Uri ServiceUrl(string resource) => _app.GetEndpoint(resource);

    public async ValueTask InitializeAsync()
    {
        Traces = await OtlpTraceReceiver.StartAsync();
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
        // Where Aspire points every service's OTLP exporter (the dashboard's address when it runs): OTLP/HTTP to the
        // receiver here, in place of the gRPC address the testing builder sets.
        builder.Configuration["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = null;
        builder.Configuration["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = Traces.Endpoint.ToString().TrimEnd('/');
        // A silent dispatch's shots are taken over sooner than in production (30 s grace): the recovery tests wait for it.
        builder.Resources.OfType<ProjectResource>().Single(resource => resource.Name == ResourceNames.Dispatch).Annotations.Add(
            new EnvironmentCallbackAnnotation(context =>
            {
                context.EnvironmentVariables[$"{ShotLeaseOptions.Section}:{nameof(ShotLeaseOptions.HeartbeatInterval)}".Replace(":", "__")] = "00:00:02";
                context.EnvironmentVariables[$"{ShotLeaseOptions.Section}:{nameof(ShotLeaseOptions.GracePeriod)}".Replace(":", "__")] = "00:00:08";
            }));
        // Start-up probes fail until each server is up, by design; the resources' own warnings and errors stay.
        builder.Services.AddLogging(logging => logging
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None)
            .AddFilter("Aspire.Hosting", LogLevel.Warning)
            .AddFilter("Ministudio.AppHost.Resources", LogLevel.Warning));
        _app = await builder.BuildAsync(starting.Token);
        await _app.StartAsync(starting.Token);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync(ResourceNames.Gateway, starting.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await Traces.DisposeAsync();
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
    /// Kills one running instance of a service with SIGKILL, as a crash would, and returns its resource id and process
    /// id; <see cref="WaitUntilRestartedAsync"/> then waits for the AppHost to start it again.
    /// </summary>
    public async Task<(string ResourceId, int Pid)> KillAsync(string resource, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(TimeSpan.FromMinutes(1));
        var running = await _app.ResourceNotifications.WaitForResourceAsync(resource, e => e.Snapshot.State?.Text == KnownResourceStates.Running && PidOf(e) is not null, limit.Token);
        var pid = PidOf(running)!.Value;
        using var process = System.Diagnostics.Process.GetProcessById(pid);
        // SIGKILL, no shutdown hooks or clean-up; the whole tree, since Aspire runs a project as `dotnet run` over the service.
        process.Kill(entireProcessTree: true);
        return (running.ResourceId, pid);
    }

    /// <summary>Waits until the killed instance runs again as a new process and the service answers its health checks.</summary>
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
            await _app.ResourceNotifications.WaitForResourceHealthyAsync(resource, limit.Token);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new TimeoutException($"{killed.ResourceId} (pid {killed.Pid}) was not running again within {StartTimeout}; its states: {string.Join(" → ", states.Distinct())}");
        }
    }

    private static int? PidOf(ResourceEvent update) =>
        update.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is { } value
            && int.TryParse(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture), out var pid) ? pid : null;

    /// <summary>Where a clip is in the shared artifact store (tests look at single shots there).</summary>
    public string ClipPath(string hash) => (_store ??= new ArtifactStore(Artifacts)).PathOf(hash);

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
        var tenant = await admin.PostAsJsonAsync("/admin/v1/tenants", new { name = $"e2e-{Guid.NewGuid():N}" }, ct);
        tenant.EnsureSuccessStatusCode();
        var tenantId = (await tenant.Content.ReadFromJsonAsync<JsonObject>(ct))!["id"]!.GetValue<Guid>();
        var created = await admin.PostAsJsonAsync($"/admin/v1/tenants/{tenantId}/keys", new { name = "e2e" }, ct);
        created.EnsureSuccessStatusCode();
        return (await created.Content.ReadFromJsonAsync<JsonObject>(ct))!["key"]!.GetValue<string>();
    }

    /// <summary>Dispatch's spans for a job's shots, as far as they have arrived (spans leave a service about once a second).</summary>
    public List<ReceivedSpan> DispatchSpansOf(Guid jobId) => Traces.Spans
        .Where(span => span.Name == "dispatch shot" && span.Attributes.GetValueOrDefault("ministudio.job_id") as string == jobId.ToString()).ToList();

    public async Task<long> JobCountAsync()
    {
        await using var dataSource = NpgsqlDataSource.Create((await _app.GetConnectionStringAsync(ResourceNames.Postgres))!);
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM jobs");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>What a stuck film's diagnosis needs: the leases on its shots and the dispatch processes alive.</summary>
    public async Task<string> LeasesOfAsync(Guid jobId)
    {
        await using var dataSource = NpgsqlDataSource.Create((await _app.GetConnectionStringAsync(ResourceNames.Postgres))!);
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

    /// <summary>A rectangle inside the figure drawn for a character slot, where only the figure's own pixels are.</summary>
    public static (int X, int Y, int Width, int Height) FigureCore(int slot, int width, int height)
    {
        var core = FrameLayout.FigureCore(slot, width, height);
        return (core.Left, core.Top, core.Width, core.Height);
    }
}
