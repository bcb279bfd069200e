using System.Diagnostics;

namespace Ministudio.Compose.Consumers;

/// <summary>
/// Passes progress on at most once per interval. ffmpeg reports many times a second; the first report and the
/// finishing one (1.0) always go through, those in between only when the interval has passed since the last sent.
/// </summary>
public sealed class ThrottledProgress(Func<double, Task> send, TimeSpan interval) : IProgress<double>
{
    private readonly Lock _gate = new();
    private readonly List<Task> _sent = [];
    private long _lastSentAt;
    private bool _finished;

    public void Report(double fraction)
    {
        lock (_gate)
        {
            if (_finished) return;
            var now = Stopwatch.GetTimestamp();
            var finishing = fraction >= 1;
            if (_sent.Count > 0 && !finishing && Stopwatch.GetElapsedTime(_lastSentAt, now) < interval) return;
            _finished = finishing;
            _lastSentAt = now;
            _sent.Add(send(fraction));
        }
    }

    /// <summary>Waits until every report passed on has been sent, so none trails the outcome.</summary>
    public Task FlushAsync()
    {
        lock (_gate) return Task.WhenAll(_sent);
    }
}
