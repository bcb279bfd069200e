using System.Net.Http.Headers;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace Ministudio.Prompt.Moderation;

/// <summary>
/// OpenAI's moderation endpoint (<c>POST /v1/moderations</c>, every shot's prompt in one call): the first flagged
/// input and the first category it was flagged for.
/// </summary>
public sealed class OpenAiModerationClient(HttpClient http, IOptions<ModerationOptions> options)
{
    public const string ClientName = "openai-moderation";

    private sealed record Request([property: JsonPropertyName("model")] string Model, [property: JsonPropertyName("input")] IReadOnlyList<string> Input);

    private sealed record Response([property: JsonPropertyName("results")] IReadOnlyList<Result>? Results);

    private sealed record Result(
        [property: JsonPropertyName("flagged")] bool Flagged,
        [property: JsonPropertyName("categories")] Dictionary<string, bool>? Categories);

    public bool Enabled => !string.IsNullOrEmpty(options.Value.OpenAi.ApiKey);

    /// <returns>(index of the input, category) of the first flagged input, or null when none is.</returns>
    /// <exception cref="ModerationUnavailableException">The endpoint failed or answered something unreadable.</exception>
    public async Task<(int Input, string Category)?> FirstFlaggedAsync(IReadOnlyList<string> inputs, CancellationToken ct)
    {
        var settings = options.Value.OpenAi;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(settings.Timeout);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(settings.BaseUrl, "v1/moderations"))
        {
            Content = JsonContent.Create(new Request(settings.Model, inputs)),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.ApiKey);
        Response? answer;
        try
        {
            using var response = await http.SendAsync(request, timeout.Token);
            if (!response.IsSuccessStatusCode) throw new ModerationUnavailableException($"the moderation API answered {(int)response.StatusCode}");
            answer = await response.Content.ReadFromJsonAsync<Response>(timeout.Token);
        }
        catch (Exception e) when (e is HttpRequestException or System.Text.Json.JsonException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            throw new ModerationUnavailableException(e.Message);
        }
        if (answer?.Results is not { } results || results.Count != inputs.Count)
            throw new ModerationUnavailableException("the moderation API's answer does not cover every input");
        for (var i = 0; i < results.Count; i++)
        {
            if (!results[i].Flagged) continue;
            var category = results[i].Categories?.FirstOrDefault(c => c.Value).Key;
            return (i, category ?? "flagged");
        }
        return null;
    }
}

/// <summary>Moderation could not decide: nothing is spent, and the client may retry.</summary>
public sealed class ModerationUnavailableException(string reason) : Exception(reason);
