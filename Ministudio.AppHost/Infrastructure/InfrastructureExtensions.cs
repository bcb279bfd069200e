using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Ministudio.ServiceDefaults;

namespace Ministudio.AppHost.Infrastructure;

/// <summary>Redis, RabbitMQ and PostgreSQL as the services see them: a connection string each, by resource name.</summary>
public sealed record InfrastructureResources(
    IResourceBuilder<IResourceWithConnectionString> Redis,
    IResourceBuilder<IResourceWithConnectionString> RabbitMq,
    IResourceBuilder<IResourceWithConnectionString> Postgres);

public static class InfrastructureExtensions
{
    private const string RabbitMqServerScript = "/usr/lib/rabbitmq/bin/rabbitmq-server";
    private const string Epmd = "/usr/lib/erlang/bin/epmd";

    /// <summary>
    /// The machine's own servers (the default: registry images cannot be pulled everywhere), or Aspire's container
    /// integrations when a container runtime and the images are there.
    /// </summary>
    public static InfrastructureResources AddInfrastructure(this IDistributedApplicationBuilder builder, AppHostSettings settings)
    {
        if (settings.Infrastructure == InfrastructureMode.Containers)
        {
            return new InfrastructureResources(
                builder.AddRedis(ResourceNames.Redis),
                builder.AddRabbitMQ(ResourceNames.RabbitMq),
                builder.AddPostgres($"{ResourceNames.Postgres}-server").AddDatabase(ResourceNames.Postgres, settings.DatabaseName));
        }
        return new InfrastructureResources(
            builder.AddRedisServer(ResourceNames.Redis, settings.DataRoot),
            builder.AddRabbitMqServer(ResourceNames.RabbitMq, settings.DataRoot),
            builder.AddPostgresServer(ResourceNames.Postgres, settings.DataRoot, settings.DatabaseName));
    }

    public static IResourceBuilder<RedisServerResource> AddRedisServer(this IDistributedApplicationBuilder builder, string name, string dataRoot)
    {
        var resource = new RedisServerResource(name, MachineBinaries.Require("redis-server", "redis-server"), DataFolder(dataRoot, name), LoopbackPort.Free());
        return builder.AddResource(resource)
            .WithServerEndpoint(resource.Port)
            // A cache: nothing is saved; logs go to the console, which the dashboard shows.
            .WithArgs("--bind", "127.0.0.1", "--port", resource.Port.ToString(), "--save", "", "--appendonly", "no", "--protected-mode", "yes")
            .WithHealthCheck(builder, resource.CheckAsync);
    }

    public static IResourceBuilder<RabbitMqServerResource> AddRabbitMqServer(this IDistributedApplicationBuilder builder, string name, string dataRoot)
    {
        var command = MachineBinaries.Require("rabbitmq-server", "rabbitmq-server", RabbitMqServerScript);
        var folder = DataFolder(dataRoot, name);
        var resource = new RabbitMqServerResource(name, command, folder, LoopbackPort.Free());
        var enabledPlugins = Path.Combine(folder, "enabled_plugins");
        File.WriteAllText(enabledPlugins, "[].");
        Directory.CreateDirectory(Path.Combine(folder, "home"));

        // The broker starts epmd as a daemon outside its process tree; it goes only when asked.
        builder.Services.AddHostedService(_ => new EpmdReaper(resource));
        return builder.AddResource(resource)
            .WithServerEndpoint(resource.Port)
            .WithEnvironment("HOME", Path.Combine(folder, "home"))
            .WithEnvironment("ERL_EPMD_PORT", resource.EpmdPort.ToString())
            .WithEnvironment("ERL_EPMD_ADDRESS", "127.0.0.1")
            .WithEnvironment("RABBITMQ_NODENAME", $"{name}@localhost")
            .WithEnvironment("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1")
            .WithEnvironment("RABBITMQ_NODE_PORT", resource.Port.ToString())
            .WithEnvironment("RABBITMQ_DIST_PORT", resource.DistributionPort.ToString())
            .WithEnvironment("RABBITMQ_MNESIA_BASE", Path.Combine(folder, "mnesia"))
            .WithEnvironment("RABBITMQ_LOG_BASE", Path.Combine(folder, "log"))
            .WithEnvironment("RABBITMQ_LOGS", "-")
            .WithEnvironment("RABBITMQ_PID_FILE", Path.Combine(folder, "rabbit.pid"))
            .WithEnvironment("RABBITMQ_ENABLED_PLUGINS_FILE", enabledPlugins)
            .WithEnvironment("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", "-kernel inet_dist_use_interface {127,0,0,1}")
            .WithHealthCheck(builder, resource.CheckAsync);
    }

