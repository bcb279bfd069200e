using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Ministudio.Contracts;
using Ministudio.Prompt.Jobs;
using Ministudio.TestSupport;

namespace Ministudio.Prompt.Tests;

/// <summary>POST /v1/timelines: a tenant's own uploads, clips and films composed as a timeline, run as a shotless job.</summary>
public sealed class TimelineApiTests : IAsyncLifetime
{
    private PromptApp _app = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _app = await PromptApp.StartAsync();

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private JobStateMachine Jobs => _app.Factory.Services.GetRequiredService<JobStateMachine>();

    /// <summary>An image with Ken Burns motion under a title, two seconds, draft quality.</summary>
    private static Timeline ImageWithTitle(string image, string quality = "draft") => new(
        new TimelineOutput(Quality: quality),
        [
            new TimelineTrack([new TimelineClip("image", 0, 2, image, Motion: new KenBurns("in", "right"))]),
            new TimelineTrack([new TimelineClip("title", 0, 2, Text: "Hello")]),
        ]);

    private static string RandomHash() => Convert.ToHexStringLower(Guid.NewGuid().ToByteArray().Concat(Guid.NewGuid().ToByteArray()).ToArray());

    private async Task<string> UploadImageAsync(Guid tenant)
    {
        var content = new ByteArrayContent([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. Enumerable.Range(0, 256).Select(i => (byte)i)]);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        var response = await _app.ClientFor(tenant).PostAsync("/v1/images", content, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("sha256").GetString()!;
    }

    private async Task<HttpResponseMessage> PostAsync(Guid tenant, object timeline, string? key = null, string query = "")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/timelines{query}") { Content = JsonContent.Create(timeline) };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        return await _app.ClientFor(tenant).SendAsync(request, Ct);
    }

