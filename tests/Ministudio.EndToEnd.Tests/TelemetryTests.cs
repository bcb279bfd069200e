using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ministudio.EndToEnd.Tests.Telemetry;
using Ministudio.ServiceDefaults;

namespace Ministudio.EndToEnd.Tests;

/// <summary>What the Aspire dashboard shows, read from the same OTLP export the services send it.</summary>
[Collection(PlatformCollection.Name)]
public sealed class TelemetryTests(PlatformFixture platform)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);
    private static readonly string[] Services = [ResourceNames.Gateway, ResourceNames.Prompt, ResourceNames.Dispatch, ResourceNames.Render, ResourceNames.Compose];

    [Fact]
    public async Task One_film_is_one_trace_from_the_gateway_through_every_service_to_compose()
    {
        var client = platform.GatewayClient(platform.DevelopmentKey);
        var run = Guid.NewGuid().ToString("N")[..8];
        var film = JsonSerializer.Serialize(new
        {
            title = $"Traced film {run}",
            aspectRatio = "16:9",
            provider = "local",
            characters = new[] { new { name = "Ada", identity = new { hair = "red braid" } } },
            shots = new[]
            {
                new { action = $"Ada lights a lamp, take {run}", durationSeconds = 1 },
                new { action = $"Ada opens the door, take {run}", durationSeconds = 1 },
            },
        });
        // The client starts the trace, as an instrumented client would; every hop must carry it on.
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var submit = new HttpRequestMessage(HttpMethod.Post, "/v1/films") { Content = new StringContent(film, Encoding.UTF8, "application/json") };
        submit.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");

        using var accepted = await client.SendAsync(submit, TestContext.Current.CancellationToken);
        Assert.True(accepted.StatusCode == HttpStatusCode.Accepted, await accepted.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var jobId = (await accepted.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["id"]!.GetValue<string>();
        var job = await WaitForJobAsync(client, jobId);
        Assert.Equal("succeeded", job["status"]!.GetValue<string>());

        var spans = await EventuallyAsync(
            () => platform.Traces.Spans.Where(span => span.TraceId == traceId).ToList(),
            trace => Services.All(service => trace.Any(span => span.Service == service)) && trace.Any(span => span.Name == "compose film"));
        var seen = spans.Select(span => span.Service).Distinct().Order().ToList();
        Assert.True(Services.All(seen.Contains), $"services in the trace: {string.Join(", ", seen)}");

        // The spans that matter carry what an operator filters by.
        var dispatched = spans.Where(span => span.Name == "dispatch shot").ToList();
        Assert.Equal(2, dispatched.Count);
        Assert.All(dispatched, span =>
        {
            Assert.Equal(jobId, span.Attributes["ministudio.job_id"]);
            Assert.True(span.Attributes.ContainsKey("ministudio.tenant_id"));
            Assert.Equal("local", span.Attributes["ministudio.vendor"]);
            Assert.Equal(false, span.Attributes["ministudio.cache_hit"]);
            Assert.True((double)span.Attributes["ministudio.latency_s"] > 0);
        });
        Assert.Contains(spans, span => span.Service == ResourceNames.Prompt && span.Attributes.GetValueOrDefault("ministudio.job_id") as string == jobId);
        Assert.Contains(spans, span => span.Name == "compose film" && span.Attributes.GetValueOrDefault("ministudio.job_id") as string == jobId);
    }

    [Fact]
    public async Task Two_dispatch_replicas_share_a_batch_and_no_shot_is_made_twice()
    {
        var client = platform.GatewayClient(platform.DevelopmentKey);
        var run = Guid.NewGuid().ToString("N")[..8];
        // Shots without continuity are independent: every shot of an admitted film is on the queue at once.
        var lines = Enumerable.Range(1, 4).Select(i => JsonSerializer.Serialize(new
        {
            title = $"Replica film {i} {run}",
            aspectRatio = "16:9",
            provider = "local",
            shots = new[]
            {
                new { action = $"A gull lands, take {i} of {run}", durationSeconds = 1, continuity = false },
                new { action = $"A bell rings, take {i} of {run}", durationSeconds = 1, continuity = false },
            },
        }));
        using var accepted = await client.PostAsync("/v1/batches",
            new StringContent(string.Join("\n", lines) + "\n", Encoding.UTF8, "application/x-ndjson"), TestContext.Current.CancellationToken);
        Assert.True(accepted.StatusCode == HttpStatusCode.Accepted, await accepted.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var batchId = (await accepted.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["batch"]!["id"]!.GetValue<string>();

        var deadline = DateTime.UtcNow + Timeout;
        JsonObject batch;
        while ((batch = (await client.GetFromJsonAsync<JsonObject>($"/v1/batches/{batchId}", TestContext.Current.CancellationToken))!)["status"]!.GetValue<string>() == "running")
        {
            Assert.True(DateTime.UtcNow < deadline, $"batch {batchId} did not finish: {batch.ToJsonString()}");
            await Task.Delay(500, TestContext.Current.CancellationToken);
        }
        Assert.Equal("succeeded", batch["status"]!.GetValue<string>());
        var results = await client.GetStringAsync($"/v1/batches/{batchId}/results", TestContext.Current.CancellationToken);
        var jobIds = results.TrimEnd('\n').Split('\n').Select(line => JsonNode.Parse(line)!["jobId"]!.GetValue<string>()).ToHashSet();
        Assert.Equal(4, jobIds.Count);

        var shots = await EventuallyAsync(
            () => platform.Traces.Spans.Where(span => span.Name == "dispatch shot"
                                                      && jobIds.Contains(span.Attributes.GetValueOrDefault("ministudio.job_id") as string ?? "")).ToList(),
            found => found.Count >= 8);
        var perShot = shots.GroupBy(span => (Job: span.Attributes["ministudio.job_id"], Shot: span.Attributes["ministudio.shot_index"])).ToList();
        Assert.Equal(8, perShot.Count);
        Assert.All(perShot, shot => Assert.Single(shot));
        var replicas = shots.Select(span => span.Instance).Distinct().ToList();
        Assert.Equal(PlatformFixture.DispatchReplicas, replicas.Count);

        // Render's own side of the same traces: one RenderShot call per dispatched shot, none repeated. (Counted per trace, not
        // from render's running total, which other tests' late or cancelled work can move.)
        var traces = shots.Select(span => span.TraceId).ToHashSet();
        List<ReceivedSpan> RenderCalls() => platform.Traces.Spans
            .Where(span => span.Service == ResourceNames.Render && traces.Contains(span.TraceId) && span.Name.Contains("RenderShot", StringComparison.Ordinal))
            .ToList();
        await EventuallyAsync(RenderCalls, found => found.Count >= 8);
        await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken); // a repeated call would be exported by now
        var renderCalls = RenderCalls();
        Assert.True(renderCalls.Count == 8, $"render calls: {string.Join(", ", renderCalls.Select(span => $"{span.TraceId}/{span.Name}"))}");
        Assert.All(renderCalls.GroupBy(span => span.TraceId),
            trace => Assert.Equal(shots.Count(span => span.TraceId == trace.Key), trace.Count()));
    }

    private static async Task<JsonObject> WaitForJobAsync(HttpClient client, string jobId)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var job = (await client.GetFromJsonAsync<JsonObject>($"/v1/jobs/{jobId}", TestContext.Current.CancellationToken))!;
            if (job["status"]!.GetValue<string>() is "succeeded" or "failed" or "canceled") return job;
            Assert.True(DateTime.UtcNow < deadline, $"job {jobId} did not finish: {job.ToJsonString()}");
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Spans leave a service in batches (about once a second): wait until what is asked for has arrived.</summary>
    private static async Task<List<ReceivedSpan>> EventuallyAsync(Func<List<ReceivedSpan>> read, Func<List<ReceivedSpan>, bool> complete)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var spans = read();
        while (!complete(spans) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500, TestContext.Current.CancellationToken);
            spans = read();
        }
        return spans;
    }
}
