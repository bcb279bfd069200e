using System.Diagnostics;
using System.Net;
using HdrHistogram;

namespace Ministudio.Bench;

/// <summary>What one load run saw: completed requests per second and latency percentiles (ms), errors counted apart.</summary>
public sealed record LoadResult(string Target, int Connections, double RequestsPerSecond, double P50Ms, double P99Ms, double MaxMs, long Requests, long Errors)
{
    /// <summary>CPU milliseconds each watched process spent per counted request, e.g. "gateway 0.09, prompt 0.05" (closed loop with a <see cref="ProcessCpu"/>).</summary>
    public string? CpuMsPerRequest { get; init; }

    /// <summary>The sum of <see cref="CpuMsPerRequest"/> over the watched processes: what one request cost the machine.</summary>
    public double? TotalCpuMsPerRequest { get; init; }

    public override string ToString() =>
        $"{Target,-28} c={Connections,-3} {RequestsPerSecond,9:F0} req/s  p50 {P50Ms,7:F2} ms  p99 {P99Ms,7:F2} ms  max {MaxMs,8:F2} ms  n={Requests} errors={Errors}"
        + (CpuMsPerRequest is null ? "" : $"  CPU ms/request: {CpuMsPerRequest}");
}

/// <summary>
/// A small HTTP load generator (loopback only). Closed loop: N connections each send the next request when the last
/// answered (like wrk). Open loop: requests start on a fixed schedule whatever the answers, and latency counts from
/// the scheduled start, so a stall shows in the percentiles (no coordinated omission). Latencies go into an
/// HdrHistogram in microseconds. Every run is bounded in time.
/// </summary>
public static class LoadGenerator
{
    private const long MaxTrackableMicros = 60_000_000;

    public static HttpClient Client(int connections) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = false,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    })
    { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>With <paramref name="cpu"/>, the CPU its processes spent while requests were counted goes into the result, per request.</summary>
    public static async Task<LoadResult> ClosedLoopAsync(string target, Func<HttpRequestMessage> request, int connections, TimeSpan warmup, TimeSpan duration, ProcessCpu? cpu = null)
    {
        using var client = Client(connections);
        var histograms = new LongHistogram[connections];
        var errors = new long[connections];
        var counting = false;
        var stopAt = Stopwatch.GetTimestamp() + (long)((warmup + duration).TotalSeconds * Stopwatch.Frequency);
        var measuredFrom = 0L;
        var workers = Enumerable.Range(0, connections).Select(i => Task.Run(async () =>
        {
            var histogram = histograms[i] = new LongHistogram(MaxTrackableMicros, 3);
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                var start = Stopwatch.GetTimestamp();
                var ok = await SendAsync(client, request());
                if (!Volatile.Read(ref counting)) continue;
                if (ok) histogram.RecordValue(Math.Clamp(Micros(Stopwatch.GetTimestamp() - start), 0, MaxTrackableMicros));
                else errors[i]++;
            }
        })).ToArray();
        await Task.Delay(warmup);
        var cpuFrom = cpu?.Snapshot();
        measuredFrom = Stopwatch.GetTimestamp();
        Volatile.Write(ref counting, true);
        await Task.WhenAll(workers);
        var seconds = Stopwatch.GetElapsedTime(measuredFrom).TotalSeconds;
        var result = Summarise(target, connections, histograms, errors.Sum(), seconds);
        // The workers' last requests (started before the end, answered after it) are counted, so the window is whole.
        if (cpu is null) return result;
        var cpuTo = cpu.Snapshot();
        var requests = result.Requests + result.Errors;
        return result with
        {
            CpuMsPerRequest = ProcessCpu.PerUnit(cpuFrom!, cpuTo, requests),
            TotalCpuMsPerRequest = cpuTo.Sum(p => p.Value - cpuFrom!.GetValueOrDefault(p.Key)) * 1000 / Math.Max(1, requests),
        };
    }

    /// <summary>
    /// <paramref name="count"/> requests, <paramref name="connections"/> at a time, stopping early after
    /// <paramref name="limit"/>: a warm-up whose work is bounded, not its time (a cold service under load may answer its
    /// first requests only after seconds).
    /// </summary>
    public static async Task<LoadResult> WarmUpAsync(string target, Func<int, HttpRequestMessage> request, int count, int connections, TimeSpan limit)
    {
        using var client = Client(connections);
        var histogram = new LongHistogram(MaxTrackableMicros, 3);
        long errors = 0;
        var next = -1;
        var stopAt = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count && Stopwatch.GetTimestamp() < stopAt)
            {
                var start = Stopwatch.GetTimestamp();
                var ok = await SendAsync(client, request(i));
                lock (histogram)
                {
                    if (ok) histogram.RecordValue(Math.Clamp(Micros(Stopwatch.GetTimestamp() - start), 0, MaxTrackableMicros));
                    else errors++;
                }
            }
        })));
        return Summarise(target, connections, [histogram], errors, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    /// <summary>Starts <paramref name="rate"/> requests a second for <paramref name="duration"/>, at most 512 in flight.</summary>
    public static async Task<LoadResult> OpenLoopAsync(string target, Func<int, HttpRequestMessage> request, double rate, TimeSpan duration)
    {
        using var client = Client(512);
        var histogram = new LongHistogram(MaxTrackableMicros, 3);
        long errors = 0;
        var total = (int)(rate * duration.TotalSeconds);
        using var inFlight = new SemaphoreSlim(512);
        var started = Stopwatch.GetTimestamp();
        var tasks = new List<Task>(total);
        for (var i = 0; i < total; i++)
        {
            var due = started + (long)(i / rate * Stopwatch.Frequency);
            var wait = due - Stopwatch.GetTimestamp();
            if (wait > 0) await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency));
            await inFlight.WaitAsync();
            var index = i;
            tasks.Add(Task.Run(async () =>
            {
                try
                {
                    var ok = await SendAsync(client, request(index));
                    // A timer may wake a little early: a request cannot finish before it was due.
                    var micros = Math.Clamp(Micros(Stopwatch.GetTimestamp() - due), 0, MaxTrackableMicros);
                    lock (histogram)
                    {
                        if (ok) histogram.RecordValue(micros);
                        else errors++;
                    }
                }
                finally { inFlight.Release(); }
            }));
        }
        await Task.WhenAll(tasks);
        return Summarise(target, 0, [histogram], errors, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    private static async Task<bool> SendAsync(HttpClient client, HttpRequestMessage message)
    {
        try
        {
            using (message)
            using (var response = await client.SendAsync(message, HttpCompletionOption.ResponseContentRead))
                return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private static long Micros(long ticks) => ticks * 1_000_000 / Stopwatch.Frequency;

    private static LoadResult Summarise(string target, int connections, IEnumerable<LongHistogram> parts, long errors, double seconds)
    {
        var all = new LongHistogram(MaxTrackableMicros, 3);
        foreach (var part in parts) all.Add(part);
        var n = all.TotalCount;
        return new LoadResult(target, connections, n / seconds, all.GetValueAtPercentile(50) / 1000.0,
            all.GetValueAtPercentile(99) / 1000.0, all.GetMaxValue() / 1000.0, n, errors);
    }

    public static HttpRequestMessage Get(Uri url, string? key)
    {
        var message = new HttpRequestMessage(HttpMethod.Get, url) { Version = HttpVersion.Version11 };
        if (key is not null) message.Headers.Authorization = new("Bearer", key);
        return message;
    }
}
