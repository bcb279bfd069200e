using System.Runtime.InteropServices;

namespace Ministudio.AppHost.Hosting;

/// <summary>
/// Turns the first Ctrl+C (SIGINT), SIGTERM or SIGQUIT into a cancellation, so the launcher stops its resources in
/// order. A second signal is left to the runtime's default (the process ends; children are still stopped on exit).
/// </summary>
public sealed class ShutdownSignal : IDisposable
{
    private readonly CancellationTokenSource _requested;
    private readonly PosixSignalRegistration[] _registrations;

    private ShutdownSignal(CancellationToken linked)
    {
        _requested = CancellationTokenSource.CreateLinkedTokenSource(linked);
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGQUIT, OnSignal),
        ];
    }

    /// <summary>Cancelled by the first signal or by the linked token.</summary>
    public CancellationToken Token => _requested.Token;

    public static ShutdownSignal Register(CancellationToken linked = default) => new(linked);

    /// <summary>Completes when shutdown is requested.</summary>
    public Task WaitAsync()
    {
        var requested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Token.Register(() => requested.TrySetResult());
        return requested.Task;
    }

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _requested.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (_requested.IsCancellationRequested) return;
        context.Cancel = true;
        _requested.Cancel();
    }
}
