using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Ministudio.AppHost.Infrastructure;

/// <summary>redis-server from the machine's binaries, on loopback, as a cache (no persistence).</summary>
public sealed class RedisServerResource(string name, string command, string workingDirectory, int port)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public int Port { get; } = port;

    // StackExchange.Redis configuration syntax, as Aspire's own Redis resource publishes it.
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"127.0.0.1:{Port.ToString()}");

    /// <summary>Ready when it answers PING with PONG.</summary>
    internal async Task<HealthCheckResult> CheckAsync(CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", Port, cancellationToken);
        var stream = client.GetStream();
        await stream.WriteAsync("PING\r\n"u8.ToArray(), cancellationToken);
        var answer = new byte[7];
        await stream.ReadExactlyAsync(answer, cancellationToken);
        return Encoding.ASCII.GetString(answer) == "+PONG\r\n"
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"PING answered {Encoding.ASCII.GetString(answer).TrimEnd()}");
    }
}
