using System.Net;
using System.Net.Sockets;

namespace Ministudio.AppHost.Infrastructure;

/// <summary>
/// Ports for the infrastructure servers. They listen on their own port (no orchestrator proxy in front of every Redis
/// call), so the AppHost picks one that is free on loopback when it starts, never a fixed port that another program
/// or a second run may hold.
/// </summary>
/// <remarks>
/// The pick lies below the kernel's ephemeral range: a port from that range stays free only until the next outgoing
/// connection takes it, and the servers bind seconds later (the broker's epmd once lost its port that way in CI and
/// the broker could not start).
/// </remarks>
internal static class LoopbackPort
{
    private const string EphemeralRange = "/proc/sys/net/ipv4/ip_local_port_range";
    private const int Lowest = 20000;
    private const int KernelDefaultLow = 32768;
    private const int Attempts = 200;

    public static int Free()
    {
        var ceiling = EphemeralLow();
        if (ceiling > Lowest)
        {
            for (var attempt = 0; attempt < Attempts; attempt++)
            {
                var port = Random.Shared.Next(Lowest, ceiling);
                if (IsFree(port)) return port;
            }
        }

        // No room below the ephemeral range (or all taken): the kernel's pick.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int EphemeralLow()
    {
        try
        {
            var fields = File.ReadAllText(EphemeralRange).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return fields.Length > 0 && int.TryParse(fields[0], out var low) ? low : KernelDefaultLow;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return KernelDefaultLow;
        }
    }
}
