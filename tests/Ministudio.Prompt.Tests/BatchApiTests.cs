using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Ministudio.Contracts;
using Ministudio.TestSupport;
using Npgsql;
using static Ministudio.Prompt.Tests.BatchTestSupport;

namespace Ministudio.Prompt.Tests;

/// <summary>POST /v1/batches and the batch views, with admission driven by the tests (see <see cref="BatchTestSupport.Settings"/>).</summary>
public sealed class BatchApiTests : IAsyncLifetime
{
    private PromptApp _app = null!;

    public async ValueTask InitializeAsync() => _app = await PromptApp.StartAsync(Settings(maxActiveJobsPerTenant: 2));

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    /// <summary>
    /// Line 2 is blank, 3 has an unsupported aspect ratio, 4 is not JSON, 5 is a template with a missing value; 1, 6
    /// and 7 (a template) are valid.
    /// </summary>
    private static string MixedBody() => Lines(
        Film("Good one"),
        "   ",
        Film("Square-ish", aspectRatio: "4:3"),
        "{not json",
        """{"template": "square-post", "values": {}}""",
        Film("Good two"),
        """{"template": "square-post", "values": {"subject": "a teapot"}}""");

    [Fact]
    public async Task Invalid_lines_reject_the_whole_batch_by_default_naming_each_line_and_storing_nothing()
    {
        var response = await PostAsync(_app, _app.Acme, MixedBody());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!;
        Assert.Equal("batch.lines_invalid", problem["code"]!.GetValue<string>());
        var lines = problem["lines"]!.AsArray();
        Assert.Equal([3, 4, 5], lines.Select(l => l!["line"]!.GetValue<int>()));
        Assert.Equal("aspectRatio", lines[0]!["errors"]![0]!["field"]!.GetValue<string>());
        Assert.Equal("film.aspect_ratio_unsupported", lines[0]!["errors"]![0]!["code"]!.GetValue<string>());
        Assert.Equal("request.malformed_json", lines[1]!["errors"]![0]!["code"]!.GetValue<string>());
        Assert.Equal("template.value_missing", lines[2]!["errors"]![0]!["code"]!.GetValue<string>());
        Assert.Equal(0, await CountAsync(_app, "SELECT count(*) FROM batches"));
        Assert.Equal(0, await CountAsync(_app, "SELECT count(*) FROM batch_items"));
    }

