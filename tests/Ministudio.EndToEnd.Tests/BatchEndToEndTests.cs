using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ministudio.EndToEnd.Tests;

/// <summary>A batch through the gateway, scheduled onto the platform and rendered by the local provider.</summary>
[Collection(PlatformCollection.Name)]
public sealed class BatchEndToEndTests(PlatformFixture platform)
{
    private static readonly TimeSpan BatchTimeout = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task Every_film_of_an_accepted_batch_runs_to_completion()
    {
        var client = platform.GatewayClient(platform.DevelopmentKey);
        var run = Guid.NewGuid().ToString("N")[..8];
        var lines = Enumerable.Range(1, 4).Select(i => JsonSerializer.Serialize(new
        {
            title = $"Batch film {i} {run}",
            aspectRatio = i % 2 == 0 ? "9:16" : "16:9",
            provider = "local",
            characters = new[] { new { name = "Ada", identity = new { hair = "red braid" } } },
            shots = new[] { new { action = $"Ada waves, take {i} of {run}", durationSeconds = 1 } },
        }));
        var body = new StringContent(string.Join("\n", lines) + "\n", Encoding.UTF8, "application/x-ndjson");

        var accepted = await client.PostAsync("/v1/batches", body, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var batchId = (await accepted.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["batch"]!["id"]!.GetValue<Guid>();
        Assert.Equal(new Uri(client.BaseAddress!, $"/v1/batches/{batchId}"), accepted.Headers.Location);

        var deadline = DateTime.UtcNow + BatchTimeout;
        JsonObject batch;
        while (true)
        {
            batch = (await client.GetFromJsonAsync<JsonObject>($"/v1/batches/{batchId}", TestContext.Current.CancellationToken))!;
            if (batch["status"]!.GetValue<string>() != "running") break;
            Assert.True(DateTime.UtcNow < deadline, $"Batch {batchId} did not finish within {BatchTimeout}: {batch.ToJsonString()}");
            await Task.Delay(500, TestContext.Current.CancellationToken);
        }
        Assert.True(batch["status"]!.GetValue<string>() == "succeeded", batch.ToJsonString());
        var counts = batch["counts"]!;
        Assert.Equal((4, 4, 0, 0), (counts["total"]!.GetValue<int>(), counts["succeeded"]!.GetValue<int>(), counts["failed"]!.GetValue<int>(), counts["queued"]!.GetValue<int>()));
        Assert.Equal(1.0, batch["progress"]!.GetValue<double>());

        using var results = await client.GetAsync($"/v1/batches/{batchId}/results", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, results.StatusCode);
        var outcomes = (await results.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).TrimEnd('\n').Split('\n').Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal([1, 2, 3, 4], outcomes.Select(o => o["line"]!.GetValue<int>()));
        Assert.All(outcomes, o => Assert.Equal("succeeded", o["status"]!.GetValue<string>()));
        foreach (var outcome in outcomes)
        {
            using var video = await client.GetAsync(outcome["videoUrl"]!.GetValue<string>(), HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, video.StatusCode);
            Assert.Equal("video/mp4", video.Content.Headers.ContentType?.MediaType);
        }

        // Another tenant sees no such batch.
        var other = platform.GatewayClient(platform.OtherTenantKey);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/v1/batches/{batchId}", TestContext.Current.CancellationToken)).StatusCode);
    }
}
