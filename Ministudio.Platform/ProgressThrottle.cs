using System.Diagnostics;

namespace Ministudio.Platform;

/// <summary>
/// Passes progress on when it moved by at least <c>minimumStep</c> or <c>interval</c> has passed since the last report
/// sent; the first report and the finishing one (fraction 1) always go through, nothing after the finish does. Sends
/// run one after another in report order, and <see cref="FlushAsync"/> waits for the last one.
/// </summary>
public sealed class ProgressThrottle<T>(Func<T, Task> send, Func<T, double> fractionOf, TimeSpan interval, double minimumStep = double.PositiveInfinity) : IProgress<T>
{
    private readonly Lock _gate = new();
    private Task _pending = Task.CompletedTask;
    private bool _sentAny;
    private bool _finished;
    private double _lastFraction;
    private long _lastSentAt;

    public void Report(T value)
    {
        lock (_gate)
        {
            if (_finished) return;
            var fraction = fractionOf(value);
            var now = Stopwatch.GetTimestamp();
            var finishing = fraction >= 1;
            if (_sentAny && !finishing && fraction - _lastFraction < minimumStep && Stopwatch.GetElapsedTime(_lastSentAt, now) < interval) return;
            _sentAny = true;
            _finished = finishing;
            _lastFraction = fraction;
            _lastSentAt = now;
            _pending = _pending.ContinueWith(_ => send(value), TaskScheduler.Default).Unwrap();
        }
    }

    /// <summary>Waits until every report passed on has been sent, so none trails the outcome.</summary>
    public Task FlushAsync()
    {
        lock (_gate) return _pending;
    }
}
