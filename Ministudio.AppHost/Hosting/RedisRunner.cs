using System.Net.Sockets;
using System.Text;

namespace Ministudio.AppHost.Hosting;

/// <summary>
/// redis-server in the foreground. It snapshots to its folder on shutdown so the result cache outlives a restart of
/// the launcher: a film rendered yesterday is still free today (losing it would only cost renders, never jobs).
/// </summary>
internal sealed class RedisRunner(RedisResource resource, ResourceLog log, LaunchContext context)
    : InfrastructureRunner(resource, log, context)
{
    private string _server = "";
    private int _port;

    public override string ConnectionString => $"127.0.0.1:{_port}";

    public override void Prepare(PortAllocator ports)
    {
        _server = HostEnvironment.RequireExecutable("redis-server", "redis-server");
        _port = ports.Free();
    }

    protected override async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(ResourceDirectory);
        Process = ManagedProcess.Start(
            new ProcessSpec(_server,
                ["--bind", "127.0.0.1", "--port", $"{_port}", "--save", "300 1", "--appendonly", "no", "--dir", ResourceDirectory],
                ResourceDirectory),
            Log);
        await WaitUntilReadyAsync("PING", PingAsync, cancellationToken);
    }

    private async Task<string?> PingAsync(CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", _port, cancellationToken);
        var stream = client.GetStream();
        await stream.WriteAsync("PING\r\n"u8.ToArray(), cancellationToken);
        var reply = new byte[64];
        var read = await stream.ReadAsync(reply, cancellationToken);
        var answer = Encoding.ASCII.GetString(reply, 0, read).Trim();
        // While loading, Redis answers -LOADING; only +PONG means it serves commands.
        return answer.StartsWith("+PONG", StringComparison.Ordinal) ? null : $"answered '{answer}'";
    }
}
