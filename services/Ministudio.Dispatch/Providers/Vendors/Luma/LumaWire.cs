using System.Text.Json.Serialization;

namespace Ministudio.Dispatch.Providers.Vendors.Luma;

public sealed record LumaGenerationRequest(
    [property: JsonPropertyName("prompt")] string Prompt,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("aspect_ratio")] string AspectRatio,
    [property: JsonPropertyName("resolution")] string Resolution,
    [property: JsonPropertyName("duration")] string Duration,
    [property: JsonPropertyName("loop")] bool Loop,
    [property: JsonPropertyName("keyframes")] LumaKeyframes? Keyframes,
    [property: JsonPropertyName("callback_url")] string? CallbackUrl);

public sealed record LumaKeyframes([property: JsonPropertyName("frame0")] LumaKeyframe Frame0);

public sealed record LumaKeyframe(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("url")] string Url);

public sealed record LumaGeneration(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("state")] string? State,
    [property: JsonPropertyName("failure_reason")] string? FailureReason,
    [property: JsonPropertyName("assets")] LumaAssets? Assets);

public sealed record LumaAssets([property: JsonPropertyName("video")] string? Video);