    public static IResourceBuilder<PostgresServerResource> AddPostgresServer(
        this IDistributedApplicationBuilder builder, string name, string dataRoot, string databaseName)
    {
        var bin = MachineBinaries.RequirePostgresBin();
        var folder = DataFolder(dataRoot, name);
        var privileged = Environment.IsPrivilegedProcess;
        var server = Path.Combine(bin, "postgres");
        var resource = new PostgresServerResource(
            name, privileged ? MachineBinaries.Require("runuser", "util-linux") : server, folder, LoopbackPort.Free(), databaseName);

        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(resource, async (_, cancellationToken) =>
            await InitialiseClusterAsync(resource, bin, privileged, cancellationToken));
        return builder.AddResource(resource)
            .WithServerEndpoint(resource.Port)
            .WithArgs(context =>
            {
                if (privileged) context.Args.Add("-u", PostgresServerResource.ServiceUser, "--", server);
                // SIGTERM (the orchestrator's stop) is PostgreSQL's "smart" shutdown; the services leave first.
                context.Args.Add("-D", resource.DataDirectory, "-p", resource.Port.ToString(), "-k", resource.WorkingDirectory,
                    "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=300",
                    // PostgreSQL logs to stderr, which the dashboard shows as errors: only what needs attention.
                    "-c", "log_min_messages=warning");
            })
            .WithHealthCheck(builder, resource.CheckAsync);
    }

    private static void Add(this IList<object> args, params string[] values)
    {
        foreach (var value in values) args.Add(value);
    }

    private static IResourceBuilder<T> WithServerEndpoint<T>(this IResourceBuilder<T> builder, int port) where T : IResourceWithEndpoints =>
        builder.WithEndpoint(port: port, targetPort: port, scheme: "tcp", name: "tcp", isProxied: false);

    private static IResourceBuilder<T> WithHealthCheck<T>(
        this IResourceBuilder<T> resource, IDistributedApplicationBuilder builder,
        Func<CancellationToken, Task<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult>> check) where T : IResource
    {
        var key = $"{resource.Resource.Name}-ready";
        builder.Services.AddHealthChecks().AddAsyncCheck(key, async cancellationToken =>
        {
            try
            {
                return await check(cancellationToken);
            }
            catch (Exception notYet) when (notYet is IOException or System.Net.Sockets.SocketException or Npgsql.NpgsqlException or TimeoutException)
            {
                return Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Unhealthy(notYet.Message);
            }
        });
        return resource.WithHealthCheck(key);
    }

    private static string DataFolder(string dataRoot, string name)
    {
        var folder = Path.GetFullPath(Path.Combine(dataRoot, name));
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>initdb once; under root the data folder belongs to the postgres user, as PostgreSQL requires.</summary>
    private static async Task InitialiseClusterAsync(PostgresServerResource resource, string bin, bool privileged, CancellationToken cancellationToken)
    {
        if (privileged)
        {
            if (await RunAsync("id", ["-u", PostgresServerResource.ServiceUser], cancellationToken) is (not 0, _))
                await RequireAsync("useradd", ["-r", PostgresServerResource.ServiceUser], cancellationToken);
            await RequireAsync("chown", ["-R", PostgresServerResource.ServiceUser, resource.WorkingDirectory], cancellationToken);
            // The postgres user must be able to reach its folder through the data root (a temp folder is owner-only).
            await RequireAsync("chmod", ["o+x", Path.GetDirectoryName(resource.WorkingDirectory)!], cancellationToken);
        }
        if (File.Exists(Path.Combine(resource.DataDirectory, "PG_VERSION"))) return;

        string[] initdb = [Path.Combine(bin, "initdb"), "-D", resource.DataDirectory, "-U", PostgresServerResource.ServiceUser,
            "--auth=trust", "--encoding=UTF8", "--locale=C"];
        if (privileged) await RequireAsync("runuser", ["-u", PostgresServerResource.ServiceUser, "--", .. initdb], cancellationToken);
        else await RequireAsync(initdb[0], initdb[1..], cancellationToken);
    }

    private static async Task RequireAsync(string command, string[] args, CancellationToken cancellationToken)
    {
        var (exitCode, output) = await RunAsync(command, args, cancellationToken);
        if (exitCode != 0)
            throw new InvalidOperationException($"{command} {string.Join(' ', args)} failed ({exitCode}): {output.Trim()}");
    }

    internal static async Task<(int ExitCode, string Output)> RunAsync(string command, IEnumerable<string> args, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{command} did not start");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await output + await error);
    }

    /// <summary>Stops the epmd daemon the broker started once the AppHost stops.</summary>
    private sealed class EpmdReaper(RabbitMqServerResource resource) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            if (MachineBinaries.Find("epmd", Epmd) is not { } epmd) return;
            var start = new ProcessStartInfo(epmd, "-kill") { RedirectStandardOutput = true, RedirectStandardError = true };
            start.Environment["ERL_EPMD_PORT"] = resource.EpmdPort.ToString();
            start.Environment["ERL_EPMD_ADDRESS"] = "127.0.0.1";
            using var process = Process.Start(start);
            if (process is not null) await process.WaitForExitAsync(cancellationToken);
        }
    }
}
