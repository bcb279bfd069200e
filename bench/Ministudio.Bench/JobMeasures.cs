using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Grpc.Net.Client;
using Ministudio.Contracts.Render;

namespace Ministudio.Bench;

/// <summary>
/// P7 and P9: the render service called directly over gRPC, and a whole film timed by the job API (created → finished,
/// the server's clock).
/// </summary>
public static class JobMeasures
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(3);

    /// <summary>
    /// P7: one 4 s 1280×720 24 fps shot drawn and encoded by the render service, vs real time. Wall time moves with
    /// whatever else shares the machine, so the CPU time render and its ffmpeg used is read too (/proc, children
    /// included): CPU seconds ÷ cores is the wall time the same work takes with the cores to itself.
    /// </summary>
    public static async Task<IReadOnlyList<ResultRow>> LocalRenderAsync(Uri render, int? renderPid)
    {
        var cpuBefore = renderPid is { } p ? ProcessCpu.SecondsOf(p) : 0;
        var seconds = await RenderAsync(render, 1280, 720, 24, 4);
        var cpu = renderPid is { } q ? ProcessCpu.SecondsOf(q) - cpuBefore : double.NaN;
        var alone = cpu / Environment.ProcessorCount;
        return
        [
            new("P7 local render + encode, 4 s 720p24 (CPU time ÷ cores)", $"{alone:F2} s", "4.00 s (real time)", ResultRow.X(4 / alone), "≥ 1.5× real time",
                ResultRow.Pass(4 / alone >= 1.5), $"CPU {cpu:F2} s on {Environment.ProcessorCount} cores; wall {seconds:F2} s on the shared machine ({ResultRow.X(4 / seconds)})"),
        ];
    }

    /// <summary>
    /// P9: a five-shot mock film (independent shots) through the whole platform vs calling the mock vendor directly
    /// five times side by side: its latency, then a render of the mock's small size. The peer makes five clips, not a
    /// film, so the row compares the film's shots (submitted → last shot rendered, the bench's clock, as for the peer);
    /// the note gives the whole job with its composition. A one-shot film first warms the freshly started dispatch
    /// (its first shot otherwise pays JIT and connection set-up) and compose.
    /// </summary>
    public static async Task<IReadOnlyList<ResultRow>> PlatformOverheadAsync(HttpClient api, Uri render, TimeSpan vendorLatency)
    {
        await RunJobAsync(api, Films.Small("bench overhead warm-up", "mock", 1, Random.Shared.NextInt64(1, long.MaxValue / 2)));
        var film = await RunJobAsync(api, Films.Small("bench overhead", "mock", 5, Random.Shared.NextInt64(1, long.MaxValue / 2)));
        // The peer makes the same five vendor calls itself, side by side: the latency, then the mock's small render each.
        var start = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, 5).Select(async _ =>
        {
            await Task.Delay(vendorLatency);
            await RenderAsync(render, 320, 180, 12, 4);
        }));
        var direct = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var overhead = film.ShotsSeconds / direct - 1;
        Console.WriteLine($"film: shots {film.ShotsSeconds:F3} s, whole job {film.Seconds:F3} s; direct {direct:F3} s");
        return
        [
            new($"P9 5-shot film vs direct vendor calls ({vendorLatency.TotalSeconds:F0} s latency)", $"{film.ShotsSeconds:F2} s", $"{direct:F2} s", $"+{overhead * 100:F1} %", "≤ +2 %",
                ResultRow.Pass(overhead <= 0.02),
                $"film submitted → last shot rendered; whole job with compose {film.Seconds:F2} s; shots running → done: {film.Shots}"),
        ];
    }

    /// <summary>
    /// A film followed to the end: <paramref name="Seconds"/> from the job's creation to its last update (server clock);
    /// <paramref name="ShotsSeconds"/> from the submission to the last shot seen rendered (bench clock, 50 ms polls);
    /// <paramref name="Shots"/> when each shot was first seen running and done, seconds after the submission.
    /// </summary>
    private sealed record FilmTiming(double Seconds, double ShotsSeconds, string Shots, JsonObject Job);

    /// <summary>
    /// Submits a film and follows it to the end. A shot counts as running when first seen so: its vendor call began
    /// (the mock reports "queued" then), so a film whose shots do not overlap shows it.
    /// </summary>
    private static async Task<FilmTiming> RunJobAsync(HttpClient api, object film)
    {
        var submittedAt = Stopwatch.GetTimestamp();
        using var submitted = await api.PostAsJsonAsync("/v1/films", film);
        if (!submitted.IsSuccessStatusCode)
            throw new InvalidOperationException($"POST /v1/films answered {(int)submitted.StatusCode}: {await submitted.Content.ReadAsStringAsync()}");
        var id = (await submitted.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        var running = new Dictionary<int, double>();
        var done = new Dictionary<int, double>();
        var deadline = Stopwatch.GetTimestamp() + (long)(JobTimeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            var job = (await api.GetFromJsonAsync<JsonObject>($"/v1/jobs/{id}"))!;
            var now = Stopwatch.GetElapsedTime(submittedAt).TotalSeconds;
            foreach (var shot in job["shots"]!.AsArray())
            {
                var index = shot!["index"]!.GetValue<int>();
                var shotStatus = shot["status"]!.GetValue<string>();
                if (shotStatus != "queued") running.TryAdd(index, now);
                if (shotStatus is "succeeded" or "failed") done.TryAdd(index, now);
            }
            var status = job["status"]!.GetValue<string>();
            if (status == "succeeded")
                return new FilmTiming((job["updatedAt"]!.GetValue<DateTimeOffset>() - job["createdAt"]!.GetValue<DateTimeOffset>()).TotalSeconds,
                    done.Values.Max(),
                    string.Join(", ", running.OrderBy(s => s.Key).Select(s => $"#{s.Key} {s.Value:F1}→{done.GetValueOrDefault(s.Key, double.NaN):F1}")),
                    job);
            if (status is "failed" or "canceled") throw new InvalidOperationException($"job {id} {status}: {job["error"]?.ToJsonString()}");
            await Task.Delay(50);
        }
        throw new TimeoutException($"job {id} did not finish within {JobTimeout.TotalMinutes} minutes");
    }

    private static async Task<double> RenderAsync(Uri render, int width, int height, int fps, double seconds)
    {
        using var channel = GrpcChannel.ForAddress(render, new GrpcChannelOptions { HttpHandler = BenchTrust.Handler() });
        var client = new Renderer.RendererClient(channel);
        var start = Stopwatch.GetTimestamp();
        using var call = client.RenderShot(new RenderShotRequest
        {
            JobId = Guid.NewGuid().ToString(),
            ShotIndex = 0,
            Action = "Ada walks across the frame",
            Prompt = "Ada walks across the frame, flat colour",
            Width = width,
            Height = height,
            Fps = fps,
            DurationSeconds = seconds,
            Seed = Random.Shared.NextInt64(1, long.MaxValue / 2),
            CameraMove = "static",
            Style = new StyleLook { Name = "bench", Palette = { "#223344", "#88AACC", "#F0E0C0" } },
        });
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            if (call.ResponseStream.Current.Completed is not null) return Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        throw new InvalidOperationException("render ended without a clip");
    }
}
