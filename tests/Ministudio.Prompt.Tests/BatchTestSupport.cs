using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Ministudio.Contracts;
using Ministudio.Prompt.Batches;
using Ministudio.Prompt.Jobs;
using Npgsql;

namespace Ministudio.Prompt.Tests;

/// <summary>Batch bodies, requests and the job events dispatch and compose would send, for batch tests.</summary>
internal static class BatchTestSupport
{
    /// <summary>Admission runs only when a test calls it: the hosted scheduler waits an hour between passes.</summary>
    public static Dictionary<string, string> Settings(int maxActiveJobsPerTenant = 2) => new()
    {
        ["Batches:AdmissionInterval"] = "01:00:00",
        ["Batches:MaxActiveJobsPerTenant"] = maxActiveJobsPerTenant.ToString(),
        ["Batches:MaxBodyBytes"] = (3 * 1024 * 1024).ToString(),
    };

    /// <summary>A one-shot film on the local provider, as one JSONL line.</summary>
    public static string Film(string title, string aspectRatio = "16:9") =>
        JsonSerializer.Serialize(new { title, aspectRatio, provider = "local", shots = new[] { new { action = "A lamp flickers", durationSeconds = 1 } } });

    public static string Lines(params string[] lines) => string.Join("\n", lines) + "\n";

    public static string FilmLines(int count) => Lines(Enumerable.Range(1, count).Select(i => Film($"Film {i}")).ToArray());

    public static async Task<HttpResponseMessage> PostAsync(PromptApp app, Guid tenant, string body, string query = "", string? key = null,
        string contentType = "application/x-ndjson")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/batches" + query) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        return await app.ClientFor(tenant).SendAsync(request, TestContext.Current.CancellationToken);
    }

    public static async Task<Guid> BatchIdOf(HttpResponseMessage accepted) =>
        (await accepted.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["batch"]!["id"]!.GetValue<Guid>();

    public static async Task<Guid> SubmitAsync(PromptApp app, Guid tenant, string body)
    {
        var accepted = await PostAsync(app, tenant, body);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, accepted.StatusCode);
        return await BatchIdOf(accepted);
    }

    public static async Task<JsonObject> GetAsync(PromptApp app, Guid tenant, Guid batchId) =>
        (await app.ClientFor(tenant).GetFromJsonAsync<JsonObject>($"/v1/batches/{batchId}", TestContext.Current.CancellationToken))!;

    public static BatchAdmission Admission(PromptApp app) => app.Factory.Services.GetRequiredService<BatchAdmission>();

    public static JobStateMachine Jobs(PromptApp app) => app.Factory.Services.GetRequiredService<JobStateMachine>();

    /// <summary>The job of every line of a batch (null while not admitted), by line.</summary>
    public static async Task<SortedDictionary<int, Guid?>> JobsOfAsync(PromptApp app, Guid batchId)
    {
        await using var dataSource = NpgsqlDataSource.Create(app.Database);
        await using var command = dataSource.CreateCommand("SELECT line, job_id FROM batch_items WHERE batch_id = @batch");
        command.Parameters.AddWithValue("batch", batchId);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var jobs = new SortedDictionary<int, Guid?>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken)) jobs[reader.GetInt32(0)] = reader.IsDBNull(1) ? null : reader.GetGuid(1);
        return jobs;
    }

    public static async Task<long> CountAsync(PromptApp app, string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(app.Database);
        await using var command = dataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    /// <summary>The one-shot film's shot starts drawing (dispatch's progress report).</summary>
    public static Task StartAsync(PromptApp app, Guid jobId) =>
        Jobs(app).RecordShotProgressAsync(new ShotProgressed(jobId, 0, 0.5, "drawing"), TestContext.Current.CancellationToken);

    /// <summary>The one-shot film renders and composes.</summary>
    public static async Task SucceedAsync(PromptApp app, Guid jobId)
    {
        await Jobs(app).RecordShotRenderedAsync(new ShotRendered(jobId, 0, "clip", 1, false, "local"), TestContext.Current.CancellationToken);
        await Jobs(app).RecordFilmComposedAsync(new FilmComposed(jobId, "film", 1), TestContext.Current.CancellationToken);
    }

    public static Task FailAsync(PromptApp app, Guid jobId, string code, bool retryable) =>
        Jobs(app).RecordShotFailedAsync(new ShotFailed(jobId, 0, code, "it broke", retryable), TestContext.Current.CancellationToken);

    public static async Task<List<JsonObject>> ResultsAsync(PromptApp app, Guid tenant, Guid batchId)
    {
        using var response = await app.ClientFor(tenant).GetAsync($"/v1/batches/{batchId}/results", TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.EndsWith("\n", text);
        return text.TrimEnd('\n').Split('\n').Select(line => JsonNode.Parse(line)!.AsObject()).ToList();
    }

    public static (int Total, int Queued, int Running, int Succeeded, int Failed, int Canceled, int Invalid) Counts(JsonObject batch)
    {
        var c = batch["counts"]!;
        return (c["total"]!.GetValue<int>(), c["queued"]!.GetValue<int>(), c["running"]!.GetValue<int>(), c["succeeded"]!.GetValue<int>(),
            c["failed"]!.GetValue<int>(), c["canceled"]!.GetValue<int>(), c["invalid"]!.GetValue<int>());
    }
}
