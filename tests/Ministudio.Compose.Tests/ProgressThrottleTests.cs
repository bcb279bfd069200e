using Ministudio.Platform;

namespace Ministudio.Compose.Tests;

public sealed class ProgressThrottleTests
{
    [Fact]
    public async Task Reports_within_the_interval_are_dropped_but_the_first_and_the_finish_go_through()
    {
        var sent = new List<double>();
        var progress = new ProgressThrottle<double>(fraction => { sent.Add(fraction); return Task.CompletedTask; }, fraction => fraction, TimeSpan.FromMinutes(1));

        for (var i = 0; i < 1000; i++) progress.Report(i / 1000.0);
        progress.Report(1);
        progress.Report(1);
        await progress.FlushAsync();

        Assert.Equal([0, 1], sent);
    }

    [Fact]
    public async Task A_report_after_the_interval_goes_through()
    {
        var sent = new List<double>();
        var progress = new ProgressThrottle<double>(fraction => { sent.Add(fraction); return Task.CompletedTask; }, fraction => fraction, TimeSpan.FromMilliseconds(50));

        progress.Report(0.1);
        progress.Report(0.2);
        await Task.Delay(120, TestContext.Current.CancellationToken);
        progress.Report(0.3);
        await progress.FlushAsync();

        Assert.Equal([0.1, 0.3], sent);
    }

    [Fact]
    public async Task Flushing_waits_for_sends_still_in_flight()
    {
        var release = new TaskCompletionSource();
        var progress = new ProgressThrottle<double>(_ => release.Task, fraction => fraction, TimeSpan.Zero);
        progress.Report(0.5);

        var flush = progress.FlushAsync();
        Assert.False(flush.IsCompleted);
        release.SetResult();
        await flush;
    }
}
