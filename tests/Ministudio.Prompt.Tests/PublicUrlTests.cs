using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Ministudio.Contracts;
using Ministudio.Platform;
using Ministudio.Prompt.Jobs;
using Ministudio.ServiceDefaults;
using Ministudio.TestSupport;

namespace Ministudio.Prompt.Tests;

/// <summary>
/// Every URL the API returns starts at the public address: the configured one, else the address the client called
/// as the gateway forwards it; never prompt's own, and never a host nobody but the gateway vouched for.
/// </summary>
public sealed class PublicUrlTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task With_a_public_address_configured_locations_videos_and_deliverables_start_there()
    {
        await using var app = await PromptApp.StartAsync(new Dictionary<string, string> { [PublicUrlOptions.BaseUrlKey] = "https://studio.example/" });
        var client = app.ClientFor(app.Acme);
        var film = FilmSamples.ThreeShots();
        var accepted = await client.PostAsJsonAsync("/v1/films", film, Ct);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var job = (await accepted.Content.ReadFromJsonAsync<JobView>(JsonSerializerOptions.Web, Ct))!;
        Assert.Equal($"https://studio.example/v1/jobs/{job.Id}", accepted.Headers.Location!.OriginalString);

        var store = app.Factory.Services.GetRequiredService<ArtifactStore>();
        Task<string> StoreAsync(string content) => store.AddTextAsync(content, ct: Ct);
        for (var i = 0; i < film.Shots!.Count; i++)
            await app.Harness.Bus.Publish(new ShotRendered(job.Id, i, await StoreAsync($"clip {i} of {job.Id}"), film.Shots[i].DurationSeconds, false, "local"), Ct);
        await app.Harness.PublishedAsync<ComposeFilm>(m => m.JobId == job.Id);
        var poster = new FilmDeliverable("poster.jpg", await StoreAsync("a poster"), "image/jpeg");
        await app.Harness.Bus.Publish(new FilmComposed(job.Id, await StoreAsync("the film"), 9, Deliverables: [poster]), Ct);
        var done = await Eventually.ValueAsync(async () => (await client.GetFromJsonAsync<JobView>($"/v1/jobs/{job.Id}", JsonSerializerOptions.Web, Ct))!,
            j => j.Status == JobStatus.Succeeded);

        Assert.Equal($"https://studio.example/v1/jobs/{job.Id}/video", done.Video!.Url);
        Assert.Equal(5, done.Deliverables!.Count); // the film, the poster, three clips
        Assert.All(done.Deliverables, d => Assert.Equal($"https://studio.example/v1/jobs/{job.Id}/{d.Name}", d.Url));

        var character = await client.PostAsJsonAsync("/v1/characters", FilmSamples.Mira, Ct);
        Assert.StartsWith("https://studio.example/v1/characters/", character.Headers.Location!.OriginalString);
    }

    public static TheoryData<string, string, string?, string> Forwarded => new()
    {
        // proto, host, prefix → the public address the answer uses ("" for a bare path)
        { "https", "api.tenant.example:8443", null, "https://api.tenant.example:8443" },
        { "http", "localhost:5100", "/ministudio/", "http://localhost:5100/ministudio" },
        { "https", "[::1]:8443", null, "https://[::1]:8443" },
        { "https", "user@evil.example", null, "" },
        { "https", "evil.example/phish?x=", null, "" },
        { "javascript", "evil.example", null, "" },
        { "https", "studio.example", "/a?b", "https://studio.example" },
    };

    [Theory]
    [MemberData(nameof(Forwarded))]
    public async Task Without_one_answers_use_the_address_the_client_called_as_the_gateway_forwarded_it(string proto, string host, string? prefix, string expected)
    {
        await using var app = await PromptApp.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/films") { Content = JsonContent.Create(FilmSamples.ThreeShots(), options: JsonSerializerOptions.Web) };
        request.Headers.Add("X-Forwarded-Proto", proto);
        request.Headers.Add("X-Forwarded-Host", host);
        if (prefix is not null) request.Headers.Add("X-Forwarded-Prefix", prefix);
        var accepted = await app.ClientFor(app.Acme).SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var job = (await accepted.Content.ReadFromJsonAsync<JobView>(JsonSerializerOptions.Web, Ct))!;
        Assert.Equal($"{expected}/v1/jobs/{job.Id}", accepted.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Forwarded_headers_count_only_from_the_gateway()
    {
        await using var app = await PromptApp.StartAsync();
        using var client = app.Factory.CreateDefaultClient(TrustedCalls.Handler(app.Acme, service: ResourceNames.Mcp));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/films") { Content = JsonContent.Create(FilmSamples.ThreeShots(), options: JsonSerializerOptions.Web) };
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-Host", "evil.example");
        var accepted = await client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.StartsWith("/v1/jobs/", accepted.Headers.Location!.OriginalString);
    }
}
