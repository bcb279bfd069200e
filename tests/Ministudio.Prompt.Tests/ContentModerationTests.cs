using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MassTransit.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Ministudio.Contracts;
using Ministudio.TestSupport;

namespace Ministudio.Prompt.Tests;

/// <summary>
/// Moderation before any vendor spend: term lists and OpenAI's moderation endpoint (a fake that checks the request
/// the way the real one does: bearer key, model, an input array; one result per input) refuse a film, its dry run and
/// a batch line with content.rejected naming the shot and category; nothing is queued.
/// </summary>
public sealed class ContentModerationTests : IAsyncLifetime
{
    private const string ApiKey = "sk-test-moderation";
    private WebApplication _openAi = null!;
    private PromptApp _app = null!;
    private int _calls;
    private volatile bool _down;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _openAi = builder.Build();
        _openAi.MapPost("/v1/moderations", async (HttpContext context) =>
        {
            Interlocked.Increment(ref _calls);
            if (_down) return Results.StatusCode(503);
            if (context.Request.Headers.Authorization.ToString() != $"Bearer {ApiKey}")
                return Results.Json(new { error = new { message = "Incorrect API key provided", type = "invalid_request_error" } }, statusCode: 401);
            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            if (body.RootElement.GetProperty("model").GetString() != "omni-moderation-latest" || body.RootElement.GetProperty("input").ValueKind != JsonValueKind.Array)
                return Results.Json(new { error = new { message = "Invalid request", type = "invalid_request_error" } }, statusCode: 400);
            var results = body.RootElement.GetProperty("input").EnumerateArray().Select(input =>
            {
                var violent = input.GetString()!.Contains("bloodbath", StringComparison.OrdinalIgnoreCase);
                return new
                {
                    flagged = violent,
                    categories = new Dictionary<string, bool> { ["harassment"] = false, ["violence"] = violent, ["violence/graphic"] = violent },
                    category_scores = new Dictionary<string, double> { ["harassment"] = 0.001, ["violence"] = violent ? 0.98 : 0.002, ["violence/graphic"] = violent ? 0.91 : 0.001 },
                };
            }).ToList();
            return Results.Json(new { id = "modr-1", model = "omni-moderation-latest", results });
        });
        await _openAi.StartAsync();
        _app = await PromptApp.StartAsync(new Dictionary<string, string>
        {
            ["Moderation:BlockedTerms:0"] = "glorpweed",
            ["Moderation:OpenAi:ApiKey"] = ApiKey,
            ["Moderation:OpenAi:BaseUrl"] = _openAi.Urls.Single() + "/",
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _openAi.DisposeAsync();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static object Film(string secondAction) => new
    {
        title = "Harbour",
        aspectRatio = "16:9",
        provider = "mock",
        shots = new[] { new { action = "A gull lands on a post", durationSeconds = 2 }, new { action = secondAction, durationSeconds = 2 } },
    };

    [Theory]
    [InlineData("A bloodbath on the quay", "violence")]
    [InlineData("Sailors trade GlorpWeed by the nets", "blocked_term")]
    public async Task A_refused_shot_stops_the_film_and_its_dry_run_before_anything_is_queued(string action, string category)
    {
        var client = _app.ClientFor(_app.Acme);
        foreach (var path in new[] { "/v1/films", "/v1/films:compile" })
        {
            var response = await client.PostAsJsonAsync(path, Film(action), Ct);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            var problem = (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!;
            Assert.Equal(("content.rejected", 1, category), (problem["code"]!.GetValue<string>(), problem["shot"]!.GetValue<int>(), problem["category"]!.GetValue<string>()));
        }
        Assert.False(_app.Harness.Published.Select<RenderShot>(Ct).Any());
        Assert.Equal("[]", JsonNode.Parse(await client.GetStringAsync("/v1/jobs", Ct))!["items"]!.ToJsonString());
    }

    [Fact]
    public async Task A_clean_film_passes_and_every_shot_is_checked_in_one_call()
    {
        var response = await _app.ClientFor(_app.Acme).PostAsJsonAsync("/v1/films", Film("The ferry leaves at dawn"), Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(1, _calls);
    }

    [Fact]
    public async Task An_unreachable_moderation_api_accepts_nothing_and_says_to_retry()
    {
        _down = true;
        var response = await _app.ClientFor(_app.Acme).PostAsJsonAsync("/v1/films", Film("The ferry leaves at dawn"), Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("moderation.unavailable", await Problems.CodeOf(response));
        Assert.False(_app.Harness.Published.Select<RenderShot>(Ct).Any());
    }

    [Fact]
    public async Task A_refused_batch_line_is_invalid_like_any_other_and_the_rest_can_go_ahead()
    {
        var lines = string.Join('\n', new[] { Film("The ferry leaves at dawn"), Film("A bloodbath on the quay") }.Select(f => JsonSerializer.Serialize(f)));
        var response = await _app.ClientFor(_app.Acme).PostAsync("/v1/batches?onInvalid=skip", new StringContent(lines, Encoding.UTF8, "application/x-ndjson"), Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("content.rejected", body);
        Assert.Contains("shots[1]", body);
    }
}
