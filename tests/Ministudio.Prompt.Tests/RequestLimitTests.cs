using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MassTransit.Testing;
using Ministudio.Contracts;
using Ministudio.Prompt.Films;
using Ministudio.TestSupport;

namespace Ministudio.Prompt.Tests;

/// <summary>Oversized requests and films are refused before anything is stored or published.</summary>
public sealed class RequestLimitTests : IAsyncLifetime
{
    private PromptApp _app = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _app = await PromptApp.StartAsync(new Dictionary<string, string> { ["Limits:MaxJsonBodyBytes"] = "65536" });

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task A_body_over_the_configured_limit_gets_413_request_too_large()
    {
        var film = Film();
        film["padding"] = new string('x', 70_000);
        var response = await _app.ClientFor(_app.Acme).PostAsync("/v1/films", new StringContent(film.ToJsonString(), Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("request.too_large", await Problems.CodeOf(response));
        Assert.False(await _app.Harness.Published.Any<RenderShot>(Ct));
    }

    [Fact]
    public async Task A_body_within_the_limit_is_accepted()
    {
        var response = await _app.ClientFor(_app.Acme).PostAsJsonAsync("/v1/films", Film(), Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    public static TheoryData<string, string, string> OversizedFilms => new()
    {
        { "action (the shot's prompt) too long", "shots[0].action", "film.shot_action_too_long" },
        { "too many shots", "shots", "film.shots_too_many" },
        { "a shot too long", "shots[0].durationSeconds", "film.shot_duration_out_of_range" },
        { "the film too long", "shots", "film.duration_too_long" },
    };

    [Theory]
    [MemberData(nameof(OversizedFilms))]
    public async Task Oversized_films_get_400_naming_the_field(string rule, string field, string code)
    {
        var film = Film();
        var shots = film["shots"]!.AsArray();
        switch (rule)
        {
            case "action (the shot's prompt) too long":
                shots[0]!["action"] = new string('a', FilmValidator.MaxActionLength + 1);
                break;
            case "too many shots":
                while (shots.Count <= VideoFormats.MaxShots) shots.Add(shots[0]!.DeepClone());
                break;
            case "a shot too long":
                shots[0]!["durationSeconds"] = VideoFormats.MaxShotSeconds + 1;
                break;
            default:
                while (shots.Count * VideoFormats.MaxShotSeconds <= VideoFormats.MaxFilmSeconds) shots.Add(shots[0]!.DeepClone());
                foreach (var shot in shots) shot!["durationSeconds"] = VideoFormats.MaxShotSeconds;
                break;
        }
        var response = await _app.ClientFor(_app.Acme).PostAsync("/v1/films", new StringContent(film.ToJsonString(), Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Contains(problem.RootElement.GetProperty("errors").EnumerateArray(),
            e => e.GetProperty("field").GetString() == field && e.GetProperty("code").GetString() == code);
        Assert.False(await _app.Harness.Published.Any<RenderShot>(Ct));
    }

    private static JsonObject Film() => JsonSerializer.SerializeToNode(FilmSamples.ThreeShots(), JsonSerializerOptions.Web)!.AsObject();
}
