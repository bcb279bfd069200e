using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Ministudio.TestSupport;

namespace Ministudio.Prompt.Tests;

/// <summary>Idempotency-Key on POST /v1/films: one job per key and body, for 24 hours.</summary>
public sealed class IdempotencyTests : IAsyncLifetime
{
    private PromptApp _app = null!;

    public async ValueTask InitializeAsync() => _app = await PromptApp.StartAsync();

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private async Task<HttpResponseMessage> SubmitAsync(string key, object film, Guid? tenant = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/films") { Content = JsonContent.Create(film) };
        request.Headers.Add("Idempotency-Key", key);
        return await _app.ClientFor(tenant ?? _app.Acme).SendAsync(request, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task The_same_key_and_body_replay_the_first_job()
    {
        var first = await SubmitAsync("order-17", FilmSamples.ThreeShots());
        var second = await SubmitAsync("order-17", FilmSamples.ThreeShots());

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (first.StatusCode, second.StatusCode));
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        var jobId = await IdOf(first);
        Assert.Equal(jobId, await IdOf(second));
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal(1, await JobCountAsync());

        // Keys belong to a tenant: another tenant's identical key makes its own job.
        var other = await SubmitAsync("order-17", FilmSamples.ThreeShots(), _app.Globex);
        Assert.NotEqual(jobId, await IdOf(other));
    }

    [Fact]
    public async Task The_same_key_with_another_body_is_a_conflict()
    {
        await SubmitAsync("order-18", FilmSamples.ThreeShots());
        var reused = await SubmitAsync("order-18", FilmSamples.ThreeShots() with { Title = "Another film" });
        Assert.Equal(HttpStatusCode.Conflict, reused.StatusCode);
        Assert.Equal("idempotency.key_reused", await Problems.CodeOf(reused));
        Assert.Equal(1, await JobCountAsync());
    }

    [Fact]
    public async Task A_key_in_use_by_a_request_in_progress_is_a_conflict()
    {
        // Hold the key's lock as a request in progress would.
        await using var connection = new NpgsqlConnection(_app.Database);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(TestContext.Current.CancellationToken);
        await using (var hold = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended(@tenant::text || '/' || @key, 0))", connection, transaction))
        {
            hold.Parameters.AddWithValue("tenant", _app.Acme);
            hold.Parameters.AddWithValue("key", "order-19");
            await hold.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        var busy = await SubmitAsync("order-19", FilmSamples.ThreeShots());
        Assert.Equal(HttpStatusCode.Conflict, busy.StatusCode);
        Assert.Equal("idempotency.in_flight", await Problems.CodeOf(busy));

        await transaction.RollbackAsync(TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, (await SubmitAsync("order-19", FilmSamples.ThreeShots())).StatusCode);
    }

    [Fact]
    public async Task Keys_expire_after_24_hours()
    {
        var first = await SubmitAsync("order-20", FilmSamples.ThreeShots());
        await using (var dataSource = NpgsqlDataSource.Create(_app.Database))
        await using (var age = dataSource.CreateCommand("UPDATE idempotency_keys SET created_at = now() - interval '25 hours'"))
        {
            await age.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }
        var later = await SubmitAsync("order-20", FilmSamples.ThreeShots());
        Assert.Equal(HttpStatusCode.Accepted, later.StatusCode);
        Assert.False(later.Headers.Contains("Idempotent-Replayed"));
        Assert.NotEqual(await IdOf(first), await IdOf(later));
    }

    [Fact]
    public async Task An_invalid_key_is_refused()
    {
        var response = await SubmitAsync(new string('k', 256), FilmSamples.ThreeShots());
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("idempotency.key_invalid", await Problems.CodeOf(response));
    }

    private async Task<long> JobCountAsync()
    {
        await using var dataSource = NpgsqlDataSource.Create(_app.Database);
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM jobs");
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    private static async Task<Guid> IdOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["id"]!.GetValue<Guid>();
}
