using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MassTransit.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Ministudio.Contracts;
using Ministudio.Platform;
using Ministudio.Prompt.Jobs;
using Ministudio.ServiceDefaults;
using Ministudio.TestSupport;

namespace Ministudio.Prompt.Tests;

/// <summary>The prompt service against a real PostgreSQL database, with MassTransit's in-memory harness as the bus.</summary>
public sealed class PromptApiTests : IAsyncLifetime
{
    private PromptApp _app = null!;
    private Guid _acme;
    private Guid _globex;
    private ITestHarness _harness = null!;
    private WebApplicationFactory<Program> _factory = null!;

    public async ValueTask InitializeAsync()
    {
        _app = await PromptApp.StartAsync();
        (_acme, _globex, _harness, _factory) = (_app.Acme, _app.Globex, _app.Harness, _app.Factory);
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private HttpClient ClientFor(Guid tenant) => _app.ClientFor(tenant);

    [Fact]
    public async Task A_film_goes_from_accepted_through_rendering_and_composing_to_a_downloadable_video()
    {
        var client = ClientFor(_acme);
        var response = await client.PostAsJsonAsync("/v1/films", FilmSamples.ThreeShots(), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var job = (await response.Content.ReadFromJsonAsync<JobView>(JsonSerializerOptions.Web, TestContext.Current.CancellationToken))!;
        Assert.Equal($"/v1/jobs/{job.Id}", response.Headers.Location!.OriginalString);
        Assert.Equal(JobStatus.Queued, job.Status);
        Assert.Equal(3, job.Shots.Count);

        // The three shots form one continuity chain: only the first is queued at once, each next one when its
        // predecessor is done, starting on the predecessor's clip.
        var first = await _harness.PublishedAsync<RenderShot>(m => m.JobId == job.Id);
        Assert.Equal((0, _acme, (string?)null), (first.ShotIndex, first.TenantId, first.Request.FirstFrameClip));

        var clips = new[] { ClipHash('a'), ClipHash('b'), ClipHash('c') };
        await _harness.Bus.Publish(new ShotProgressed(job.Id, 0, 0.5, "drawing"), TestContext.Current.CancellationToken);
        var running = await WaitForJobAsync(client, job.Id, j => j.Shots[0].Progress >= 0.5);
        Assert.Equal(JobStatus.Running, running.Status);

        for (var i = 0; i < 3; i++)
        {
            await _harness.Bus.Publish(new ShotRendered(job.Id, i, clips[i], 3, FromCache: i == 1, "local"), TestContext.Current.CancellationToken);
            if (i == 2) break;
            var next = await _harness.PublishedAsync<RenderShot>(m => m.JobId == job.Id && m.ShotIndex == i + 1);
            Assert.Equal(clips[i], next.Request.FirstFrameClip);
            if (i > 0) continue;
            // A second report of a shot already done (dispatch answers a redelivered hit again) queues nothing more:
            // the outbox relays in order, so a second RenderShot of shot 1 would be counted below.
            await _harness.Bus.Publish(new ShotRendered(job.Id, 0, clips[0], 3, FromCache: true, "local"), TestContext.Current.CancellationToken);
            await WaitForAsync(() => _harness.Consumed.Select<ShotRendered>().Count(m => m.Context.Message.JobId == job.Id), n => n == 2);
        }
        Assert.Equal(3, _harness.Published.Select<RenderShot>(TestContext.Current.CancellationToken).Count(m => m.Context.Message.JobId == job.Id));

        var compose = await WaitForAsync(() => _harness.Published.Select<ComposeFilm>().Where(m => m.Context.Message.JobId == job.Id).ToList(), list => list.Count >= 1);
        Assert.Equal(clips, Assert.Single(compose).Context.Message.ClipHashes);
        // compose is told the film's aspect, not left to guess it from the clips' pixels.
        Assert.Equal(first.Request.AspectRatio, Assert.Single(compose).Context.Message.Aspect);
        var composing = await WaitForJobAsync(client, job.Id, j => j.Stage == JobStage.Composing);
        Assert.True(composing.Shots[1].FromCache);

        // The finished film must exist in the artifact store before the job can point at it.
        var store = _factory.Services.GetRequiredService<ArtifactStore>();
        var file = Path.Combine(store.CreateScratchFolder(), "film.mp4");
        await File.WriteAllTextAsync(file, "not really a film, but bytes to stream", TestContext.Current.CancellationToken);
        var filmHash = await store.AddFileAsync(file, TestContext.Current.CancellationToken);
        await _harness.Bus.Publish(new FilmComposed(job.Id, filmHash, 8), TestContext.Current.CancellationToken);

        var done = await WaitForJobAsync(client, job.Id, j => j.Status == JobStatus.Succeeded);
        Assert.Equal(1.0, done.Progress);
        Assert.Equal(filmHash, done.Video!.Sha256);
        var video = await client.GetAsync($"/v1/jobs/{job.Id}/video", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, video.StatusCode);
        Assert.Equal("video/mp4", video.Content.Headers.ContentType!.MediaType);
        Assert.Equal("not really a film, but bytes to stream", await video.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Another_tenant_sees_the_job_as_missing()
    {
        var response = await ClientFor(_acme).PostAsJsonAsync("/v1/films", FilmSamples.ThreeShots(), TestContext.Current.CancellationToken);
        var job = (await response.Content.ReadFromJsonAsync<JobView>(JsonSerializerOptions.Web, TestContext.Current.CancellationToken))!;

        var foreign = ClientFor(_globex);
        var asOther = await foreign.GetAsync($"/v1/jobs/{job.Id}", TestContext.Current.CancellationToken);
        var missing = await foreign.GetAsync($"/v1/jobs/{Guid.NewGuid()}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, asOther.StatusCode);
        Assert.Equal("job.not_found", await Problems.CodeOf(asOther));
        Assert.Equal(HttpStatusCode.NotFound, (await foreign.GetAsync($"/v1/jobs/{job.Id}/video", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task A_shot_failure_fails_the_job_with_its_code()
    {
        var client = ClientFor(_acme);
        var response = await client.PostAsJsonAsync("/v1/films", FilmSamples.ThreeShots(), TestContext.Current.CancellationToken);
        var job = (await response.Content.ReadFromJsonAsync<JobView>(JsonSerializerOptions.Web, TestContext.Current.CancellationToken))!;

        await _harness.Bus.Publish(new ShotFailed(job.Id, 1, "render.invalid_request", "width must be even", Retryable: false), TestContext.Current.CancellationToken);
        var failed = await WaitForJobAsync(client, job.Id, j => j.Status == JobStatus.Failed);
        Assert.Equal("render.invalid_request", failed.Error!.Code);
        Assert.Equal("render.invalid_request", failed.Shots[1].Error!.Code);

        var video = await client.GetAsync($"/v1/jobs/{job.Id}/video", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Conflict, video.StatusCode);
        Assert.Equal("job.video_not_ready", await Problems.CodeOf(video));
    }

    [Fact]
    public async Task A_canceled_job_stays_canceled_and_streams_its_end_as_server_sent_events()
    {
        var client = ClientFor(_acme);
        var response = await client.PostAsJsonAsync("/v1/films", FilmSamples.ThreeShots(), TestContext.Current.CancellationToken);
        var job = (await response.Content.ReadFromJsonAsync<JsonView>(JsonSerializerOptions.Web, TestContext.Current.CancellationToken))!;

        using var events = await client.GetAsync($"/v1/jobs/{job.Id}/events", HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        Assert.Equal("text/event-stream", events.Content.Headers.ContentType!.MediaType);
        var reading = ReadEventsAsync(await events.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.NotFound, (await ClientFor(_globex).PostAsync($"/v1/jobs/{job.Id}:cancel", null, TestContext.Current.CancellationToken)).StatusCode);
        var canceled = await client.PostAsync($"/v1/jobs/{job.Id}:cancel", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, canceled.StatusCode);
        Assert.Equal(job.Id, (await _harness.PublishedAsync<JobCanceled>(m => m.JobId == job.Id)).JobId);

        var seen = await reading.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Equal(JobStatus.Queued, seen[0].Status);
        Assert.Equal(JobStatus.Canceled, seen[^1].Status);
        Assert.All(seen[^1].Shots, shot => Assert.Equal(JobStatus.Canceled, shot.Status));

        // Late news from dispatch changes nothing, and a second cancel is refused.
        await _harness.Bus.Publish(new ShotRendered(job.Id, 0, ClipHash('d'), 3, false, "local"), TestContext.Current.CancellationToken);
        var again = await client.PostAsync($"/v1/jobs/{job.Id}:cancel", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("job.not_cancelable", await Problems.CodeOf(again));
        Assert.Equal(JobStatus.Canceled, (await client.GetFromJsonAsync<JobView>($"/v1/jobs/{job.Id}", JsonSerializerOptions.Web, TestContext.Current.CancellationToken))!.Status);
    }

    private sealed record JsonView(Guid Id);

    private static async Task<List<JobView>> ReadEventsAsync(Stream stream)
    {
        var seen = new List<JobView>();
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
                seen.Add(JsonSerializer.Deserialize<JobView>(line["data: ".Length..], JsonSerializerOptions.Web)!);
        }
        return seen;
    }

    [Fact]
    public async Task Malformed_json_is_a_coded_400_and_creates_no_job()
    {
        var client = ClientFor(_acme);
        var response = await client.PostAsync("/v1/films", new StringContent("{\"title\": \"x\", \"shots\": [", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("request.malformed_json", await Problems.CodeOf(response));
    }

    [Fact]
    public async Task Invalid_spec_names_the_field()
    {
        var response = await ClientFor(_acme).PostAsJsonAsync("/v1/films", FilmSamples.ThreeShots() with { AspectRatio = "4:3" }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("film.aspect_ratio_unsupported", problem.RootElement.GetProperty("code").GetString());
        Assert.Equal("aspectRatio", problem.RootElement.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    private static string ClipHash(char digit) => new(digit, 64);

    private static async Task<JobView> WaitForJobAsync(HttpClient client, Guid id, Func<JobView, bool> condition) =>
        await Eventually.ValueAsync(async () => (await client.GetFromJsonAsync<JobView>($"/v1/jobs/{id}", JsonSerializerOptions.Web))!, condition);

    private static Task<T> WaitForAsync<T>(Func<T> probe, Func<T, bool> condition) => Eventually.ValueAsync(() => Task.FromResult(probe()), condition);
}
