using System.Net;

namespace Ministudio.AppHost.Hosting;

/// <summary>
/// A service started from its build output with exactly the environment Aspire would give it, ready once its
/// <c>/health</c> answers 200.
/// </summary>
internal sealed class ProjectRunner(ProjectResource resource, ResourceLog log, LaunchContext context, Func<IResource, ResourceRunner> runnerOf)
    : ResourceRunner(resource, log, context)
{
    private const string HealthPath = "/health";

    // The model decides what a service sees: connection strings, endpoints and Kestrel settings inherited from the
    // launcher's own environment (a test run exports ConnectionStrings__*) must not leak into services.
    private static readonly string[] ModelOwnedPrefixes =
        ["ConnectionStrings__", "services__", "Kestrel__", "OTEL_", "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS"];

    private static readonly string[] ForwardedTelemetrySettings =
        ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_HEADERS"];

    private readonly Dictionary<string, int> _ports = [];
    private string _assembly = "";

    public ProjectResource Project { get; } = resource;

    public override string Address => string.Join(", ", Project.Endpoints.Select(endpoint =>
        endpoint.Name == ResourceBuilderExtensions.HttpEndpointName ? $"{UrlOf(endpoint.Name)}" : $"{endpoint.Name} {UrlOf(endpoint.Name)}"));

    protected override TimeSpan StopTimeout => TimeSpan.FromSeconds(15);

    public Uri UrlOf(string endpointName) =>
        _ports.TryGetValue(endpointName, out var port)
            ? new Uri($"http://127.0.0.1:{port}")
            : throw new InvalidOperationException($"Resource '{Project.Name}' has no endpoint named '{endpointName}'" +
                                                  (_ports.Count == 0 ? " allocated yet: call StartAsync first." : "."));

    public override void Prepare(PortAllocator ports)
    {
        var configuration = HostEnvironment.BuildConfiguration;
        _assembly = Path.Combine(Context.RepositoryRoot, Project.ProjectDirectory, "bin", configuration, "net10.0", $"{Project.ProjectName}.dll");
        if (!File.Exists(_assembly))
            throw new DistributedApplicationException(
                $"{Project.Name}: {_assembly} not found. Build the services first: dotnet build Ministudio.AppHost -c {configuration}");

        foreach (var endpoint in Project.Endpoints)
        {
            var port = endpoint.Port is { } wanted ? ports.TryFixed(wanted) : ports.Free();
            if (port is null)
            {
                port = ports.Free();
                Context.Launcher.Error($"port {endpoint.Port} for {Project.Name} is busy; using {port} instead");
            }
            _ports[endpoint.Name] = port.Value;
        }
    }

    protected override async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        Process = ManagedProcess.Start(
            new ProcessSpec(HostEnvironment.DotnetHost(), [_assembly], Path.Combine(Context.RepositoryRoot, Project.ProjectDirectory))
            {
                Environment = BuildEnvironment(),
                RemovedEnvironmentPrefixes = ModelOwnedPrefixes,
            },
            Log);
        if (_ports.ContainsKey(ResourceBuilderExtensions.HttpEndpointName))
            await WaitUntilReadyAsync($"GET {HealthPath}", HealthyAsync, cancellationToken);
    }

    /// <summary>Aspire's conventions, so the services run unchanged under real Aspire or Kubernetes.</summary>
    private Dictionary<string, string> BuildEnvironment()
    {
        var environmentName = Context.Configuration["DOTNET_ENVIRONMENT"] is { Length: > 0 } configured ? configured : "Development";
        var environment = new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = environmentName,
            ["ASPNETCORE_ENVIRONMENT"] = environmentName,
            ["OTEL_SERVICE_NAME"] = Project.Name,
            ["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={Guid.NewGuid()}",
            // One line per log entry keeps the prefixed, interleaved output readable.
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
        };
        foreach (var setting in ForwardedTelemetrySettings)
        {
            if (Context.Configuration[setting] is { Length: > 0 } value) environment[setting] = value;
        }
        foreach (var endpoint in Project.Endpoints)
        {
            environment[$"Kestrel__Endpoints__{endpoint.Name}__Url"] = UrlOf(endpoint.Name).ToString().TrimEnd('/');
            if (endpoint.Http2Only) environment[$"Kestrel__Endpoints__{endpoint.Name}__Protocols"] = "Http2";
        }
        foreach (var reference in Project.References)
        {
            switch (runnerOf(reference))
            {
                case InfrastructureRunner infrastructure:
                    environment[$"ConnectionStrings__{reference.Name}"] = infrastructure.ConnectionString;
                    break;
                case ProjectRunner project:
                    foreach (var endpoint in project.Project.Endpoints)
                        environment[$"services__{reference.Name}__{endpoint.Name}__0"] = project.UrlOf(endpoint.Name).ToString().TrimEnd('/');
                    break;
            }
        }
        foreach (var (key, value) in Project.Environment) environment[key] = value;
        return environment;
    }

    private async Task<string?> HealthyAsync(CancellationToken cancellationToken)
    {
        using var probe = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        probe.CancelAfter(TimeSpan.FromSeconds(5));
        using var response = await Context.Http.GetAsync(new Uri(UrlOf(ResourceBuilderExtensions.HttpEndpointName), HealthPath), probe.Token);
        if (response.StatusCode == HttpStatusCode.OK) return null;
        var body = await response.Content.ReadAsStringAsync(probe.Token);
        return $"answered {(int)response.StatusCode} {body[..Math.Min(body.Length, 200)]}".TrimEnd();
    }
}
