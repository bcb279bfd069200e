using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ministudio.Platform;
using Ministudio.ServiceDefaults;
using Ministudio.TestSupport;

namespace Ministudio.EndToEnd.Tests;

/// <summary>The whole platform, driven only through the gateway, as a client would.</summary>
[Collection(PlatformCollection.Name)]
public sealed class FilmApiTests(PlatformFixture platform)
{
    private static readonly TimeSpan FilmTimeout = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task A_three_shot_film_renders_to_a_playable_mp4_and_a_repeat_comes_from_the_cache()
    {
        var client = platform.GatewayClient(platform.DevelopmentKey);
        var spec = await File.ReadAllTextAsync(PlatformFixture.SampleFilm, TestContext.Current.CancellationToken);

        var accepted = await client.PostAsync("/v1/films", Json(spec), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var jobId = (await accepted.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["id"]!.GetValue<Guid>();
        // The gateway's public address, as the client called it; never prompt's own.
        Assert.Equal(new Uri(client.BaseAddress!, $"/v1/jobs/{jobId}"), accepted.Headers.Location);

        var (job, progressSeen) = await WaitForTerminalAsync(client, jobId);
        Assert.Equal("succeeded", job["status"]!.GetValue<string>());
        Assert.Equal(new Uri(client.BaseAddress!, $"/v1/jobs/{jobId}/video").ToString(), job["video"]!["url"]!.GetValue<string>());
        Assert.Contains(progressSeen, p => p is > 0 and < 1);
        var shots = job["shots"]!.AsArray();
        Assert.Equal(3, shots.Count);
        Assert.All(shots, shot => Assert.False(shot!["fromCache"]!.GetValue<bool>()));

        var film = await DownloadAsync(client, jobId);
        var info = await Media.ProbeAsync(film);
        Assert.Equal("h264", info.Codec);
        Assert.Equal((1280, 720), (info.Width, info.Height));
        Assert.Equal(24, info.FramesPerSecond, 0.01);
        // 4 s + 3 s + 4 s, less two 0.5 s cross-fades.
        Assert.InRange(info.DurationSeconds, 10.0 - 0.2, 10.0 + 0.2);

        // Mid-points of each shot outside the cross-fades: shot 0 [0, 3.5), shot 1 [4, 6), shot 2 [6.5, 10).
        var shot0 = await Media.FrameAtAsync(film, 1.0);
        var shot1 = await Media.FrameAtAsync(film, 5.0);
        var shot2 = await Media.FrameAtAsync(film, 8.0);
        var whole = (0, 0, info.Width, info.Height);
        Assert.True(Media.MeanDifference(shot0, shot1, info.Width, whole) > 5, "shots 0 and 1 should look different");
        Assert.True(Media.MeanDifference(shot1, shot2, info.Width, whole) > 5, "shots 1 and 2 should look different");

        // Mira (slot 0) is in shots 0 and 2 and must look the same; in shot 1 only Theo (slot 1) stands there.
        var mira = PlatformFixture.FigureCore(slot: 0, info.Width, info.Height);
        var miraAcrossShots = Media.MeanDifference(shot0, shot2, info.Width, mira);
        var miraVersusEmpty = Media.MeanDifference(shot0, shot1, info.Width, mira);
        Assert.True(miraAcrossShots < 3, $"Mira differs between shots by {miraAcrossShots:0.0}");
        Assert.True(miraVersusEmpty > 4 * Math.Max(miraAcrossShots, 1), $"the figure region should change when Mira is absent ({miraVersusEmpty:0.0})");

        // The shots form one continuity chain: each starts on the true last frame of the one before.
        Assert.All(shots, shot => Assert.Equal(0, shot!["chain"]!.GetValue<int>()));
        for (var i = 1; i < shots.Count; i++)
        {
            var previous = platform.ClipPath(shots[i - 1]!["clipSha256"]!.GetValue<string>());
            var current = platform.ClipPath(shots[i]!["clipSha256"]!.GetValue<string>());
            var previousInfo = await Media.ProbeAsync(previous);
            var lastFrame = await Media.FrameAtAsync(previous, previousInfo.DurationSeconds - 1 / 24.0);
            var firstFrame = await Media.FrameAtAsync(current, 0);
            var difference = Media.MeanDifference(lastFrame, firstFrame, info.Width, whole);
            Assert.True(difference < 2, $"shot {i} should open on shot {i - 1}'s last frame (difference {difference:0.0})");
        }

        // The same film again: every shot from the Redis cache, no render call at all (none in the repeat's traces).
        var repeat = await client.PostAsync("/v1/films", Json(spec), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, repeat.StatusCode);
        var repeatId = (await repeat.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["id"]!.GetValue<Guid>();
        var (repeatJob, _) = await WaitForTerminalAsync(client, repeatId);
        Assert.Equal("succeeded", repeatJob["status"]!.GetValue<string>());
        Assert.All(repeatJob["shots"]!.AsArray(), shot => Assert.True(shot!["fromCache"]!.GetValue<bool>()));
        await Eventually.TrueAsync(() => platform.DispatchSpansOf(repeatId).Count == shots.Count);
        var traces = platform.DispatchSpansOf(repeatId).Select(span => span.TraceId).ToHashSet();
        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        Assert.DoesNotContain(platform.Traces.Spans, span => span.Service == ResourceNames.Render && traces.Contains(span.TraceId));
        Assert.Equal(info.DurationSeconds, (await Media.ProbeAsync(await DownloadAsync(client, repeatId))).DurationSeconds, 0.05);
    }

    public static TheoryData<string> StudioSamples => new(
        Directory.GetFiles(Path.GetDirectoryName(PlatformFixture.SampleFilm)!, "*.json")
            .Where(path => path != PlatformFixture.SampleFilm) // rendered by the cache test, which needs it uncached
            .Select(Path.GetFileName).Order()!);

    [Theory]
    [MemberData(nameof(StudioSamples))]
    public async Task Every_sample_film_renders_end_to_end_at_its_format(string sample)
    {
        var client = platform.GatewayClient(platform.DevelopmentKey);
        var spec = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Path.GetDirectoryName(PlatformFixture.SampleFilm)!, sample), TestContext.Current.CancellationToken))!;
        var accepted = await client.PostAsync("/v1/films", Json(spec.ToJsonString()), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var jobId = (await accepted.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["id"]!.GetValue<Guid>();

        var (job, _) = await WaitForTerminalAsync(client, jobId);
        Assert.True(job["status"]!.GetValue<string>() == "succeeded", job.ToJsonString());
        var info = await Media.ProbeAsync(await DownloadAsync(client, jobId));
        // A sample may be a template: the dry run says what size it makes, the job how long its shots came out.
        var compiled = await client.PostAsync("/v1/films:compile", Json(spec.ToJsonString()), TestContext.Current.CancellationToken);
        var request = (await compiled.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["shots"]![0]!["request"]!;
        var durations = job["shots"]!.AsArray().Select(s => s!["durationSeconds"]!.GetValue<double>()).ToList();
        Assert.Equal(("h264", request["width"]!.GetValue<int>(), request["height"]!.GetValue<int>()), (info.Codec, info.Width, info.Height));
        Assert.InRange(info.DurationSeconds, durations.Sum() - 0.5 * (durations.Count - 1) - 0.2, durations.Sum() - 0.5 * (durations.Count - 1) + 0.2);
    }

    [Fact]
    public async Task A_canceled_film_stops_rendering_and_its_events_stream_through_the_gateway()
    {
        var client = platform.GatewayClient(platform.DevelopmentKey);
        var accepted = await client.PostAsync("/v1/films", Json(SmallFilm(shots: 3, durationSeconds: 8)), TestContext.Current.CancellationToken);
        var jobId = (await accepted.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["id"]!.GetValue<Guid>();

        using var events = await client.GetAsync($"/v1/jobs/{jobId}/events", HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        Assert.Equal("text/event-stream", events.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await events.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
        // Wait, reading the stream, until the first shot is being drawn.
        while (await reader.ReadLineAsync(TestContext.Current.CancellationToken) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal) && JsonNode.Parse(line[6..])!["shots"]![0]!["progress"]!.GetValue<double>() > 0) break;
        }

        var canceled = await client.PostAsync($"/v1/jobs/{jobId}:cancel", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, canceled.StatusCode);
        string? last = null;
        while (await reader.ReadLineAsync(TestContext.Current.CancellationToken) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal)) last = line[6..];
        }
        Assert.Equal("canceled", JsonNode.Parse(last!)!["status"]!.GetValue<string>());

        // The shot in flight stopped between frames and the chain went no further: dispatch finished no shot of this
        // job (a finished shot's span names its vendor). Counted on this job's own spans: render's running total also
        // moves with work other tests left in flight.
        await Eventually.TrueAsync(() => platform.DispatchSpansOf(jobId).Count > 0);
        await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);
        Assert.DoesNotContain(platform.DispatchSpansOf(jobId), span => span.Attributes.ContainsKey("ministudio.vendor"));
        Assert.Equal("canceled", (await client.GetFromJsonAsync<JsonObject>($"/v1/jobs/{jobId}", TestContext.Current.CancellationToken))!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Another_tenant_gets_404_for_the_same_job()
    {
        var owner = platform.GatewayClient(platform.DevelopmentKey);
        var accepted = await owner.PostAsync("/v1/films", Json(SmallFilm(aspectRatio: "1:1")), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var jobId = (await accepted.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["id"]!.GetValue<Guid>();

        var stranger = platform.GatewayClient(platform.OtherTenantKey);
        var foreign = await stranger.GetAsync($"/v1/jobs/{jobId}", TestContext.Current.CancellationToken);
        var missing = await stranger.GetAsync($"/v1/jobs/{Guid.NewGuid()}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("job.not_found", await Problems.CodeOf(foreign));
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/v1/jobs/{jobId}/video", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync($"/v1/jobs/{jobId}", TestContext.Current.CancellationToken)).StatusCode);
    }

    public static TheoryData<string, string?, string, HttpStatusCode, string> BadRequests => new()
    {
        { "malformed JSON", "dev", "{\"title\": \"Broken\", \"shots\": [", HttpStatusCode.BadRequest, "request.malformed_json" },
        { "unknown aspect ratio", "dev", SmallFilm(aspectRatio: "4:3"), HttpStatusCode.BadRequest, "film.aspect_ratio_unsupported" },
        { "zero shots", "dev", SmallFilm(shots: 0), HttpStatusCode.BadRequest, "film.shots_empty" },
        { "duration over the limit", "dev", SmallFilm(durationSeconds: 121), HttpStatusCode.BadRequest, "film.shot_duration_out_of_range" },
        { "missing key", null, SmallFilm(), HttpStatusCode.Unauthorized, "auth.key_missing" },
        { "unknown key", ApiKeys.Generate(ApiKeys.Development), SmallFilm(), HttpStatusCode.Unauthorized, "auth.key_invalid" },
        { "malformed key", "ms_dev_00000000000000000000000000000000", SmallFilm(), HttpStatusCode.Unauthorized, "auth.key_invalid" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_input_gets_a_coded_problem_and_creates_no_job(string why, string? key, string body, HttpStatusCode status, string code)
    {
        var jobsBefore = await platform.JobCountAsync();
        var client = platform.GatewayClient(key == "dev" ? platform.DevelopmentKey : key);

        var response = await client.PostAsync("/v1/films", Json(body), TestContext.Current.CancellationToken);

        Assert.True(status == response.StatusCode, $"{why}: expected {status}, got {response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, await Problems.CodeOf(response));
        Assert.Equal(jobsBefore, await platform.JobCountAsync());
    }

    private static string SmallFilm(string aspectRatio = "16:9", int shots = 1, double durationSeconds = 1) =>
        JsonSerializer.Serialize(new
        {
            title = $"Small film {Guid.NewGuid():N}",
            aspectRatio,
            provider = "local",
            characters = new[] { new { name = "Ada", identity = new { hair = "red braid", eyes = "grey" } } },
            shots = Enumerable.Range(0, shots).Select(i => new { action = $"Ada waves, take {i}", durationSeconds }).ToArray(),
        });

    [Fact]
    public async Task An_uploaded_image_posted_as_a_timeline_composes_into_a_playable_mp4()
    {
        var client = platform.GatewayClient(platform.DevelopmentKey);
        var png = Path.Combine(Path.GetTempPath(), $"ministudio-e2e-{Guid.NewGuid():N}.png");
        using (var ffmpeg = System.Diagnostics.Process.Start("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=640x480", "-frames:v", "1", png])!)
        {
            await ffmpeg.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.Equal(0, ffmpeg.ExitCode);
        }
        var image = new ByteArrayContent(await File.ReadAllBytesAsync(png, TestContext.Current.CancellationToken));
        image.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        var uploaded = await client.PostAsync("/v1/images", image, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        var hash = (await uploaded.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["sha256"]!.GetValue<string>();

        var timeline = $$"""
            {
              "output": { "aspect": "16:9", "resolution": 720, "fps": 24, "quality": "draft" },
              "tracks": [
                { "clips": [ { "type": "image", "start": 0, "length": 2, "asset": "{{hash}}", "motion": { "zoom": "in", "pan": "right", "amount": 0.2 } } ] },
                { "clips": [ { "type": "title", "start": 0, "length": 2, "text": "Ministudio" } ] }
              ]
            }
            """;
        var accepted = await client.PostAsync("/v1/timelines?title=Upload%20teaser", Json(timeline), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var jobId = (await accepted.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["id"]!.GetValue<Guid>();

        var (job, _) = await WaitForTerminalAsync(client, jobId);
        Assert.Equal("succeeded", job["status"]!.GetValue<string>());
        Assert.Equal(new Uri(client.BaseAddress!, $"/v1/jobs/{jobId}/video").ToString(), job["video"]!["url"]!.GetValue<string>());
        Assert.Empty(job["shots"]!.AsArray());
        var info = await Media.ProbeAsync(await DownloadAsync(client, jobId));
        Assert.Equal(("h264", 1280, 720), (info.Codec, info.Width, info.Height));
        Assert.InRange(info.DurationSeconds, 2.0 - 0.2, 2.0 + 0.2);
    }

    internal static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    internal static async Task<(JsonObject Job, List<double> ProgressSeen)> WaitForTerminalAsync(HttpClient client, Guid jobId)
    {
        var progress = new List<double>();
        var deadline = DateTime.UtcNow + FilmTimeout;
        while (true)
        {
            var job = (await client.GetFromJsonAsync<JsonObject>($"/v1/jobs/{jobId}", TestContext.Current.CancellationToken))!;
            progress.Add(job["progress"]!.GetValue<double>());
            if (job["status"]!.GetValue<string>() is "succeeded" or "failed") return (job, progress);
            Assert.True(DateTime.UtcNow < deadline, $"Job {jobId} did not finish within {FilmTimeout}: {job.ToJsonString()}");
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }
    }

    internal static async Task<string> DownloadAsync(HttpClient client, Guid jobId)
    {
        using var response = await client.GetAsync($"/v1/jobs/{jobId}/video", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new MediaTypeHeaderValue("video/mp4").MediaType, response.Content.Headers.ContentType?.MediaType);
        var path = Path.Combine(Path.GetTempPath(), $"ministudio-e2e-{jobId}.mp4");
        await File.WriteAllBytesAsync(path, await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);
        return path;
    }
}
