using System.Net;
using System.Net.Sockets;

namespace Ministudio.AppHost.Infrastructure;

/// <summary>
/// Ports for the infrastructure servers. They listen on their own port (no orchestrator proxy in front of every Redis
/// call), so the AppHost picks one the kernel has just handed out on loopback: free at start, never a fixed port that
/// another program or a second run may hold.
/// </summary>
internal static class LoopbackPort
{
    public static int Free()
    {
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
}
