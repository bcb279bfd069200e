using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Ministudio.Compose.Tests.Audio;

/// <summary>OpenAI's POST /v1/audio/speech: bearer key, JSON body, binary audio back; errors as {"error": {...}}.</summary>
public sealed class FakeOpenAi : FakeSpeechVendor
{
    public const string ApiKey = "sk-test-ministudio";

    /// <summary>The keys the fake accepts: the platform's, and any a test gives a tenant of its own.</summary>
    public HashSet<string> Keys { get; } = [ApiKey];
    private static readonly HashSet<string> Voices = ["alloy", "ash", "ballad", "coral", "echo", "fable", "onyx", "nova", "sage", "shimmer", "verse"];

    protected override string AudioFileName => "speech.wav";

    // OpenAI's WAV is 24 kHz mono 16-bit.
    protected override string[] AudioEncoding => ["-ar", "24000", "-ac", "1", "-c:a", "pcm_s16le"];

    protected override Task HandleAsync(HttpContext context, JsonNode? body, VendorFailure failure)
    {
        if (context.Request.Method != "POST" || context.Request.Path != "/v1/audio/speech")
            return Error(context, 404, $"Invalid URL ({context.Request.Method} {context.Request.Path})", "invalid_request_error", null, null);
        var authorization = context.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal) || !Keys.Contains(authorization["Bearer ".Length..]))
            return Error(context, 401, "Incorrect API key provided.", "invalid_request_error", null, "invalid_api_key");

        switch (failure)
        {
            case VendorFailure.RateLimited:
                return Error(context, 429, "Rate limit reached for requests.", "requests", null, "rate_limit_exceeded", RetryAfterSeconds);
            case VendorFailure.QuotaExhausted:
                return Error(context, 429, "You exceeded your current quota.", "insufficient_quota", null, "insufficient_quota");
            case VendorFailure.ServerError:
                return Error(context, 500, "The server had an error while processing your request.", "server_error", null, null);
            case VendorFailure.Rejected:
                return Error(context, 400, "Input is longer than 4096 characters.", "invalid_request_error", "input", "string_above_max_length");
        }

        if (string.IsNullOrEmpty(Text(body, "model"))) return Error(context, 400, "you must provide a model parameter", "invalid_request_error", "model", null);
        if (Text(body, "input") is not { Length: > 0 and <= 4096 }) return Error(context, 400, "input must be 1 to 4096 characters", "invalid_request_error", "input", null);
        if (Text(body, "voice") is not { } voice || !Voices.Contains(voice))
            return Error(context, 400, $"Invalid value for 'voice': '{Text(body, "voice")}'.", "invalid_request_error", "voice", "invalid_value");
        if (Text(body, "response_format") != "wav") return Error(context, 400, "this fake only answers wav", "invalid_request_error", "response_format", null);
        if (Number(body, "speed") is { } speed and (< 0.25 or > 4)) return Error(context, 400, "speed must be 0.25 to 4", "invalid_request_error", "speed", null);

        context.Response.ContentType = "audio/wav";
        return context.Response.Body.WriteAsync(Audio).AsTask();
    }

    private static Task Error(HttpContext context, int status, string message, string type, string? param, string? code, int? retryAfter = null) =>
        JsonAsync(context, status, new { error = new { message, type, param, code } }, retryAfter);
}
