using System.Net;
using System.Net.Sockets;

namespace Ministudio.TestSupport;

/// <summary>
/// A TCP relay on 127.0.0.1 in front of a real server (Redis, say) that can be stalled: while stalled it accepts
/// connections and keeps them open but forwards nothing either way — the server, as its clients see it, hung.
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private volatile TaskCompletionSource _flowing = Open();

    public TcpRelay(IPEndPoint target)
    {
        _target = target;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>A relay in front of a <c>host:port</c> (a Redis connection string's first part).</summary>
    public static TcpRelay To(string hostAndPort)
    {
        var endpoint = hostAndPort.Split(',')[0];
        var colon = endpoint.LastIndexOf(':');
        return new TcpRelay(new IPEndPoint(IPAddress.Parse(endpoint[..colon]), int.Parse(endpoint[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture)));
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Address => $"127.0.0.1:{Port}";

    /// <summary>Stops forwarding: bytes already sent wait, unanswered, until <see cref="Resume"/>.</summary>
    public void Stall()
    {
        if (_flowing.Task.IsCompleted) _flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void Resume() => _flowing.TrySetResult();

    private static TaskCompletionSource Open()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = RelayAsync(client);
            }
        }
        // Stopped: a wait that was pending is canceled, and one begun after Stop() finds the listener closed.
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using (client)
        using (var server = new TcpClient())
        {
            try
            {
                await server.ConnectAsync(_target, _stop.Token);
                await Task.WhenAny(PumpAsync(client.GetStream(), server.GetStream()), PumpAsync(server.GetStream(), client.GetStream()));
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
            {
            }
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            await _flowing.Task.WaitAsync(_stop.Token);
            var read = await from.ReadAsync(buffer, _stop.Token);
            if (read == 0) return;
            // Bytes read just before a stall are held back too: a hung server answers nothing.
            await _flowing.Task.WaitAsync(_stop.Token);
            await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
