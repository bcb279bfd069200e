using System.Net.Sockets;

namespace Ministudio.AppHost.Hosting;

/// <summary>
/// rabbitmq-server in the foreground, set up as ci/infra.sh does: its own epmd port, node name, data and log folders
/// under the run folder, and Erlang distribution bound to loopback, so it never meets a system-wide broker.
/// </summary>
internal sealed class RabbitMqRunner(RabbitMQServerResource resource, ResourceLog log, LaunchContext context)
    : InfrastructureRunner(resource, log, context)
{
    private const string SystemServerScript = "/usr/lib/rabbitmq/bin/rabbitmq-server";
    private const string SystemEpmd = "/usr/lib/erlang/bin/epmd";

    // AMQP 0-9-1's protocol header; a ready broker answers with connection.start: a method frame (type 1) on channel 0,
    // class 10, method 10.
    private static readonly byte[] ProtocolHeader = "AMQP\0\0\u0009\u0001"u8.ToArray();

    private string _serverScript = "";
    private int _amqpPort;
    private int _distributionPort;
    private int _epmdPort;

    public override string ConnectionString => $"amqp://guest:guest@127.0.0.1:{_amqpPort}/";

    // A graceful broker stop flushes queues and takes a few seconds on a loaded machine.
    protected override TimeSpan StopTimeout => TimeSpan.FromSeconds(60);

    public override void Prepare(PortAllocator ports)
    {
        _serverScript = File.Exists(SystemServerScript)
            ? SystemServerScript
            : HostEnvironment.RequireExecutable("rabbitmq-server", "rabbitmq-server");
        _amqpPort = ports.Free();
        _distributionPort = ports.Free();
        _epmdPort = ports.Free();
    }

    protected override async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        var home = Path.Combine(ResourceDirectory, "home");
        Directory.CreateDirectory(home);
        var enabledPlugins = Path.Combine(ResourceDirectory, "enabled_plugins");
        await File.WriteAllTextAsync(enabledPlugins, "[].", cancellationToken);

        var environment = EpmdEnvironment();
        environment["HOME"] = home;
        environment["RABBITMQ_NODENAME"] = "ministudio@localhost";
        environment["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1";
        environment["RABBITMQ_NODE_PORT"] = $"{_amqpPort}";
        environment["RABBITMQ_DIST_PORT"] = $"{_distributionPort}";
        environment["RABBITMQ_MNESIA_BASE"] = Path.Combine(ResourceDirectory, "mnesia");
        environment["RABBITMQ_LOG_BASE"] = Path.Combine(ResourceDirectory, "log");
        environment["RABBITMQ_PID_FILE"] = Path.Combine(ResourceDirectory, "rabbit.pid");
        environment["RABBITMQ_ENABLED_PLUGINS_FILE"] = enabledPlugins;
        environment["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}";

        Process = ManagedProcess.Start(new ProcessSpec(_serverScript, [], ResourceDirectory) { Environment = environment }, Log);
        await WaitUntilReadyAsync("AMQP handshake", ConnectionStartAsync, cancellationToken);
    }

    public override async Task StopAsync()
    {
        await base.StopAsync();
        if (Process is null) return;
        // The broker starts epmd as a daemon outside its process group; it only goes when asked.
        var epmd = File.Exists(SystemEpmd) ? SystemEpmd : HostEnvironment.FindExecutable("epmd");
        if (epmd is null)
        {
            Log.Error($"epmd not found; an epmd daemon may still listen on 127.0.0.1:{_epmdPort}");
            return;
        }
        var (exitCode, output) = await ManagedProcess.RunToEndAsync(epmd, ["-kill"], EpmdEnvironment(), userName: null, CancellationToken.None);
        // "epmd: Cannot connect to local epmd" means it is already gone: nothing to report.
        if (exitCode != 0 && !output.Contains("Cannot connect", StringComparison.OrdinalIgnoreCase))
            Log.Error($"epmd -kill failed ({exitCode}): {output}");
    }

    private Dictionary<string, string> EpmdEnvironment() => new()
    {
        ["ERL_EPMD_PORT"] = $"{_epmdPort}",
        ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
    };

    private async Task<string?> ConnectionStartAsync(CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", _amqpPort, cancellationToken);
        var stream = client.GetStream();
        await stream.WriteAsync(ProtocolHeader, cancellationToken);
        var frame = new byte[11];
        await stream.ReadExactlyAsync(frame, cancellationToken);
        var connectionStart = frame[0] == 1 && frame[1] == 0 && frame[2] == 0 && frame[7] == 0 && frame[8] == 10 && frame[9] == 0 && frame[10] == 10;
        return connectionStart ? null : $"answered {Convert.ToHexString(frame)} instead of connection.start";
    }
}
