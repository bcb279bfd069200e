using System.Net;
using System.Net.Sockets;

namespace Ministudio.TestSupport;

/// <summary>A loopback port nothing listens on now: bound, read, released (for a server a test starts).</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
