using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Ministudio.EndToEnd.Tests;

/// <summary>What one tenant's work must never give another: cached results, or the knowledge that someone asked the same.</summary>
[Collection(PlatformCollection.Name)]
public sealed class TenantIsolationTests(PlatformFixture platform)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task Another_tenants_identical_film_is_made_anew_and_billed_not_served_from_the_first_tenants_cache()
    {
        var film = $$"""{"title":"Isolated {{Guid.NewGuid():N}}","aspectRatio":"16:9","provider":"local","shots":[{"action":"A heron waits","durationSeconds":1,"continuity":false}]}""";
        var first = await FinishedShotAsync(platform.GatewayClient(platform.DevelopmentKey), film);
        var repeat = await FinishedShotAsync(platform.GatewayClient(platform.DevelopmentKey), film);
        var stranger = platform.GatewayClient(platform.OtherTenantKey);
        var other = await FinishedShotAsync(stranger, film);

        Assert.False(first["fromCache"]!.GetValue<bool>());
        Assert.True(repeat["fromCache"]!.GetValue<bool>()); // a tenant's own repeat still hits
        Assert.False(other["fromCache"]!.GetValue<bool>());
        // The stranger paid for its own render: its usage shows the shot.
        var usage = await stranger.GetFromJsonAsync<JsonObject>("/v1/usage", TestContext.Current.CancellationToken);
        Assert.True(usage!["totals"]!["attempts"]!.GetValue<int>() >= 1, usage.ToJsonString());
        Assert.Contains("local", usage["groups"]!.ToJsonString(), StringComparison.Ordinal);
    }

    private static async Task<JsonObject> FinishedShotAsync(HttpClient client, string film)
    {
        using var accepted = await client.PostAsync("/v1/films", new StringContent(film, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        Assert.True(accepted.StatusCode == HttpStatusCode.Accepted, await accepted.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var id = (await accepted.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["id"]!.GetValue<string>();
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var job = (await client.GetFromJsonAsync<JsonObject>($"/v1/jobs/{id}", TestContext.Current.CancellationToken))!;
            var status = job["status"]!.GetValue<string>();
            if (status is "succeeded") return job["shots"]![0]!.AsObject();
            Assert.True(status is not ("failed" or "canceled"), job.ToJsonString());
            Assert.True(DateTime.UtcNow < deadline, $"job {id} did not finish: {job.ToJsonString()}");
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }
    }
}