    [Fact]
    public async Task Skip_runs_the_valid_lines_and_reports_the_invalid_ones()
    {
        var response = await PostAsync(_app, _app.Acme, MixedBody(), query: "?onInvalid=skip");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = (await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!;
        var batchId = accepted["batch"]!["id"]!.GetValue<Guid>();
        Assert.Equal($"/v1/batches/{batchId}", response.Headers.Location!.OriginalString);
        Assert.Equal("running", accepted["batch"]!["status"]!.GetValue<string>());
        Assert.Equal("skip", accepted["batch"]!["onInvalid"]!.GetValue<string>());
        Assert.Equal((3, 3, 0, 0, 0, 0, 3), Counts(accepted["batch"]!.AsObject()));
        Assert.Equal([3, 4, 5], accepted["skipped"]!.AsArray().Select(l => l!["line"]!.GetValue<int>()));
        Assert.Equal("film.aspect_ratio_unsupported", accepted["skipped"]![0]!["errors"]![0]!["code"]!.GetValue<string>());

        Assert.Equal(2, await Admission(_app).AdmitAsync(TestContext.Current.CancellationToken));
        var results = await ResultsAsync(_app, _app.Acme, batchId);
        Assert.Equal([1, 3, 4, 5, 6, 7], results.Select(r => r["line"]!.GetValue<int>()));
        Assert.Equal(["queued", "invalid", "invalid", "invalid", "queued", "queued"], results.Select(r => r["status"]!.GetValue<string>()));
        Assert.Equal("film.aspect_ratio_unsupported", results[1]["errorCode"]!.GetValue<string>());
        Assert.False(results[1]["retryable"]!.GetValue<bool>());
        // Two admitted (the tenant's limit), in line order; the template line waits.
        Assert.Equal([true, false, false, false, true, false], results.Select(r => r["jobId"] is not null));

        // The template line, once admitted, is the film its template makes.
        var jobs = await JobsOfAsync(_app, batchId);
        foreach (var line in new[] { 1, 6 }) await SucceedAsync(_app, jobs[line]!.Value);
        Assert.Equal(1, await Admission(_app).AdmitAsync(TestContext.Current.CancellationToken));
        var templated = (await _app.ClientFor(_app.Acme).GetFromJsonAsync<JsonObject>($"/v1/jobs/{(await JobsOfAsync(_app, batchId))[7]}", TestContext.Current.CancellationToken))!;
        Assert.Equal("Post: a teapot", templated["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_batch_with_no_valid_line_is_refused_even_when_skipping()
    {
        var response = await PostAsync(_app, _app.Acme, Lines("{not json", Film("", aspectRatio: "4:3")), query: "?onInvalid=skip");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("batch.lines_invalid", await Problems.CodeOf(response));
        Assert.Equal(0, await CountAsync(_app, "SELECT count(*) FROM batches"));
    }

    [Theory]
    [InlineData("", "application/x-ndjson", HttpStatusCode.BadRequest, "batch.empty")]
    [InlineData("ok", "application/json", HttpStatusCode.UnsupportedMediaType, "batch.content_type_unsupported")]
    [InlineData("ok", "application/jsonl", HttpStatusCode.Accepted, null)]
    public async Task Bodies_and_content_types(string body, string contentType, HttpStatusCode status, string? code)
    {
        var response = await PostAsync(_app, _app.Acme, body == "ok" ? FilmLines(1) : body, contentType: contentType);
        Assert.Equal(status, response.StatusCode);
        if (code is not null) Assert.Equal(code, await Problems.CodeOf(response));
    }

    [Fact]
    public async Task An_unknown_onInvalid_is_refused()
    {
        var response = await PostAsync(_app, _app.Acme, FilmLines(1), query: "?onInvalid=ignore");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("batch.on_invalid_unsupported", await Problems.CodeOf(response));
    }

    [Fact]
    public async Task Ten_thousand_lines_are_accepted_and_one_more_is_413()
    {
        var over = await PostAsync(_app, _app.Acme, FilmLines(10_001));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, over.StatusCode);
        Assert.Equal("application/problem+json", over.Content.Headers.ContentType?.MediaType);
        Assert.Equal("batch.too_many_lines", await Problems.CodeOf(over));
        Assert.Equal(0, await CountAsync(_app, "SELECT count(*) FROM batches"));

        var full = await PostAsync(_app, _app.Acme, FilmLines(10_000));
        Assert.Equal(HttpStatusCode.Accepted, full.StatusCode);
        Assert.Equal(10_000, await CountAsync(_app, "SELECT count(*) FROM batch_items WHERE status = 'pending'"));
    }

    [Fact]
    public async Task A_body_over_the_byte_cap_is_413()
    {
        // 3 MiB cap (Settings); long titles make the body larger than that within the line limit.
        var body = Lines(Enumerable.Range(0, 2000).Select(i => Film($"Film {i} {new string('x', 190)}") + new string(' ', 1500)).ToArray());
        var response = await PostAsync(_app, _app.Acme, body);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("batch.too_large", await Problems.CodeOf(response));
    }

    [Fact]
    public async Task The_same_key_and_body_replay_the_batch_and_anything_else_under_the_key_is_a_conflict()
    {
        var first = await PostAsync(_app, _app.Acme, MixedBody(), query: "?onInvalid=skip", key: "nightly-1");
        var replay = await PostAsync(_app, _app.Acme, MixedBody(), query: "?onInvalid=skip", key: "nightly-1");

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (first.StatusCode, replay.StatusCode));
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        var replayed = (await replay.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!;
        Assert.Equal(await BatchIdOf(first), replayed["batch"]!["id"]!.GetValue<Guid>());
        Assert.Equal(3, replayed["skipped"]!.AsArray().Count);
        Assert.Equal(1, await CountAsync(_app, "SELECT count(*) FROM batches"));

        var otherBody = await PostAsync(_app, _app.Acme, FilmLines(2), query: "?onInvalid=skip", key: "nightly-1");
        Assert.Equal(HttpStatusCode.Conflict, otherBody.StatusCode);
        Assert.Equal("idempotency.key_reused", await Problems.CodeOf(otherBody));
        // The option changes the request's meaning, so it is part of what the key stands for.
        var otherOption = await PostAsync(_app, _app.Acme, MixedBody(), query: "?onInvalid=reject", key: "nightly-1");
        Assert.Equal(HttpStatusCode.BadRequest, otherOption.StatusCode);
        var sameLinesRejected = await PostAsync(_app, _app.Acme, FilmLines(2), key: "nightly-1");
        Assert.Equal("idempotency.key_reused", await Problems.CodeOf(sameLinesRejected));
        Assert.Equal(1, await CountAsync(_app, "SELECT count(*) FROM batches"));

        // A film key of the same name is another key.
        using var film = new HttpRequestMessage(HttpMethod.Post, "/v1/films") { Content = JsonContent.Create(FilmSamples.ThreeShots()) };
        film.Headers.Add("Idempotency-Key", "nightly-1");
        Assert.Equal(HttpStatusCode.Accepted, (await _app.ClientFor(_app.Acme).SendAsync(film, TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task A_key_in_use_by_a_batch_in_progress_is_a_conflict()
    {
        await using var connection = new NpgsqlConnection(_app.Database);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(TestContext.Current.CancellationToken);
        await using (var hold = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended(@tenant::text || '/batches/' || @key, 0))", connection, transaction))
        {
            hold.Parameters.AddWithValue("tenant", _app.Acme);
            hold.Parameters.AddWithValue("key", "nightly-2");
            await hold.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        var busy = await PostAsync(_app, _app.Acme, FilmLines(2), key: "nightly-2");
        Assert.Equal(HttpStatusCode.Conflict, busy.StatusCode);
        Assert.Equal("idempotency.in_flight", await Problems.CodeOf(busy));

        await transaction.RollbackAsync(TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(_app, _app.Acme, FilmLines(2), key: "nightly-2")).StatusCode);
    }

    [Fact]
    public async Task Another_tenants_batch_answers_exactly_like_a_missing_one()
    {
        var batchId = await SubmitAsync(_app, _app.Acme, FilmLines(2));
        var missing = Guid.CreateVersion7();
        var globex = _app.ClientFor(_app.Globex);

        foreach (var (method, path) in new[] { (HttpMethod.Get, ""), (HttpMethod.Get, "/results"), (HttpMethod.Post, ":cancel") })
        {
            using var foreign = await globex.SendAsync(new HttpRequestMessage(method, $"/v1/batches/{batchId}{path}"), TestContext.Current.CancellationToken);
            using var absent = await globex.SendAsync(new HttpRequestMessage(method, $"/v1/batches/{missing}{path}"), TestContext.Current.CancellationToken);
            Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (foreign.StatusCode, absent.StatusCode));
            Assert.Equal(await ProblemWithout(absent, missing), await ProblemWithout(foreign, batchId));
        }
        var page = (await globex.GetFromJsonAsync<JsonObject>("/v1/batches", TestContext.Current.CancellationToken))!;
        Assert.Empty(page["items"]!.AsArray());
        Assert.Equal("running", (await GetAsync(_app, _app.Acme, batchId))["status"]!.GetValue<string>());
    }

    /// <summary>A problem's JSON with the id it names and its per-request trace id taken out.</summary>
    private static async Task<string> ProblemWithout(HttpResponseMessage response, Guid id)
    {
        var problem = JsonNode.Parse((await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).Replace(id.ToString(), "ID"))!.AsObject();
        problem.Remove("traceId");
        return problem.ToJsonString();
    }

    [Fact]
    public async Task The_list_pages_newest_first()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++) ids.Add(await SubmitAsync(_app, _app.Acme, FilmLines(1)));
        var client = _app.ClientFor(_app.Acme);

        var first = (await client.GetFromJsonAsync<JsonObject>("/v1/batches?limit=2", TestContext.Current.CancellationToken))!;
        var second = (await client.GetFromJsonAsync<JsonObject>($"/v1/batches?limit=2&pageToken={first["nextPageToken"]}", TestContext.Current.CancellationToken))!;
        var third = (await client.GetFromJsonAsync<JsonObject>($"/v1/batches?limit=2&pageToken={second["nextPageToken"]}", TestContext.Current.CancellationToken))!;

        var listed = new[] { first, second, third }.SelectMany(p => p["items"]!.AsArray().Select(b => b!["id"]!.GetValue<Guid>())).ToList();
        Assert.Equal(Enumerable.Reverse(ids), listed);
        Assert.Null(third["nextPageToken"]);
        var badLimit = await client.GetAsync("/v1/batches?limit=0", TestContext.Current.CancellationToken);
        Assert.Equal("batch.limit_out_of_range", await Problems.CodeOf(badLimit));
    }

    [Fact]
    public async Task Cancel_mid_batch_stops_waiting_items_and_running_jobs_and_the_counts_add_up()
    {
        var batchId = await SubmitAsync(_app, _app.Acme, FilmLines(5));
        Assert.Equal(2, await Admission(_app).AdmitAsync(TestContext.Current.CancellationToken));
        var jobs = await JobsOfAsync(_app, batchId);
        await SucceedAsync(_app, jobs[1]!.Value);
        await StartAsync(_app, jobs[2]!.Value);
        Assert.Equal(1, await Admission(_app).AdmitAsync(TestContext.Current.CancellationToken));
        var before = await GetAsync(_app, _app.Acme, batchId);
        Assert.Equal((5, 3, 1, 1, 0, 0, 0), Counts(before));
        Assert.Equal(0.2, before["progress"]!.GetValue<double>(), 6);

        var canceled = await _app.ClientFor(_app.Acme).PostAsync($"/v1/batches/{batchId}:cancel", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Accepted, canceled.StatusCode);
        var after = (await canceled.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!;
        Assert.Equal("canceled", after["status"]!.GetValue<string>());
        Assert.Equal((5, 0, 0, 1, 0, 4, 0), Counts(after));
        Assert.Equal(1.0, after["progress"]!.GetValue<double>(), 6);
        Assert.Equal(0, await Admission(_app).AdmitAsync(TestContext.Current.CancellationToken));
        jobs = await JobsOfAsync(_app, batchId);
        Assert.Equal(3, jobs.Values.Count(j => j is not null));
        // The running job and the admitted-but-unstarted one were canceled through the job path, which announces it.
        foreach (var line in new[] { 2, 3 })
            Assert.Equal(jobs[line], (await _app.Harness.PublishedAsync<JobCanceled>(m => m.JobId == jobs[line])).JobId);

        var results = await ResultsAsync(_app, _app.Acme, batchId);
        Assert.Equal(["succeeded", "canceled", "canceled", "canceled", "canceled"], results.Select(r => r["status"]!.GetValue<string>()));
        Assert.Equal([false, true, true, true, true], results.Select(r => r["retryable"]!.GetValue<bool>()));

        var again = await _app.ClientFor(_app.Acme).PostAsync($"/v1/batches/{batchId}:cancel", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
    }

    [Fact]
    public async Task The_results_file_has_a_line_per_film_with_its_outcome_and_the_status_follows_the_jobs()
    {
        var batchId = await SubmitAsync(_app, _app.Acme, Lines(Film("One"), "", Film("Two"), Film("Three")));
        Assert.Equal(2, await Admission(_app).AdmitAsync(TestContext.Current.CancellationToken));
        var jobs = await JobsOfAsync(_app, batchId);
        await SucceedAsync(_app, jobs[1]!.Value);
        await FailAsync(_app, jobs[3]!.Value, "render.unavailable", retryable: true);

        var results = await ResultsAsync(_app, _app.Acme, batchId);
        Assert.Equal([1, 3, 4], results.Select(r => r["line"]!.GetValue<int>()));
        Assert.Equal(["succeeded", "failed", "queued"], results.Select(r => r["status"]!.GetValue<string>()));
        Assert.Equal(jobs[1]!.Value, results[0]["jobId"]!.GetValue<Guid>());
        Assert.Equal($"/v1/jobs/{jobs[1]}/video", results[0]["videoUrl"]!.GetValue<string>());
        Assert.Null(results[0]["errorCode"]);
        Assert.Null(results[1]["videoUrl"]);
        Assert.Equal("render.unavailable", results[1]["errorCode"]!.GetValue<string>());
        Assert.Equal("Shot 0 failed: it broke", results[1]["errorMessage"]!.GetValue<string>());
        Assert.True(results[1]["retryable"]!.GetValue<bool>());
        Assert.Null(results[2]["jobId"]);
        Assert.Equal("running", (await GetAsync(_app, _app.Acme, batchId))["status"]!.GetValue<string>());

        Assert.Equal(1, await Admission(_app).AdmitAsync(TestContext.Current.CancellationToken));
        await FailAsync(_app, (await JobsOfAsync(_app, batchId))[4]!.Value, "render.invalid_request", retryable: false);
        var finished = await GetAsync(_app, _app.Acme, batchId);
        Assert.Equal("partially_succeeded", finished["status"]!.GetValue<string>());
        Assert.Equal((3, 0, 0, 1, 2, 0, 0), Counts(finished));
        Assert.False((await ResultsAsync(_app, _app.Acme, batchId))[2]["retryable"]!.GetValue<bool>());

        var notCancelable = await _app.ClientFor(_app.Acme).PostAsync($"/v1/batches/{batchId}:cancel", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Conflict, notCancelable.StatusCode);
        Assert.Equal("batch.not_cancelable", await Problems.CodeOf(notCancelable));
    }

    [Fact]
    public async Task A_batch_whose_jobs_all_succeed_or_all_fail_says_so()
    {
        var good = await SubmitAsync(_app, _app.Acme, FilmLines(2));
        var bad = await SubmitAsync(_app, _app.Globex, FilmLines(1));
        Assert.Equal(3, await Admission(_app).AdmitAsync(TestContext.Current.CancellationToken));
        foreach (var job in (await JobsOfAsync(_app, good)).Values) await SucceedAsync(_app, job!.Value);
        await FailAsync(_app, (await JobsOfAsync(_app, bad))[1]!.Value, "render.failed", retryable: true);

        Assert.Equal("succeeded", (await GetAsync(_app, _app.Acme, good))["status"]!.GetValue<string>());
        Assert.Equal("failed", (await GetAsync(_app, _app.Globex, bad))["status"]!.GetValue<string>());
    }
}
