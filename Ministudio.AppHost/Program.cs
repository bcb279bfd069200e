using Microsoft.Extensions.DependencyInjection;
using Ministudio.AppHost;
using Ministudio.AppHost.Infrastructure;
using Ministudio.ServiceDefaults;

if (LauncherArguments.TryParse(args, out var launch) is { } exitCode) return exitCode;

var builder = DistributedApplication.CreateBuilder(launch.ConfigurationArguments);
AppHostSettings settings;
DataFolderLock dataLock;
InfrastructureResources infrastructure;
try
{
    settings = AppHostSettings.Read(builder);
    dataLock = DataFolderLock.Acquire(settings.DataRoot);
    infrastructure = builder.AddInfrastructure(settings);
}
catch (InvalidOperationException refused)
{
    // A second AppHost on the same data folder, a missing server binary, a bad setting: one line, no stack.
    Console.Error.WriteLine($"Ministudio did not start: {refused.Message}");
    return 1;
}
using var heldLock = dataLock;
var (redis, rabbitmq, postgres) = infrastructure;

var render = builder.AddProject<Projects.Ministudio_Render>(ResourceNames.Render)
    .WithHttpEndpoint()
    .WithGrpcEndpoint()
    .WithServiceHealthCheck()
    .WithReplicas(settings.Replicas.Render)
    .WithServiceTrust(settings)
    .WithArtifacts(settings, builder.Configuration);

var dispatch = builder.AddProject<Projects.Ministudio_Dispatch>(ResourceNames.Dispatch)
    .WithHttpEndpoint()
    .WithServiceHealthCheck()
    .WithReference(postgres).WaitFor(postgres)
    .WithReference(rabbitmq).WaitFor(rabbitmq)
    .WithReference(redis).WaitFor(redis)
    .WithReference(render).WaitFor(render)
    .WithReplicas(settings.Replicas.Dispatch)
    .WithServiceTrust(settings)
    .WithArtifacts(settings, builder.Configuration)
    .WithPublicBaseUrl(builder.Configuration);

var compose = builder.AddProject<Projects.Ministudio_Compose>(ResourceNames.Compose)
    .WithHttpEndpoint()
    .WithServiceHealthCheck()
    .WithReference(rabbitmq).WaitFor(rabbitmq)
    .WithServiceTrust(settings)
    .WithArtifacts(settings, builder.Configuration);

var prompt = builder.AddProject<Projects.Ministudio_Prompt>(ResourceNames.Prompt)
    .WithHttpEndpoint()
    .WithServiceHealthCheck()
    .WithReference(postgres).WaitFor(postgres)
    .WithReference(rabbitmq).WaitFor(rabbitmq)
    .WithServiceTrust(settings)
    .WithArtifacts(settings, builder.Configuration)
    .WithPublicBaseUrl(builder.Configuration)
    .WithTenantSeed(builder.Configuration, settings);
// Dispatch (video) and compose (speech) read tenants' own vendor keys (BYOK) from prompt when they need them; no wait,
// prompt starts after them.
dispatch.WithReference(prompt);
compose.WithReference(prompt);

var gateway = builder.AddProject<Projects.Ministudio_Gateway>(ResourceNames.Gateway)
    .WithPublicHttpEndpoint(settings.GatewayPort)
    .WithServiceHealthCheck()
    .WithReference(prompt).WaitFor(prompt)
    .WithReference(dispatch).WaitFor(dispatch)
    .WithReference(redis).WaitFor(redis)
    .WithServiceTrust(settings)
    .WithPlatformRun(launch, settings);

// The MCP server sits behind the gateway (/mcp) and is a client of it: each references the other's endpoint. Only
// the gateway waits, since the MCP server needs the gateway only when a request comes.
var mcp = builder.AddProject<Projects.Ministudio_Mcp>(ResourceNames.Mcp)
    .WithHttpEndpoint()
    .WithServiceHealthCheck()
    .WithServiceTrust(settings)
    .WithReference(gateway);
gateway.WithReference(mcp).WaitFor(mcp);

// A service that exits on its own is started again (Aspire leaves it exited); see ServiceSupervisor.
builder.Services.AddHostedService<ServiceSupervisor>();

builder.Build().Run();
return Environment.ExitCode;
