using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Ministudio.Client;

/// <summary>
/// What every call shares: the bearer key, retries of 429 after the server's Retry-After, and problem+json answers
/// turned into <see cref="MinistudioProblemException"/>.
/// </summary>
internal sealed class ApiTransport(HttpClient http, MinistudioClientOptions options)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public HttpClient Http => http;

    /// <summary>Sends a fresh request per attempt (a request message cannot be sent twice); the answer is a success or a thrown problem.</summary>
    public async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> create, CancellationToken ct,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        for (var attempt = 0; ; attempt++)
        {
            HttpResponseMessage response;
            using (var request = create())
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
                response = await http.SendAsync(request, completion, ct).ConfigureAwait(false);
            }
            if (response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable) return response;
            var retryAfter = RetryAfterOf(response);
            var retryable = response.StatusCode == HttpStatusCode.TooManyRequests
                            || (response.StatusCode == HttpStatusCode.ServiceUnavailable && retryAfter is not null);
            if (!retryable || attempt >= options.MaxRetries || retryAfter > options.MaxRetryDelay)
            {
                using (response) throw await ProblemOfAsync(response, retryAfter, ct).ConfigureAwait(false);
            }
            response.Dispose();
            await Task.Delay(retryAfter ?? TimeSpan.FromSeconds(1 << attempt), ct).ConfigureAwait(false);
        }
    }

    public async Task<T> SendAsync<T>(Func<HttpRequestMessage> create, CancellationToken ct)
    {
        using var response = await SendAsync(create, ct).ConfigureAwait(false);
        return (await response.Content.ReadFromJsonAsync<T>(Json, ct).ConfigureAwait(false))!;
    }

    public static HttpRequestMessage Request(HttpMethod method, string path, HttpContent? content = null) =>
        new(method, path.TrimStart('/')) { Content = content };

    public static HttpContent JsonContent<T>(T value) => System.Net.Http.Json.JsonContent.Create(value, options: Json);

    private static TimeSpan? RetryAfterOf(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    private static async Task<MinistudioProblemException> ProblemOfAsync(HttpResponseMessage response, TimeSpan? retryAfter, CancellationToken ct)
    {
        var status = response.StatusCode;
        try
        {
            if (response.Content.Headers.ContentType?.MediaType is "application/problem+json" or "application/json")
            {
                var problem = await response.Content.ReadFromJsonAsync<ProblemBody>(Json, ct).ConfigureAwait(false);
                if (problem?.Code is { } code)
                    return new MinistudioProblemException(status, code, problem.Title ?? status.ToString(), problem.Detail, problem.Errors ?? [], retryAfter);
            }
        }
        catch (JsonException)
        {
            // Not a problem body after all: described by its status below.
        }
        return new MinistudioProblemException(status, $"http.{(int)status}", $"The server answered {(int)status} {response.ReasonPhrase}.", null, [], retryAfter);
    }

    private sealed record ProblemBody(string? Code, string? Title, string? Detail, IReadOnlyList<FieldError>? Errors);
}