    private static async Task<JobView> JobOf(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JobView>(JsonSerializerOptions.Web, Ct))!;
    }

    private static async Task<(string Code, List<(string Field, string Code)> Errors)> ValidationOf(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var errors = problem.RootElement.GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("field").GetString()!, e.GetProperty("code").GetString()!)).ToList();
        return (problem.RootElement.GetProperty("code").GetString()!, errors);
    }

    private static async Task<string> WithoutTraceIdAsync(HttpResponseMessage response)
    {
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!.AsObject();
        problem.Remove("traceId");
        return problem.ToJsonString();
    }

    [Fact]
    public async Task Invalid_timelines_answer_400_with_every_timeline_code()
    {
        var broken = new Timeline(new TimelineOutput(Quality: "ultra"),
            [new TimelineTrack([new TimelineClip("title", 0, 2, Text: "No picture"), new TimelineClip("image", 1, Asset: "not-a-hash")])]);
        var (code, errors) = await ValidationOf(await PostAsync(_app.Acme, broken));
        Assert.Equal("timeline.invalid_quality", code);
        Assert.Contains(("$.output.quality", "timeline.invalid_quality"), errors);
        Assert.Contains(("$.tracks[0].clips[1].asset", "timeline.invalid_asset"), errors);
        Assert.Contains(("$.tracks[0].clips[1].length", "timeline.missing_length"), errors);

        var malformed = await _app.ClientFor(_app.Acme).PostAsync("/v1/timelines", new StringContent("{\"output\": ", null, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("request.malformed_json", await Problems.CodeOf(malformed));
        Assert.Equal("timeline.missing", (await ValidationOf(await PostAsync(_app.Acme, new { }))).Code);
        Assert.Equal("timeline.invalid_title", (await ValidationOf(await PostAsync(_app.Acme, ImageWithTitle(RandomHash()), query: $"?title={new string('x', 201)}"))).Code);
    }

    [Fact]
    public async Task Another_tenants_upload_is_refused_exactly_like_a_hash_that_exists_nowhere()
    {
        var acmeImage = await UploadImageAsync(_app.Acme);

        var foreign = await PostAsync(_app.Globex, ImageWithTitle(acmeImage));
        var missing = await PostAsync(_app.Globex, ImageWithTitle(RandomHash()));
        var (code, errors) = await ValidationOf(foreign);
        Assert.Equal("timeline.asset_not_found", code);
        Assert.Equal([("$.tracks[0].clips[0].asset", "timeline.asset_not_found")], errors);
        // Byte for byte the same, but for the per-request trace id.
        Assert.Equal(await WithoutTraceIdAsync(missing), await WithoutTraceIdAsync(foreign));
        Assert.DoesNotContain(acmeImage, await foreign.Content.ReadAsStringAsync(Ct));

        Assert.Equal(JobStatus.Running, (await JobOf(await PostAsync(_app.Acme, ImageWithTitle(acmeImage)))).Status);
    }

    [Fact]
    public async Task Clips_and_finished_films_of_the_tenants_jobs_are_its_assets_too()
    {
        var film = await JobOf(await _app.ClientFor(_app.Acme).PostAsJsonAsync("/v1/films", FilmSamples.ThreeShots(), Ct));
        var (clip, finished) = (RandomHash(), RandomHash());
        await Jobs.RecordShotRenderedAsync(new ShotRendered(film.Id, 0, clip, 3, false, "local"), Ct);
        var timeline = new Timeline(new TimelineOutput(Quality: "draft"), [new TimelineTrack([new TimelineClip("video", 0, 2, clip)])]);
        var withFilm = timeline with { Tracks = [.. timeline.Tracks, new TimelineTrack([new TimelineClip("video", 0, 2, finished, Scale: 0.3)])] };

        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(_app.Acme, timeline)).StatusCode);
        Assert.Equal("timeline.asset_not_found", (await ValidationOf(await PostAsync(_app.Globex, timeline))).Code);
        Assert.Equal([("$.tracks[1].clips[0].asset", "timeline.asset_not_found")], (await ValidationOf(await PostAsync(_app.Acme, withFilm))).Errors);

        foreach (var shot in new[] { 1, 2 }) await Jobs.RecordShotRenderedAsync(new ShotRendered(film.Id, shot, RandomHash(), 3, false, "local"), Ct);
        await Jobs.RecordFilmComposedAsync(new FilmComposed(film.Id, finished, 9), Ct);
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(_app.Acme, withFilm)).StatusCode);
    }

    [Fact]
    public async Task A_timeline_job_has_no_shots_composes_the_timeline_and_finishes_like_a_film()
    {
        var image = await UploadImageAsync(_app.Acme);
        var timeline = ImageWithTitle(image);
        var response = await PostAsync(_app.Acme, timeline, query: "?title=Teaser");
        var job = await JobOf(response);
        Assert.Equal($"/v1/jobs/{job.Id}", response.Headers.Location!.OriginalString);
        Assert.Equal(("Teaser", JobStatus.Running, JobStage.Composing, 0.0), (job.Title, job.Status, job.Stage, job.Progress));
        Assert.Empty(job.Shots);

        await _app.Harness.PublishedAsync<ComposeFilm>(m => m.JobId == job.Id);
        var compose = _app.Harness.Published.Select<ComposeFilm>(Ct).Single(m => m.Context.Message.JobId == job.Id).Context.Message;
        Assert.Equal((timeline.Output.Aspect, 0), (compose.Aspect, compose.ClipHashes.Count));
        Assert.Equal(JsonSerializer.Serialize(timeline, JsonSerializerOptions.Web), JsonSerializer.Serialize(compose.Timeline, JsonSerializerOptions.Web));

        await Jobs.RecordComposeProgressAsync(new FilmComposeProgressed(job.Id, 0.5), Ct);
        var client = _app.ClientFor(_app.Acme);
        Assert.Equal(0.5, (await client.GetFromJsonAsync<JobView>($"/v1/jobs/{job.Id}", JsonSerializerOptions.Web, Ct))!.Progress);
        var notReady = await client.GetAsync($"/v1/jobs/{job.Id}/video", Ct);
        Assert.Equal("job.video_not_ready", await Problems.CodeOf(notReady));

        await Jobs.RecordFilmComposedAsync(new FilmComposed(job.Id, RandomHash(), 2), Ct);
        var done = (await client.GetFromJsonAsync<JobView>($"/v1/jobs/{job.Id}", JsonSerializerOptions.Web, Ct))!;
        Assert.Equal((JobStatus.Succeeded, 1.0, 2.0), (done.Status, done.Progress, done.Video!.DurationSeconds));
        // The event stream ends with the final state.
        var events = await client.GetStringAsync($"/v1/jobs/{job.Id}/events", Ct);
        Assert.Contains("\"status\":\"succeeded\"", events);

        var another = await JobOf(await PostAsync(_app.Acme, timeline));
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync($"/v1/jobs/{another.Id}:cancel", null, Ct)).StatusCode);
        Assert.Equal(JobStatus.Canceled, (await client.GetFromJsonAsync<JobView>($"/v1/jobs/{another.Id}", JsonSerializerOptions.Web, Ct))!.Status);
        await _app.Harness.PublishedAsync<JobCanceled>(m => m.JobId == another.Id);
    }

    [Fact]
    public async Task Idempotency_keys_replay_the_first_job_and_refuse_another_body()
    {
        var image = await UploadImageAsync(_app.Acme);
        var first = await PostAsync(_app.Acme, ImageWithTitle(image), "cut-1");
        var replay = await PostAsync(_app.Acme, ImageWithTitle(image), "cut-1");
        Assert.Equal((await JobOf(first)).Id, (await JobOf(replay)).Id);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());

        var reused = await PostAsync(_app.Acme, ImageWithTitle(image, "standard"), "cut-1");
        Assert.Equal(HttpStatusCode.Conflict, reused.StatusCode);
        Assert.Equal("idempotency.key_reused", await Problems.CodeOf(reused));
        var retitled = await PostAsync(_app.Acme, ImageWithTitle(image), "cut-1", "?title=Other");
        Assert.Equal("idempotency.key_reused", await Problems.CodeOf(retitled));
        Assert.Single(_app.Harness.Published.Select<ComposeFilm>(Ct));
    }

    [Fact]
    public async Task A_timeline_beyond_the_quota_is_throttled_and_composes_when_a_slot_frees()
    {
        var admin = _app.AdminClient();
        Assert.Equal(HttpStatusCode.Created, (await admin.PutAsJsonAsync("/admin/v1/plans/solo", new { concurrentJobs = 1 }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/admin/v1/tenants/{_app.Acme}/plan", new { plan = "solo" }, Ct)).StatusCode);
        var client = _app.ClientFor(_app.Acme);
        var film = await JobOf(await client.PostAsJsonAsync("/v1/films", FilmSamples.ThreeShots(), Ct));
        var image = await UploadImageAsync(_app.Acme);

        var waiting = await JobOf(await PostAsync(_app.Acme, ImageWithTitle(image)));
        Assert.Equal((JobStatus.Throttled, JobStage.Composing), (waiting.Status, waiting.Stage));
        await _app.Harness.PublishedAsync<RenderShot>(m => m.JobId == film.Id);
        Assert.False(await _app.Harness.Published.Any<ComposeFilm>(m => m.Context.Message.JobId == waiting.Id, Ct));

        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync($"/v1/jobs/{film.Id}:cancel", null, Ct)).StatusCode);
        await _app.Harness.PublishedAsync<ComposeFilm>(m => m.JobId == waiting.Id && m.Timeline != null);
        Assert.Equal(JobStatus.Running, (await client.GetFromJsonAsync<JobView>($"/v1/jobs/{waiting.Id}", JsonSerializerOptions.Web, Ct))!.Status);
        await Jobs.RecordFilmComposedAsync(new FilmComposed(waiting.Id, RandomHash(), 2), Ct);
        Assert.Equal(JobStatus.Succeeded, (await client.GetFromJsonAsync<JobView>($"/v1/jobs/{waiting.Id}", JsonSerializerOptions.Web, Ct))!.Status);
    }
}
