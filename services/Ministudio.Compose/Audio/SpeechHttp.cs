using System.Net;
using System.Text.Json;
using Ministudio.Platform;

namespace Ministudio.Compose.Audio;

/// <summary>What a vendor's error body said, and the code it maps to when the status alone does not decide.</summary>
public sealed record VendorError(string Message, string? Code = null);

/// <summary>Sends vendor requests and maps their failures to stable speech codes.</summary>
public static class SpeechHttp
{
    /// <summary>Longest error body read for a message; vendors' error bodies are small JSON documents.</summary>
    private const int MaxErrorBody = 16 * 1024;

    /// <summary>Sends a request; an unreachable or timed-out vendor is tts.unavailable (retryable), a failure status is mapped.</summary>
    public static async Task<HttpResponseMessage> SendAsync(
        HttpClient client, HttpRequestMessage request, string vendor, Func<string, VendorError> describe, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException ex)
        {
            throw new SpeechException("tts.unavailable", $"{vendor} could not be reached: {ex.Message}", retryable: true, inner: ex);
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new SpeechException("tts.unavailable", $"{vendor} did not answer in time.", retryable: true, inner: ex);
        }
        if (response.IsSuccessStatusCode) return response;
        using (response)
        {
            throw await ErrorAsync(response, vendor, describe, ct);
        }
    }

    public static async Task<SpeechException> ErrorAsync(HttpResponseMessage response, string vendor, Func<string, VendorError> describe, CancellationToken ct)
    {
        var body = await response.Content.ReadAsStringAsync(ct);
        if (body.Length > MaxErrorBody) body = body[..MaxErrorBody];
        VendorError error;
        try
        {
            error = describe(body);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            // Not the vendor's error shape (a proxy's HTML page, say): the status still decides the code.
            error = new VendorError(ToolProcess.Tail(body, 200));
        }
        var status = (int)response.StatusCode;
        var message = $"{vendor} answered {status}: {error.Message}";
        var retryAfter = RetryAfter(response);
        return error.Code switch
        {
            "tts.rate_limited" or "tts.unavailable" => new SpeechException(error.Code, message, retryable: true, retryAfter),
            { } code => new SpeechException(code, message),
            _ => response.StatusCode switch
            {
                HttpStatusCode.TooManyRequests => new SpeechException("tts.rate_limited", message, retryable: true, retryAfter),
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new SpeechException("tts.unauthorized", message),
                HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity or HttpStatusCode.RequestEntityTooLarge => new SpeechException("tts.rejected", message),
                HttpStatusCode.RequestTimeout => new SpeechException("tts.unavailable", message, retryable: true, retryAfter),
                _ when status >= 500 => new SpeechException("tts.unavailable", message, retryable: true, retryAfter),
                _ => new SpeechException("tts.failed", message),
            },
        };
    }

    /// <summary>Retry-After as seconds or as a date, if the vendor sent it.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    /// <summary>A string property, or null when the element is not an object or lacks it.</summary>
    public static string? StringProperty(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>A base address with a trailing slash, so relative vendor paths append instead of replacing its last segment.</summary>
    public static Uri AsBase(Uri url) => url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");
}
