using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Ministudio.AppHost.Infrastructure;

/// <summary>
/// rabbitmq-server from the machine's binaries with its own node name, epmd port, distribution port and data folder,
/// all on loopback, so it never meets a system-wide broker.
/// </summary>
public sealed class RabbitMqServerResource(string name, string command, string workingDirectory, int port)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    // AMQP 0-9-1's protocol header; a ready broker answers with connection.start (a method frame on channel 0,
    // class 10, method 10).
    private static readonly byte[] ProtocolHeader = "AMQP\0\0\u0009\u0001"u8.ToArray();

    public int Port { get; } = port;

    public int DistributionPort { get; } = LoopbackPort.Free();

    public int EpmdPort { get; } = LoopbackPort.Free();

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"amqp://guest:guest@127.0.0.1:{Port.ToString()}/");

    internal async Task<HealthCheckResult> CheckAsync(CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", Port, cancellationToken);
        var stream = client.GetStream();
        await stream.WriteAsync(ProtocolHeader, cancellationToken);
        var frame = new byte[11];
        await stream.ReadExactlyAsync(frame, cancellationToken);
        var connectionStart = frame is [1, 0, 0, _, _, _, _, 0, 10, 0, 10];
        return connectionStart
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"answered {Convert.ToHexString(frame)} instead of connection.start");
    }
}
