using System.Globalization;
using Ministudio.Contracts;

namespace Ministudio.Bench;

/// <summary>
/// P2, P4 and P5 at the shot level, on the bus (<see cref="ShotBus"/>): what dispatch does with a RenderShot, without
/// prompt's job bookkeeping or compose. Dispatch runs with the mock vendor; bench/run.sh restarts it with the latency
/// and concurrency each measure needs.
/// </summary>
public static class ShotMeasures
{
    private static readonly TimeSpan ShotTimeout = TimeSpan.FromMinutes(3);

    /// <summary>A distinct mock shot: the same shape prompt compiles for a 4 s 16:9 shot; the seed makes it distinct.</summary>
    public static ShotRequest Shot(long seed) => new(
        "mock", "Ada walks across the frame, flat colour", "Ada walks across the frame", "16:9", 1280, 720, 24, 4, seed, "static", null,
        new ShotStyle("bench", ["#223344", "#88AACC", "#F0E0C0"]), []);

    private static long NewSeed() => Random.Shared.NextInt64(1, long.MaxValue / 2);

    /// <summary>
    /// P2: a shot served from the result cache vs the same shot's first run (a miss: 100 ms vendor latency, then the
    /// mock's small render), RenderShot published → ShotRendered heard, one at a time.
    /// </summary>
    /// <remarks>
    /// The note gives the bus's own floor measured right after: the hit's two confirmed hops through durable queues with
    /// nothing done between them (<see cref="ShotBus.BusRelayAsync"/>), as many, one at a time.
    /// </remarks>
    public static async Task<IReadOnlyList<ResultRow>> CacheHitVsMissAsync(ShotBus bus, Guid tenantId, Uri rabbitMq)
    {
        await bus.RenderAsync(tenantId, Shot(NewSeed()), ShotTimeout); // warm-up: JIT, render's encoder start-up
        var misses = new List<double>();
        var hits = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var request = Shot(NewSeed());
            var miss = Expect(await bus.RenderAsync(tenantId, request, ShotTimeout), fromCache: false);
            misses.Add(miss.Seconds * 1000);
            for (var j = 0; j < 10; j++) hits.Add(Expect(await bus.RenderAsync(tenantId, request, ShotTimeout), fromCache: true).Seconds * 1000);
        }
        misses.Sort();
        hits.Sort();
        var (hit, missMedian, hitP99) = (Median(hits), Median(misses), Percentile(hits, 0.99));
        Console.WriteLine($"misses {Join(misses)} ms; hits {Join(hits)} ms");
        var relay = await ShotBus.BusRelayAsync(rabbitMq, hits.Count);
        Console.WriteLine($"bus alone, two confirmed hops {Join(relay)} ms");
        return
        [
            new("P2 shot from the cache vs first run (bus: RenderShot → ShotRendered)", ResultRow.Ms(hit), ResultRow.Ms(missMedian), ResultRow.X(missMedian / hit),
                "≥ 50×, hit p99 ≤ 5 ms", ResultRow.Pass(missMedian / hit >= 50 && hitP99 <= 5),
                $"medians of {misses.Count} misses (100 ms latency) and {hits.Count} hits; hit p99 {ResultRow.Ms(hitP99)}; the bus alone (the same two confirmed hops, durable queues, nothing done) median {ResultRow.Ms(Median(relay))}, p99 {ResultRow.Ms(Percentile(relay, 0.99))}"),
        ];
    }

    /// <summary>
    /// P4: shots dispatched per second, mock vendor without latency, publisher confirms on. The shots are cache hits
    /// of a few rendered first, so the measure is dispatch and the bus, not the mock's render (whose rate is the note);
    /// peer: the same number of messages through RabbitMQ alone (publish with confirms, consume, nothing else).
    /// </summary>
    /// <remarks>
    /// With <paramref name="pids"/> (bench/run.sh: dispatch, prompt, PostgreSQL, RabbitMQ, Redis), the CPU each process
    /// spent per dispatched shot, read from /proc as P3 reads it per film: the rate depends on what else shares the
    /// cores, the CPU per shot much less. Prompt hears every ShotRendered too (for jobs it does not know) and may still
    /// be at it when the bench has its answers, so the processes are given a moment to settle before the second reading.
    /// </remarks>
    public static async Task<IReadOnlyList<ResultRow>> DispatchRateAsync(ShotBus bus, Guid tenantId, Uri rabbitMq, int count, string? pids)
    {
        const int inFlight = 256;
        var cpu = ProcessCpu.Parse(pids);
        var distinct = Enumerable.Range(0, 16).Select(_ => Shot(NewSeed())).ToList();
        var (renderSeconds, rendered) = await bus.RenderAllAsync(tenantId, distinct, inFlight, ShotTimeout);
        EnsureAll(rendered, fromCache: false);
        var shots = Enumerable.Range(0, count).Select(i => distinct[i % distinct.Count]).ToList();
        await cpu.SettleAsync(TimeSpan.FromSeconds(10));
        var cpuFrom = cpu.Snapshot();
        var (seconds, answers) = await bus.RenderAllAsync(tenantId, shots, inFlight, ShotTimeout);
        EnsureAll(answers, fromCache: true);
        await cpu.SettleAsync(TimeSpan.FromSeconds(10));
        var perShot = ProcessCpu.PerUnit(cpuFrom, cpu.Snapshot(), count);
        Console.WriteLine($"{count} dispatched in {seconds:F2} s; {distinct.Count} rendered first in {renderSeconds:F2} s");
        Console.WriteLine($"CPU ms per dispatched shot: {perShot}");
        var peer = await ShotBus.BusRoundTripsAsync(rabbitMq, count, inFlight);
        var (ours, theirs) = (count / seconds, count / peer);
        Console.WriteLine($"bus alone {peer:F2} s");
        return
        [
            new("P4 bus: shots dispatched/s, publisher confirms (mock, 0 latency)", $"{ours:F0}/s", $"{theirs:F0}/s (RabbitMQ alone)", ResultRow.X(ours / theirs),
                "≥ 2,000/s", ResultRow.Pass(ours >= 2000),
                $"{count} shots, {inFlight} in flight, served from the cache; rendering them first (mock's small render): {distinct.Count / renderSeconds:F1} shots/s; CPU ms per shot: {perShot}"),
        ];
    }

    /// <summary>
    /// P5, one half: <paramref name="count"/> distinct mock shots (vendor latency as dispatch was started with), all
    /// published at once, at the concurrency dispatch was started with; shots per second. The second half (the higher
    /// concurrency) reads the first from <paramref name="state"/> and gives the row.
    /// </summary>
    public static async Task<IReadOnlyList<ResultRow>> BatchScalingAsync(ShotBus bus, Guid tenantId, int count, int concurrency, string state)
    {
        await bus.RenderAsync(tenantId, Shot(NewSeed()), ShotTimeout); // warm-up of the freshly started dispatch
        // All are published at once: the last waits for the whole queue to drain ahead of it (2 s per shot per slot).
        var drain = ShotTimeout + TimeSpan.FromSeconds(2.0 * count / concurrency * 1.5);
        var (seconds, answers) = await bus.RenderAllAsync(tenantId, Enumerable.Range(0, count).Select(_ => Shot(NewSeed())).ToList(), count, drain);
        EnsureAll(answers, fromCache: false);
        var rate = count / seconds;
        Console.WriteLine($"concurrency {concurrency}: {count} shots in {seconds:F2} s = {rate:F2} shots/s");
        if (!File.Exists(state))
        {
            File.WriteAllText(state, $"{concurrency} {rate.ToString(CultureInfo.InvariantCulture)} {seconds.ToString(CultureInfo.InvariantCulture)}");
            return [];
        }
        var first = File.ReadAllText(state).Split(' ');
        File.Delete(state);
        var (lowConcurrency, lowRate, lowSeconds) = (first[0], double.Parse(first[1], CultureInfo.InvariantCulture), double.Parse(first[2], CultureInfo.InvariantCulture));
        return
        [
            new($"P5 batch scaling, concurrency {lowConcurrency} → {concurrency} ({count} shots, 2 s latency)", $"{rate:F2} shots/s ({seconds:F1} s)",
                $"{lowRate:F2} shots/s ({lowSeconds:F1} s)", ResultRow.X(rate / lowRate), "≥ 3.5×", ResultRow.Pass(rate / lowRate >= 3.5),
                $"{(count == 1000 ? "the issue's 1,000 shots" : $"{count} shots instead of 1,000 to bound the run")}, the mock serving its stored clip (ReuseClips); ideal {concurrency / double.Parse(lowConcurrency, CultureInfo.InvariantCulture):F1}×"),
        ];
    }

    private static ShotBus.ShotAnswer Expect(ShotBus.ShotAnswer answer, bool fromCache)
    {
        if (answer.FailureCode is { } code) throw new InvalidOperationException($"a shot failed: {code}");
        if (answer.FromCache != fromCache) throw new InvalidOperationException(fromCache ? "a repeated shot was not served from the cache" : "a new shot came from the cache");
        return answer;
    }

    private static void EnsureAll(IEnumerable<ShotBus.ShotAnswer> answers, bool fromCache)
    {
        foreach (var answer in answers) Expect(answer, fromCache);
    }

    private static double Median(List<double> sorted) => sorted[sorted.Count / 2];

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static string Join(IEnumerable<double> values) => string.Join(", ", values.Select(v => v.ToString("F1", CultureInfo.InvariantCulture)));
}
