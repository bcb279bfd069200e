using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Ministudio.Compose.Tests.Audio;

/// <summary>
/// ElevenLabs' POST /v1/text-to-speech/{voice_id}/with-timestamps: xi-api-key header, JSON text and model_id, base64
/// MP3 and a per-character alignment back. Errors as {"detail": {"status", "message"}} or a 422 validation list.
/// </summary>
public sealed partial class FakeElevenLabs : FakeSpeechVendor
{
    public const string ApiKey = "xi-test-ministudio";
    public const string Voice = "21m00Tcm4TlvDq8ikWAM";

    protected override string AudioFileName => "speech.mp3";

    protected override string[] AudioEncoding => ["-ar", "44100", "-ac", "1", "-c:a", "libmp3lame", "-b:a", "128k"];

    protected override Task HandleAsync(HttpContext context, JsonNode? body, VendorFailure failure)
    {
        var route = Route().Match(context.Request.Path.Value ?? "");
        if (context.Request.Method != "POST" || !route.Success) return JsonAsync(context, 404, new { detail = "Not Found" });
        if (context.Request.Headers["xi-api-key"] != ApiKey) return Error(context, 401, "invalid_api_key", "Invalid API key");

        switch (failure)
        {
            case VendorFailure.RateLimited:
                return Error(context, 429, "too_many_concurrent_requests", "Too many concurrent requests for your subscription.", RetryAfterSeconds);
            case VendorFailure.QuotaExhausted:
                return Error(context, 401, "quota_exceeded", "This request exceeds your quota.");
            case VendorFailure.ServerError:
                return Error(context, 500, "internal_server_error", "An internal error occurred.");
            case VendorFailure.Rejected:
                return Validation(context, "text", "String should have at most 10000 characters");
        }

        if (route.Groups[1].Value != Voice) return Error(context, 400, "voice_not_found", $"A voice with voice_id {route.Groups[1].Value} was not found.");
        if (context.Request.Query["output_format"] != "mp3_44100_128") return Validation(context, "output_format", "this fake only answers mp3_44100_128");
        if (Text(body, "text") is not { Length: > 0 } text) return Validation(context, "text", "Field required");
        if (string.IsNullOrEmpty(Text(body, "model_id"))) return Validation(context, "model_id", "this fake needs model_id");
        if (Number(body?["voice_settings"], "speed") is { } speed and (< 0.7 or > 1.2)) return Validation(context, "speed", "Input should be between 0.7 and 1.2");

        // One slot per character over the speech, after 0.1 s of lead-in.
        var slot = (AudioSeconds - 0.3) / text.Length;
        var alignment = new
        {
            characters = text.Select(c => c.ToString()).ToArray(),
            character_start_times_seconds = text.Select((_, i) => Math.Round(0.1 + i * slot, 3)).ToArray(),
            character_end_times_seconds = text.Select((_, i) => Math.Round(0.1 + (i + 1) * slot, 3)).ToArray(),
        };
        return JsonAsync(context, 200, new { audio_base64 = Convert.ToBase64String(Audio), alignment, normalized_alignment = alignment });
    }

    private static Task Error(HttpContext context, int status, string kind, string message, int? retryAfter = null) =>
        JsonAsync(context, status, new { detail = new { status = kind, message } }, retryAfter);

    private static Task Validation(HttpContext context, string field, string message) =>
        JsonAsync(context, 422, new { detail = new[] { new { type = "value_error", loc = new[] { "body", field }, msg = message } } });

    [GeneratedRegex("^/v1/text-to-speech/([^/]+)/with-timestamps$")]
    private static partial Regex Route();
}
