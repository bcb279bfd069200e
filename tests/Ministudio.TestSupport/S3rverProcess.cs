using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Ministudio.TestSupport;

/// <summary>
/// An s3rver of a test's own (installed by scripts/infra.sh), for tests that stop the store: stopped and started
/// again on the same port and data folder, the way an S3 outage looks to the services.
/// </summary>
public sealed class S3rverProcess : IAsyncDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("ministudio-s3rver").FullName;
    private readonly int _port;
    private Process? _process;

    private S3rverProcess(int port) => _port = port;

    public string Endpoint => $"http://127.0.0.1:{_port}";

    public static async Task<S3rverProcess> StartAsync()
    {
        var server = new S3rverProcess(FreePort.Next());
        await server.StartAgainAsync();
        return server;
    }

    public async Task StartAgainAsync()
    {
        // --silent: nothing to read from its output.
        var start = new ProcessStartInfo("s3rver");
        foreach (var argument in new[] { "-d", _data, "-a", "127.0.0.1", "-p", _port.ToString(), "--silent", "--configure-bucket", TestS3.Bucket })
            start.ArgumentList.Add(argument);
        _process = Process.Start(start)!;
        for (var waited = Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromSeconds(30); await Task.Delay(50))
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, _port);
                return;
            }
            catch (SocketException) when (!_process.HasExited)
            {
            }
        }
        throw new InvalidOperationException($"s3rver did not listen on {Endpoint} (exited: {_process.HasExited}).");
    }

    public async Task StopAsync()
    {
        if (_process is null) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Directory.Delete(_data, recursive: true);
    }
}
