extern alias gateway;
using System.Net;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Ministudio.Client;
using Ministudio.TestSupport;
using Codes = Ministudio.Client.ProblemCodes;
using ServerCodes = Ministudio.Platform.ProblemCodes;

namespace Ministudio.Clients.Tests;

/// <summary>The typed client against the real gateway and services, its traffic watched by a <see cref="RecordingHandler"/>.</summary>
[Collection(PlatformCollection.Name)]
public sealed class ClientTests(PlatformHosts platform)
{
    private static readonly string SampleFilm = File.ReadAllText(Path.Combine(Repository.Root, "samples", "lighthouse.json"));
    private readonly RecordingHandler _traffic = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private MinistudioClient Client(string? key = null, int maxRetries = 3) =>
        new(new HttpClient(_traffic), new MinistudioClientOptions { BaseAddress = platform.GatewayUrl, ApiKey = key ?? PlatformHosts.TenantKey, MaxRetries = maxRetries });

    private MinistudioAdminClient Admin() =>
        new(new HttpClient(_traffic), new MinistudioClientOptions { BaseAddress = platform.GatewayUrl, ApiKey = PlatformHosts.AdminKey });

    [Fact]
    public void The_clients_problem_codes_are_the_servers_catalogue()
    {
        var client = typeof(Codes).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetRawConstantValue()!).Order();
        Assert.Equal(ServerCodes.All.Select(p => p.Code).Order(), client);
    }

    [Fact]
    public async Task A_film_is_submitted_watched_to_the_end_and_downloaded_resuming_a_partial_file()
    {
        using var client = Client();
        var job = await client.SubmitFilmAsync(SampleFilm, ct: Ct);
        Assert.Contains(job.Status, new[] { JobStatuses.Queued, JobStatuses.Running }); // the stand-in studio answers at once
        var submit = Assert.Single(_traffic.Exchanges, e => e.Path == "/v1/films");
        Assert.False(string.IsNullOrEmpty(submit.IdempotencyKey));

        var updates = new List<Job>();
        await foreach (var update in client.WatchJobAsync(job.Id, Ct)) updates.Add(update);
        Assert.Equal(JobStatuses.Succeeded, updates[^1].Status);
        Assert.Contains(updates, u => u.Progress is > 0 and < 1);
        Assert.True(updates.Zip(updates.Skip(1)).All(p => p.First.Progress <= p.Second.Progress), "progress went backwards");

        var folder = Directory.CreateTempSubdirectory("ministudio-client-download").FullName;
        try
        {
            var path = Path.Combine(folder, "film.mp4");
            await client.DownloadVideoAsync(job.Id, path, ct: Ct);
            var whole = await File.ReadAllBytesAsync(path, Ct);
            Assert.Equal(updates[^1].Video!.Sha256, Convert.ToHexStringLower(SHA256.HashData(whole)));
            Assert.Equal("h264", (await Media.ProbeAsync(path)).Codec);

            // An interrupted download: the first half is on disk; the client asks only for the rest.
            await File.WriteAllBytesAsync(path, whole[..(whole.Length / 2)], Ct);
            await client.DownloadVideoAsync(job.Id, path, ct: Ct);
            Assert.Equal(whole, await File.ReadAllBytesAsync(path, Ct));
            var resumed = _traffic.Exchanges.Last(e => e.Path.EndsWith("/video", StringComparison.Ordinal));
            Assert.Equal($"bytes={whole.Length / 2}-", resumed.Range);
            Assert.Equal(HttpStatusCode.PartialContent, resumed.Status);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_repeated_submit_with_the_same_key_answers_the_first_job()
    {
        using var client = Client();
        var key = $"client-test-{Guid.NewGuid():N}";
        var first = await client.SubmitFilmAsync(SampleFilm, key, Ct);
        var again = await client.SubmitFilmAsync(SampleFilm, key, Ct);
        Assert.Equal(first.Id, again.Id);

        var reused = await Assert.ThrowsAsync<MinistudioProblemException>(() => client.SubmitFilmAsync(SampleFilm.Replace("Lighthouse", "Harbour"), key, Ct));
        Assert.Equal((HttpStatusCode.Conflict, Codes.IdempotencyKeyReused), (reused.Status, reused.Code));
    }

    [Fact]
    public async Task Problems_arrive_typed_with_their_code_status_and_fields()
    {
        using var client = Client();
        var missing = await Assert.ThrowsAsync<MinistudioProblemException>(() => client.GetJobAsync(Guid.NewGuid(), Ct));
        Assert.Equal((HttpStatusCode.NotFound, Codes.JobNotFound), (missing.Status, missing.Code));

        var invalid = await Assert.ThrowsAsync<MinistudioProblemException>(() => client.CompileFilmAsync("""{"title":"x","shots":[]}""", Ct));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.Status);
        Assert.NotEmpty(invalid.Errors);
        Assert.Equal(invalid.Errors[0].Code, invalid.Code);

        using var stranger = Client("ms_test_not_a_key");
        var refused = await Assert.ThrowsAsync<MinistudioProblemException>(() => stranger.ListJobsAsync(ct: Ct));
        Assert.Equal((HttpStatusCode.Unauthorized, Codes.AuthKeyInvalid), (refused.Status, refused.Code));
    }

    [Fact]
    public async Task A_429_is_retried_after_the_servers_Retry_After()
    {
        // A plan of 30 requests a minute: after the burst, one request every 2 s.
        using var admin = Admin();
        var plan = $"tiny{Guid.NewGuid():N}"[..20];
        await admin.UpsertPlanAsync(plan, rateLimitPerMinute: 30, ct: Ct);
        var tenant = await admin.CreateTenantAsync($"ratelimited-{Guid.NewGuid():N}", plan, Ct);
        var key = (await admin.CreateKeyAsync(tenant.Id, "client test", "test", ct: Ct)).Key;

        using var patient = Client(key);
        for (var i = 0; i < 32; i++) await patient.ListJobsAsync(ct: Ct);
        var limited = _traffic.Exchanges.Where(e => e.Path == "/v1/jobs").ToList();
        var refusal = limited.FindIndex(e => e.Status == HttpStatusCode.TooManyRequests);
        Assert.True(refusal >= 0, "the burst never hit the limit");
        var retry = limited[refusal + 1];
        Assert.Equal(HttpStatusCode.OK, retry.Status);
        Assert.True(retry.At - limited[refusal].At >= limited[refusal].RetryAfter!.Value - TimeSpan.FromMilliseconds(50), "retried before Retry-After");

        using var impatient = Client(key, maxRetries: 0);
        var problem = await Assert.ThrowsAsync<MinistudioProblemException>(() => impatient.ListJobsAsync(ct: Ct));
        Assert.Equal(Codes.RateLimitExceeded, problem.Code);
        Assert.True(problem.RetryAfter > TimeSpan.Zero);
    }

    [Fact]
    public async Task Library_compile_estimate_usage_and_batches_work_and_every_call_is_a_documented_operation()
    {
        using var client = Client();
        var name = $"Mira {Guid.NewGuid():N}";
        var created = await client.CreateLibraryItemAsync(LibraryKinds.Characters, new JsonObject { ["name"] = name, ["identity"] = new JsonObject { ["hair"] = "silver bob" } }, Ct);
        Assert.Contains(await client.ListLibraryAsync(LibraryKinds.Characters, Ct), i => i.Id == created.Id);
        var taken = await Assert.ThrowsAsync<MinistudioProblemException>(() =>
            client.CreateLibraryItemAsync(LibraryKinds.Characters, new JsonObject { ["name"] = name, ["identity"] = new JsonObject { ["hair"] = "red" } }, Ct));
        Assert.Equal(Codes.LibraryNameTaken, taken.Code);
        await client.DeleteLibraryItemAsync(LibraryKinds.Characters, created.Id, Ct);

        var templateName = $"Promo {Guid.NewGuid():N}";
        var template = new JsonObject
        {
            ["name"] = templateName,
            ["fields"] = new JsonObject { ["product"] = "The product" },
            ["film"] = JsonNode.Parse("""{"title":"{{product}}","aspectRatio":"16:9","shots":[{"action":"A hand lifts {{product}}","durationSeconds":3}]}"""),
        };
        var saved = await client.CreateLibraryItemAsync(LibraryKinds.Templates, template, Ct);
        Assert.Equal(saved.Id, (await client.ListTemplatesAsync(Ct)).GetProperty(templateName).GetProperty("id").GetGuid());
        var fromTemplate = await client.CompileFilmAsync($$$"""{"template":"{{{templateName}}}","values":{"product":"Pocket Lamp"}}""", Ct);
        Assert.Contains("A hand lifts Pocket Lamp", fromTemplate.Shots[0].Prompt);
        template["name"] = "explainer";
        var builtIn = await Assert.ThrowsAsync<MinistudioProblemException>(() => client.ReplaceLibraryItemAsync(LibraryKinds.Templates, saved.Id, template, Ct));
        Assert.Equal(Codes.LibraryBuiltInReadOnly, builtIn.Code);
        await client.DeleteLibraryItemAsync(LibraryKinds.Templates, saved.Id, Ct);

        var compiled = await client.CompileFilmAsync(SampleFilm, Ct);
        Assert.NotEmpty(compiled.Shots);
        var estimate = await client.EstimateAsync(compiled, Ct);
        Assert.Equal(compiled.Shots.Count, estimate.Shots.Count);
        Assert.Equal("vendor", (await client.GetUsageAsync(ct: Ct)).GroupBy);
        Assert.NotEqual(default, await client.ListStylePacksAsync(Ct));

        var batch = await client.SubmitBatchAsync(SampleFilm.ReplaceLineEndings(" ") + "\n", ct: Ct);
        Assert.Equal(1, batch.Batch.Counts.Total);
        Assert.Contains((await client.ListBatchesAsync(ct: Ct)).Items, b => b.Id == batch.Batch.Id);
        Assert.Equal(batch.Batch.Id, (await client.GetBatchAsync(batch.Batch.Id, Ct)).Id);
        await client.CancelBatchAsync(batch.Batch.Id, Ct);
        await foreach (var _ in client.GetBatchResultsAsync(batch.Batch.Id, Ct)) { }

        using var admin = Admin();
        Assert.NotEmpty(await admin.ListTenantsAsync(Ct));
        Assert.NotNull(await admin.ListPlansAsync(Ct));

        // Every request the client made matches an operation of the live document.
        using var raw = platform.RawClient();
        var document = JsonNode.Parse(await raw.GetStringAsync("/openapi/v1.json", Ct))!;
        var operations = document["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Where(m => m.Key is "get" or "post" or "put" or "delete")
                .Select(m => (Method: m.Key.ToUpperInvariant(), Path: new Regex("^" + Regex.Replace(Regex.Escape(p.Key.TrimEnd('/')), @"\\\{[^}]+}", "[^/]+") + "/?$"))))
            .ToList();
        var undocumented = _traffic.Exchanges.Where(e => !operations.Any(o => o.Method == e.Method.Method && o.Path.IsMatch(e.Path))).Select(e => $"{e.Method} {e.Path}").ToList();
        Assert.Empty(undocumented);
    }
}
