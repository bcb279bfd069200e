using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ministudio.Contracts;
using Ministudio.Prompt.Jobs;
using Ministudio.TestSupport;
using Npgsql;

namespace Ministudio.Prompt.Tests;

/// <summary>
/// The accept path of POST /v1/films and /v1/timelines: one batch stores the job (quota, job row, shots, outbox,
/// Idempotency-Key), and the 202's view is made from what was inserted instead of read back — so it must be exactly
/// what a read of the job shows.
/// </summary>
public sealed class AcceptedJobTests : IAsyncLifetime
{
    private PromptApp _app = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _app = await PromptApp.StartAsync();

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private async Task<HttpResponseMessage> PostAsync(string path, object body, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        return await _app.ClientFor(_app.Acme).SendAsync(request, Ct);
    }

    private static async Task<JsonNode> AcceptedBodyAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
    }

    private async Task<JsonNode> GetJobAsync(string id) =>
        JsonNode.Parse(await _app.ClientFor(_app.Acme).GetStringAsync($"/v1/jobs/{id}", Ct))!;

    /// <summary>The 202's body and a GET of the job, byte for byte as JSON (status, shots, warnings, timestamps, links).</summary>
    private async Task<JsonNode> AssertAcceptedIsWhatGetShowsAsync(HttpResponseMessage response)
    {
        var accepted = await AcceptedBodyAsync(response);
        var read = await GetJobAsync(accepted["id"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(accepted, read), $"202: {accepted.ToJsonString()}\nGET: {read.ToJsonString()}");
        return accepted;
    }

    private async Task<long> CountAsync(string sql, Guid jobId)
    {
        await using var connection = new NpgsqlConnection(_app.Database);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("job", jobId);
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_app.Database);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }

    private async Task PutAcmeOnPlanAsync(int concurrentJobs)
    {
        var admin = _app.AdminClient();
        Assert.Equal(HttpStatusCode.Created, (await admin.PutAsJsonAsync("/admin/v1/plans/limited", new { concurrentJobs }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/admin/v1/tenants/{_app.Acme}/plan", new { plan = "limited" }, Ct)).StatusCode);
    }

    /// <summary>The first shot of each continuity chain: what a started film queues at once.</summary>
    private static int ChainStarts(JsonNode job)
    {
        var chains = job["shots"]!.AsArray().Select(s => s!["chain"]!.GetValue<int>()).ToList();
        return chains.Where((chain, i) => i == 0 || chains[i - 1] != chain).Count();
    }

    [Fact]
    public async Task The_202_body_of_a_film_is_what_a_later_GET_of_the_job_shows()
    {
        var started = await AssertAcceptedIsWhatGetShowsAsync(await PostAsync("/v1/films", FilmSamples.ThreeShots()));
        Assert.Equal((JobStatus.Queued, 3), (started["status"]!.GetValue<string>(), started["shots"]!.AsArray().Count));

        // A film whose long shot is made in parts, and one throttled by the plan's quota: made from what was inserted too.
        var inParts = FilmSamples.ThreeShots() with
        {
            Provider = "veo",
            Shots = [FilmSamples.Shot("Mira climbs the spiral stairs", 3, camera: "push-in"), FilmSamples.Shot("The long watch", 20)],
        };
        Assert.True((await AssertAcceptedIsWhatGetShowsAsync(await PostAsync("/v1/films", inParts)))["shots"]!.AsArray().Count > 1);
        await PutAcmeOnPlanAsync(concurrentJobs: 2);
        var throttled = await AssertAcceptedIsWhatGetShowsAsync(await PostAsync("/v1/films", FilmSamples.ThreeShots()));
        Assert.Equal(JobStatus.Throttled, throttled["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_202_body_of_a_timeline_is_what_a_later_GET_of_the_job_shows()
    {
        var content = new ByteArrayContent([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. Enumerable.Range(0, 256).Select(i => (byte)i)]);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        var upload = await _app.ClientFor(_app.Acme).PostAsync("/v1/images", content, Ct);
        var image = (await upload.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("sha256").GetString()!;
        var timeline = new Timeline(new TimelineOutput(Quality: "draft"), [new TimelineTrack([new TimelineClip("image", 0, 2, image)])]);

        var started = await AssertAcceptedIsWhatGetShowsAsync(await PostAsync("/v1/timelines?title=Teaser", timeline));
        Assert.Equal((JobStatus.Running, JobStage.Composing), (started["status"]!.GetValue<string>(), started["stage"]!.GetValue<string>()));
        await _app.Harness.PublishedAsync<ComposeFilm>(m => m.JobId == started["id"]!.GetValue<Guid>());

        await PutAcmeOnPlanAsync(concurrentJobs: 1);
        var throttled = await AssertAcceptedIsWhatGetShowsAsync(await PostAsync("/v1/timelines?title=Later", timeline));
        Assert.Equal(JobStatus.Throttled, throttled["status"]!.GetValue<string>());
        var throttledId = throttled["id"]!.GetValue<Guid>();
        Assert.Equal(0, await CountAsync($"SELECT count(*) FROM outbox WHERE body->>'jobId' = @job::text", throttledId));
        Assert.DoesNotContain(_app.Harness.Published.Select<ComposeFilm>(Ct), m => m.Context.Message.JobId == throttledId);
    }

    [Fact]
    public async Task An_idempotent_replay_returns_the_same_job_and_stores_it_once()
    {
        var first = await AssertAcceptedIsWhatGetShowsAsync(await PostAsync("/v1/films", FilmSamples.ThreeShots(), key: "accept-1"));
        var replay = await PostAsync("/v1/films", FilmSamples.ThreeShots(), key: "accept-1");
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        var replayed = await AcceptedBodyAsync(replay);
        Assert.True(JsonNode.DeepEquals(first, replayed), $"first: {first.ToJsonString()}\nreplay: {replayed.ToJsonString()}");

        var jobId = first["id"]!.GetValue<Guid>();
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM jobs", jobId));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM idempotency_keys WHERE job_id = @job", jobId));
        await _app.Harness.PublishedAsync<RenderShot>(m => m.JobId == jobId, count: ChainStarts(first));
    }

    [Fact]
    public async Task A_started_film_queues_each_chain_start_exactly_once_and_a_throttled_one_nothing()
    {
        await PutAcmeOnPlanAsync(concurrentJobs: 1);
        var started = await AcceptedBodyAsync(await PostAsync("/v1/films", FilmSamples.ThreeShots()));
        var throttled = await AcceptedBodyAsync(await PostAsync("/v1/films", FilmSamples.ThreeShots()));
        var (startedId, throttledId) = (started["id"]!.GetValue<Guid>(), throttled["id"]!.GetValue<Guid>());
        Assert.Equal((JobStatus.Queued, JobStatus.Throttled), (started["status"]!.GetValue<string>(), throttled["status"]!.GetValue<string>()));

        var sent = await _app.Harness.PublishedAsync<RenderShot>(m => m.JobId == startedId, count: ChainStarts(started));
        Assert.Equal(sent.Count, sent.Select(m => m.ShotIndex).Distinct().Count());
        // The relay has published and deleted every row: none was written twice, none for the throttled job.
        await Eventually.ValueAsync(() => CountAsync("SELECT count(*) FROM outbox", startedId), count => count == 0);
        Assert.Equal(ChainStarts(started), _app.Harness.Published.Select<RenderShot>(Ct).Count(m => m.Context.Message.JobId == startedId));
        Assert.DoesNotContain(_app.Harness.Published.Select<RenderShot>(Ct), m => m.Context.Message.JobId == throttledId);
    }

    [Fact]
    public async Task A_submission_that_fails_part_way_leaves_nothing_behind()
    {
        // A shot row that cannot be stored: the job row and the quota's decision before it, and the outbox row and
        // the key after it, are one transaction (implicit without a key), so nothing of the film remains.
        await PutAcmeOnPlanAsync(concurrentJobs: 1);
        await ExecuteAsync(
            """
            CREATE FUNCTION refuse_shot() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF NEW.prompt LIKE '%refused%' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$;
            CREATE TRIGGER refuse_shot BEFORE INSERT ON shots FOR EACH ROW EXECUTE FUNCTION refuse_shot();
            """);
        var refused = FilmSamples.ThreeShots() with { Shots = [.. FilmSamples.ThreeShots().Shots!, FilmSamples.Shot("The refused lamp goes dark", 2)] };

        foreach (var key in new string?[] { null, "accept-2" })
        {
            var failed = await PostAsync("/v1/films", refused, key);
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        }
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM jobs WHERE tenant_id <> @job", Guid.Empty));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM shots WHERE job_id <> @job", Guid.Empty));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM idempotency_keys WHERE job_id <> @job", Guid.Empty));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM outbox WHERE message_type <> @job::text", Guid.Empty));
        Assert.Empty(_app.Harness.Published.Select<RenderShot>(Ct));

        // The failed films took no quota slot and the key no job: both are free for the next submission.
        await ExecuteAsync("DROP TRIGGER refuse_shot ON shots");
        var next = await PostAsync("/v1/films", refused, key: "accept-2");
        Assert.False(next.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(JobStatus.Queued, (await AcceptedBodyAsync(next))["status"]!.GetValue<string>());
    }
}
