using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Ministudio.ServiceDefaults;
using Ministudio.TestSupport;

namespace Ministudio.EndToEnd.Tests;

/// <summary>
/// A service killed with SIGKILL under the AppHost is started again (ServiceSupervisor), and the platform goes on:
/// a film in flight when dispatch dies is taken over by the other replica once the dead one's lease goes silent;
/// films after render died render once it is back, instead of failing with render.unavailable until someone restarts it.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class ServiceRecoveryTests(PlatformFixture platform)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_dispatch_killed_mid_film_is_started_again_and_the_film_finishes()
    {
        var client = platform.GatewayClient(await platform.NewTenantKeyAsync(Ct));
        var jobId = await SubmitSampleAsync(client);
        // Shots in flight: dispatch holds them (leased, their messages unacknowledged).
        await Eventually.ValueAsync(async () => (await client.GetFromJsonAsync<JsonObject>($"/v1/jobs/{jobId}", Ct))!,
            job => job["status"]!.GetValue<string>() == "running" || job["status"]!.GetValue<string>() == "succeeded");

        var watch = Stopwatch.StartNew();
        var killed = await platform.KillAsync(ResourceNames.Dispatch, Ct);
        await platform.WaitUntilRestartedAsync(ResourceNames.Dispatch, killed, Ct);
        var restarted = watch.Elapsed;
        JsonObject job;
        try
        {
            (job, _) = await FilmApiTests.WaitForTerminalAsync(client, jobId);
        }
        catch (Xunit.Sdk.XunitException stuck)
        {
            throw new Xunit.Sdk.XunitException($"{stuck.Message}{Environment.NewLine}{await platform.LeasesOfAsync(jobId)}");
        }

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"R1 kill -9 dispatch: restarted after {restarted.TotalSeconds:F1} s, film {job["status"]} {watch.Elapsed.TotalSeconds:F1} s after the kill");
        Assert.True(job["status"]!.GetValue<string>() == "succeeded", job.ToJsonString());
    }

    [Fact]
    public async Task A_render_killed_is_started_again_and_the_next_film_renders()
    {
        var client = platform.GatewayClient(await platform.NewTenantKeyAsync(Ct));
        var watch = Stopwatch.StartNew();
        var killed = await platform.KillAsync(ResourceNames.Render, Ct);
        await platform.WaitUntilRestartedAsync(ResourceNames.Render, killed, Ct);
        var restarted = watch.Elapsed;

        var (job, _) = await FilmApiTests.WaitForTerminalAsync(client, await SubmitSampleAsync(client));

        TestContext.Current.TestOutputHelper?.WriteLine($"R1 kill -9 render: restarted after {restarted.TotalSeconds:F1} s; the next film {job["status"]}");
        Assert.True(job["status"]!.GetValue<string>() == "succeeded", job.ToJsonString());
    }

    private static async Task<Guid> SubmitSampleAsync(HttpClient client)
    {
        var spec = await File.ReadAllTextAsync(PlatformFixture.SampleFilm, Ct);
        var accepted = await client.PostAsync("/v1/films", new StringContent(spec, Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        return (await accepted.Content.ReadFromJsonAsync<JsonObject>(Ct))!["id"]!.GetValue<Guid>();
    }
}
