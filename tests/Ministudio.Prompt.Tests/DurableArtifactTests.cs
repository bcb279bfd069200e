using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Ministudio.Contracts;
using Ministudio.Platform;
using Ministudio.Prompt.Jobs;
using Ministudio.ServiceDefaults;
using Ministudio.TestSupport;

namespace Ministudio.Prompt.Tests;

/// <summary>Films kept on the S3 backend and served from it; retention per plan; the store's outage code on a job.</summary>
public sealed class DurableArtifactTests : IAsyncDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ministudio-durable-tests").FullName;
    private PromptApp? _app;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    /// <summary>A store like another service's (render, compose): its own local folder, the app's backend.</summary>
    private ArtifactStore OtherService(string name, bool s3) =>
        s3 ? new ArtifactStore(TestS3.Options(Path.Combine(_root, name))) : _app!.Factory.Services.GetRequiredService<ArtifactStore>();

    private static Task<string> StoreAsync(ArtifactStore store, string name, string content) => store.AddTextAsync(content, name, Ct);

    /// <summary>Submits a film, reports its shots rendered with clips stored by "render"; returns the job and its clips.</summary>
    private async Task<(Guid Job, string[] Clips)> RenderAsync(Guid tenant, ArtifactStore render)
    {
        var film = FilmSamples.ThreeShots();
        var response = await _app!.ClientFor(tenant).PostAsJsonAsync("/v1/films", film, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var job = (await response.Content.ReadFromJsonAsync<JobView>(JsonSerializerOptions.Web, Ct))!.Id;
        var clips = new string[film.Shots!.Count];
        for (var i = 0; i < clips.Length; i++)
        {
            clips[i] = await StoreAsync(render, $"shot-{i}.mp4", $"clip {i} of {job}");
            await _app.Harness.Bus.Publish(new ShotRendered(job, i, clips[i], film.Shots[i].DurationSeconds, false, "local"), Ct);
        }
        await _app.Harness.PublishedAsync<ComposeFilm>(m => m.JobId == job);
        return (job, clips);
    }

    private async Task<JobView> JobAsync(Guid tenant, Guid job, Func<JobView, bool> until) =>
        await Eventually.ValueAsync(async () => (await _app!.ClientFor(tenant).GetFromJsonAsync<JobView>($"/v1/jobs/{job}", JsonSerializerOptions.Web, Ct))!, until);

    [Fact]
    public async Task A_film_made_with_the_S3_backend_is_stored_in_the_bucket_and_served_from_it_with_ranges()
    {
        _app = await PromptApp.StartAsync(TestS3.Settings());
        using var render = OtherService("render", s3: true);
        using var compose = OtherService("compose", s3: true);
        var (job, _) = await RenderAsync(_app.Acme, render);
        var bytes = new byte[200_000];
        Random.Shared.NextBytes(bytes);
        var filmPath = Path.Combine(compose.CreateScratchFolder(), "film.mp4");
        await File.WriteAllBytesAsync(filmPath, bytes, Ct);
        var film = await compose.AddFileAsync(filmPath, Ct);
        await _app.Harness.Bus.Publish(new FilmComposed(job, film, 9, Deliverables: []), Ct);
        await JobAsync(_app.Acme, job, j => j.Status == JobStatus.Succeeded);

        // prompt's own folder never holds the film: it is read from the bucket as it is sent.
        var client = _app.ClientFor(_app.Acme);
        Assert.Equal(bytes, await client.GetByteArrayAsync($"/v1/jobs/{job}/video", Ct));
        using var range = new HttpRequestMessage(HttpMethod.Get, $"/v1/jobs/{job}/video") { Headers = { Range = new RangeHeaderValue(150_000, 150_099) } };
        var partial = await client.SendAsync(range, Ct);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(bytes[150_000..150_100], await partial.Content.ReadAsByteArrayAsync(Ct));
        var prompt = _app.Factory.Services.GetRequiredService<ArtifactStore>();
        Assert.Empty(Directory.EnumerateFiles(prompt.Root, film, SearchOption.AllDirectories));
        Assert.True(await new ArtifactStore(TestS3.Options(Path.Combine(_root, "anyone"))).ContainsAsync(film, Ct));

        // The bucket losing the film (an operator, a lifecycle rule) is the coded answer, not a 500.
        Assert.True(await compose.DeleteAsync(film, Ct));
        var gone = await client.GetAsync($"/v1/jobs/{job}/video", Ct);
        Assert.Equal("job.video_missing", await Problems.CodeOf(gone));
    }

    [Fact]
    public async Task A_store_outage_fails_the_job_with_a_retryable_code_and_the_same_film_succeeds_when_submitted_again()
    {
        _app = await PromptApp.StartAsync();
        var store = OtherService("local", s3: false);
        var (job, _) = await RenderAsync(_app.Acme, store);
        await _app.Harness.Bus.Publish(new FilmComposeFailed(job, ArtifactStoreUnavailableException.Code, "The artifact store could not store …: connection refused"), Ct);
        var failed = await JobAsync(_app.Acme, job, j => j.Status == JobStatus.Failed);
        Assert.Equal((ArtifactStoreUnavailableException.Code, true), (failed.Error!.Code, failed.Error.Retryable));
        Assert.Null(failed.Video);

        var (again, _) = await RenderAsync(_app.Acme, store);
        await _app.Harness.Bus.Publish(new FilmComposed(again, await StoreAsync(store, "film.mp4", "the whole film"), 9, Deliverables: []), Ct);
        Assert.Equal(JobStatus.Succeeded, (await JobAsync(_app.Acme, again, j => j.Status == JobStatus.Succeeded)).Status);
    }

    [Fact]
    public async Task A_store_outage_as_prompt_writes_the_films_manifest_fails_the_job_retryably_instead_of_leaving_it_running()
    {
        await using var s3 = await S3rverProcess.StartAsync();
        _app = await PromptApp.StartAsync(new Dictionary<string, string>(TestS3.Settings(s3.Endpoint)) { ["Provenance:Key"] = "provenance-key-for-tests-0123456789abcdef" });
        using var render = new ArtifactStore(TestS3.Options(Path.Combine(_root, "render"), s3.Endpoint));
        var (job, _) = await RenderAsync(_app.Acme, render);
        var film = await StoreAsync(render, "film.mp4", "the whole film");

        // The store goes away after compose stored the film, before prompt stores the film's provenance manifest.
        await s3.StopAsync();
        await _app.Harness.Bus.Publish(new FilmComposed(job, film, 9, Deliverables: []), Ct);
        var failed = await JobAsync(_app.Acme, job, j => j.Status != JobStatus.Running);
        Assert.Equal((JobStatus.Failed, ArtifactStoreUnavailableException.Code, true), (failed.Status, failed.Error?.Code, failed.Error?.Retryable));
        Assert.Null(failed.Video);
    }

    [Fact]
    public async Task Films_composed_during_a_store_outage_fail_retryably_even_with_more_films_than_pooled_connections()
    {
        // Each report used to hold a pooled connection while it waited for the store, then open a second one to fail
        // the job: with more reports at once than connections, every holder waited for a connection nobody returned.
        const int pool = 2, films = 6;
        await using var s3 = await S3rverProcess.StartAsync();
        _app = await PromptApp.StartAsync(
            new Dictionary<string, string>(TestS3.Settings(s3.Endpoint))
            {
                ["Provenance:Key"] = "provenance-key-for-tests-0123456789abcdef",
                [$"{PostgresPoolOptions.Section}:{nameof(PostgresPoolOptions.MaxSize)}"] = $"{pool}",
            },
            // Every report handled at once, whatever the machine's core count: more handlers than connections.
            bus => bus.AddConfigureEndpointsCallback((_, endpoint) =>
            {
                endpoint.PrefetchCount = 2 * films;
                endpoint.ConcurrentMessageLimit = 2 * films;
            }));
        using var render = new ArtifactStore(TestS3.Options(Path.Combine(_root, "render"), s3.Endpoint));
        var composed = new List<FilmComposed>();
        for (var i = 0; i < films; i++)
        {
            var (job, _) = await RenderAsync(_app.Acme, render);
            composed.Add(new FilmComposed(job, await StoreAsync(render, $"film-{i}.mp4", $"the whole film {i}"), 9, Deliverables: []));
        }

        await s3.StopAsync();
        await Task.WhenAll(composed.Select(c => _app.Harness.Bus.Publish(c, Ct)));
        foreach (var c in composed)
        {
            // Bounded (Eventually's limit, and Npgsql's pool timeout on the API's own reads): a hung pool fails here.
            var failed = await JobAsync(_app.Acme, c.JobId, j => j.Status != JobStatus.Running);
            Assert.Equal((JobStatus.Failed, ArtifactStoreUnavailableException.Code, true), (failed.Status, failed.Error?.Code, failed.Error?.Retryable));
            Assert.Null(failed.Video);
        }

        // No connection was kept: with the store back, the next film succeeds with its manifest.
        await s3.StartAgainAsync();
        var (again, _) = await RenderAsync(_app.Acme, render);
        await _app.Harness.Bus.Publish(new FilmComposed(again, await StoreAsync(render, "film-again.mp4", "the film again"), 9, Deliverables: []), Ct);
        var succeeded = await JobAsync(_app.Acme, again, j => j.Status != JobStatus.Running);
        Assert.Equal(JobStatus.Succeeded, succeeded.Status);
        Assert.Contains(succeeded.Deliverables!, d => d.Name == ProvenanceManifests.ManifestName);
    }

    [Fact]
    public async Task With_retention_of_0_days_a_finished_films_artifacts_are_swept_and_those_a_running_job_names_are_kept()
    {
        _app = await PromptApp.StartAsync();
        var store = OtherService("local", s3: false);
        var admin = _app.AdminClient();
        Assert.Equal(HttpStatusCode.Created, (await admin.PutAsJsonAsync("/admin/v1/plans/ephemeral", new { retentionDays = 0 }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/admin/v1/tenants/{_app.Acme}/plan", new { plan = "ephemeral" }, Ct)).StatusCode);
        var plans = await admin.GetFromJsonAsync<JsonElement>("/admin/v1/plans", Ct);
        Assert.Contains(plans.EnumerateArray(), p => p.GetProperty("name").GetString() == "ephemeral" && p.GetProperty("retentionDays").GetInt32() == 0);

        // Finished: its film, poster and clips are held by nothing once the 0 days are over.
        var (done, doneClips) = await RenderAsync(_app.Acme, store);
        var film = await StoreAsync(store, "film.mp4", $"film of {done}");
        var poster = await StoreAsync(store, "poster.jpg", $"poster of {done}");
        await _app.Harness.Bus.Publish(new FilmComposed(done, film, 9, Deliverables: [new FilmDeliverable("poster.jpg", poster, "image/jpeg")]), Ct);
        await JobAsync(_app.Acme, done, j => j.Status == JobStatus.Succeeded);
        // Still running (composing): its clips are referenced, whatever the retention.
        var (running, runningClips) = await RenderAsync(_app.Acme, store);
        // Globex is on no plan: its finished film is kept for good.
        var (kept, _) = await RenderAsync(_app.Globex, store);
        var keptFilm = await StoreAsync(store, "film.mp4", $"film of {kept}");
        await _app.Harness.Bus.Publish(new FilmComposed(kept, keptFilm, 9, Deliverables: []), Ct);
        await JobAsync(_app.Globex, kept, j => j.Status == JobStatus.Succeeded);

        var swept = await _app.Factory.Services.GetRequiredService<ArtifactRetention>().SweepAsync(Ct);

        Assert.True(swept >= 5, $"swept {swept}");
        foreach (var hash in doneClips.Append(film).Append(poster)) Assert.False(await store.ContainsAsync(hash, Ct), $"{hash} outlived its retention");
        foreach (var hash in runningClips.Append(keptFilm)) Assert.True(await store.ContainsAsync(hash, Ct), $"{hash} was swept while held");
        var client = _app.ClientFor(_app.Acme);
        Assert.Equal("job.video_missing", await Problems.CodeOf(await client.GetAsync($"/v1/jobs/{done}/video", Ct)));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/v1/jobs/{running}/shots/0/video", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_signed_artifact_url_serves_its_artifact_until_it_expires_and_nothing_else()
    {
        _app = await PromptApp.StartAsync(new Dictionary<string, string> { [PublicUrlOptions.BaseUrlKey] = "https://studio.example" });
        var store = OtherService("local", s3: false);
        var frame = await StoreAsync(store, "frame.png", "a keyframe");
        var urls = _app.Factory.Services.GetRequiredService<ArtifactUrls>();
        var signed = urls.For(frame, "image/png");
        Assert.StartsWith($"https://studio.example/artifacts/{frame}?", signed.ToString());
        var client = _app.ServiceClient();

        var ok = await client.GetAsync(signed.PathAndQuery, Ct);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("image/png", ok.Content.Headers.ContentType!.MediaType);
        Assert.Equal("a keyframe", await ok.Content.ReadAsStringAsync(Ct));

        // Another artifact, another type or a forged signature under the same signature: refused alike.
        var other = await StoreAsync(store, "other.png", "someone else's file");
        foreach (var tampered in new[]
        {
            signed.PathAndQuery.Replace(frame, other),
            signed.PathAndQuery.Replace("image%2Fpng", "text%2Fhtml"),
            signed.PathAndQuery[..^4] + "AAAA",
            $"/artifacts/{frame}",
        })
        {
            var refused = await client.GetAsync(tampered, Ct);
            Assert.Equal((HttpStatusCode.Forbidden, "artifact.url_invalid"), (refused.StatusCode, await Problems.CodeOf(refused)));
        }

        // Signed two hours ago, with the default lifetime of one: expired.
        var trust = _app.Factory.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Platform.Trust.ServiceTrustOptions>>();
        var options = _app.Factory.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ArtifactOptions>>();
        var old = new ArtifactUrls(options, trust, _app.Factory.Services.GetRequiredService<PublicUrls>(), new ShiftedTime(TimeSpan.FromHours(-2))).For(frame, "image/png");
        var expired = await client.GetAsync(old.PathAndQuery, Ct);
        Assert.Equal((HttpStatusCode.Forbidden, "artifact.url_expired"), (expired.StatusCode, await Problems.CodeOf(expired)));

        Assert.True(await store.DeleteAsync(frame, Ct));
        var gone = await client.GetAsync(signed.PathAndQuery, Ct);
        Assert.Equal((HttpStatusCode.NotFound, "artifact.not_found"), (gone.StatusCode, await Problems.CodeOf(gone)));
    }

    private sealed class ShiftedTime(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
    }
}
