using System.Text.Json;
using System.Text.RegularExpressions;

namespace Ministudio.Dispatch.Tests.Vendors.Gemini;

/// <summary>
/// What the Gemini API's Interactions API refuses when asked for an Omni video (google-genai's CreateModelInteraction,
/// VideoResponseFormat, GenerationConfig/VideoConfig and ImageContent; Google's Omni pages, checked 2026-12-02): fields
/// the resource does not have, a model it does not serve (404), response_format video with aspect 16:9 or 9:16, a
/// duration "Ns" the model makes (preview and 1.1: 3-10 s; 1.2: 3-15 s), a resolution the model makes (preview and
/// 1.1: 720p as documented; 1.2: 360p to 4k), delivery inline or uri (gcs_uri is Vertex's), video_config.task from
/// its enum and matching the images sent (none for text_to_video, one for image_to_video, at least one for
/// reference_to_video; at most 10), image blocks with base64 data or a uri and an image MIME type.
/// </summary>
public static partial class OmniRules
{
    public sealed record Model(int MinSeconds, int MaxSeconds, IReadOnlySet<string> Resolutions);

    private static readonly HashSet<string> Documented720p = ["720p"];

    public static readonly IReadOnlyDictionary<string, Model> Models = new Dictionary<string, Model>
    {
        ["gemini-omni-1.2-flash"] = new(3, 15, new HashSet<string> { "360p", "720p", "1080p", "4k" }),
        ["gemini-omni-1.1-flash"] = new(3, 10, Documented720p),
        ["gemini-omni-flash-preview"] = new(3, 10, Documented720p),
    };

    private const int MaxImages = 10;

    private static readonly HashSet<string> Fields =
    [
        "input", "model", "background", "environment", "generation_config", "labels", "previous_interaction_id", "response_format",
        "response_mime_type", "response_modalities", "safety_settings", "service_tier", "store", "stream", "system_instruction", "tools", "webhook_config",
    ];
    private static readonly HashSet<string> VideoFormatFields = ["type", "aspect_ratio", "delivery", "duration", "gcs_uri", "resolution"];
    private static readonly HashSet<string> GenerationFields =
    [
        "image_config", "max_output_tokens", "seed", "speech_config", "stop_sequences", "thinking_level", "thinking_summaries", "tool_choice",
        "transcription_config", "video_config",
    ];
    private static readonly HashSet<string> Tasks = ["text_to_video", "image_to_video", "reference_to_video", "edit", "extend"];
    private static readonly HashSet<string> ImageFields = ["type", "data", "mime_type", "resolution", "uri"];
    private static readonly HashSet<string> ImageTypes = ["image/png", "image/jpeg", "image/webp", "image/heic", "image/heif", "image/gif", "image/bmp", "image/tiff"];

    /// <summary>The HTTP status and message the API answers a broken request with; null when it takes it.</summary>
    public static (int Status, string Message)? Violation(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object) return (400, "Invalid JSON payload received: expected an object.");
        foreach (var field in body.EnumerateObject().Where(f => !Fields.Contains(f.Name)))
            return Unknown(field.Name);
        if (!body.TryGetProperty("model", out var m) || m.ValueKind != JsonValueKind.String) return (400, "model is required and must be a string.");
        if (!Models.TryGetValue(m.GetString()!, out var model)) return (404, $"models/{m.GetString()} is not found for API version v1beta, or is not supported for interactions.");
        if (body.TryGetProperty("background", out var background) && background.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            return (400, "Invalid value at 'background' (TYPE_BOOL).");
        if (!body.TryGetProperty("input", out var input)) return (400, "input is required.");
        var (images, inputError) = Images(input);
        if (inputError is not null) return (400, inputError);
        if (images > MaxImages) return (400, $"At most {MaxImages} images are supported per request, got {images}.");

        if (body.TryGetProperty("response_format", out var formats) && VideoFormatViolation(formats, model) is { } format) return (400, format);
        if (body.TryGetProperty("generation_config", out var config))
        {
            if (config.ValueKind != JsonValueKind.Object) return (400, "Invalid value at 'generation_config' (TYPE_MESSAGE).");
            foreach (var field in config.EnumerateObject().Where(f => !GenerationFields.Contains(f.Name)))
                return Unknown($"generation_config.{field.Name}");
            if (config.TryGetProperty("video_config", out var video))
            {
                foreach (var field in video.EnumerateObject().Where(f => f.Name != "task"))
                    return Unknown($"generation_config.video_config.{field.Name}");
                var task = video.TryGetProperty("task", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                if (task is null || !Tasks.Contains(task)) return (400, $"Invalid value at 'generation_config.video_config.task': {t}.");
                if (task == "text_to_video" && images > 0) return (400, "text_to_video takes no image input.");
                if (task == "image_to_video" && images != 1) return (400, $"image_to_video takes exactly one image, got {images}.");
                if (task == "reference_to_video" && images == 0) return (400, "reference_to_video needs at least one reference image.");
                if (task is "edit" or "extend") return (400, $"{task} needs a video input.");
            }
        }
        return null;
    }

    /// <summary>The response format's video entry's duration in seconds and its delivery, as the API reads them.</summary>
    public static (int Seconds, string Delivery)? VideoFormatOf(JsonElement body)
    {
        if (!body.TryGetProperty("response_format", out var formats)) return null;
        foreach (var format in formats.ValueKind == JsonValueKind.Array ? formats.EnumerateArray().ToList() : [formats])
            if (format.TryGetProperty("type", out var type) && type.GetString() == "video")
                return (format.TryGetProperty("duration", out var d) ? int.Parse(Duration().Match(d.GetString()!).Groups[1].Value) : 0,
                    format.TryGetProperty("delivery", out var delivery) ? delivery.GetString()! : "inline");
        return null;
    }

    private static string? VideoFormatViolation(JsonElement formats, Model model)
    {
        var list = formats.ValueKind == JsonValueKind.Array ? formats.EnumerateArray().ToList() : [formats];
        foreach (var format in list)
        {
            if (format.ValueKind != JsonValueKind.Object || !format.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
                return "response_format entries need a type.";
            if (type.GetString() != "video") continue;
            foreach (var field in format.EnumerateObject().Where(f => !VideoFormatFields.Contains(f.Name)))
                return $"Invalid JSON payload received. Unknown name \"{field.Name}\" at 'response_format': Cannot find field.";
            if (format.TryGetProperty("gcs_uri", out _)) return "gcs_uri is only supported on Vertex AI; use delivery 'uri' or 'inline'.";
            if (format.TryGetProperty("aspect_ratio", out var aspect) && (aspect.ValueKind != JsonValueKind.String || aspect.GetString() is not ("16:9" or "9:16")))
                return $"Unsupported aspect_ratio {aspect}; use 16:9 or 9:16.";
            if (format.TryGetProperty("delivery", out var delivery) && (delivery.ValueKind != JsonValueKind.String || delivery.GetString() is not ("inline" or "uri")))
                return $"Unsupported delivery {delivery}.";
            if (format.TryGetProperty("resolution", out var resolution) && (resolution.ValueKind != JsonValueKind.String || !model.Resolutions.Contains(resolution.GetString()!)))
                return $"Unsupported resolution {resolution} for this model; use {string.Join(", ", model.Resolutions)}.";
            if (format.TryGetProperty("duration", out var duration))
            {
                if (duration.ValueKind != JsonValueKind.String || Duration().Match(duration.GetString()!) is not { Success: true } match)
                    return $"Invalid duration {duration}; durations are strings such as \"8s\".";
                var seconds = int.Parse(match.Groups[1].Value);
                if (seconds < model.MinSeconds || seconds > model.MaxSeconds)
                    return $"duration must be between {model.MinSeconds}s and {model.MaxSeconds}s, got {duration.GetString()}.";
            }
        }
        return null;
    }

    private sealed record InputImages(int Count, string? Error);

    private static InputImages Images(JsonElement input)
    {
        if (input.ValueKind == JsonValueKind.String) return new(0, null);
        var blocks = input.ValueKind == JsonValueKind.Array ? input.EnumerateArray().ToList() : [input];
        var count = 0;
        foreach (var block in blocks)
        {
            if (block.ValueKind != JsonValueKind.Object || !block.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
                return new(count, "input content blocks need a type.");
            switch (type.GetString())
            {
                case "text":
                    if (!block.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String) return new(count, "A text block needs text.");
                    foreach (var field in block.EnumerateObject().Where(f => f.Name is not ("type" or "text" or "annotations")))
                        return new(count, $"Invalid JSON payload received. Unknown name \"{field.Name}\" at 'input': Cannot find field.");
                    break;
                case "image":
                    foreach (var field in block.EnumerateObject().Where(f => !ImageFields.Contains(f.Name)))
                        return new(count, $"Invalid JSON payload received. Unknown name \"{field.Name}\" at 'input': Cannot find field.");
                    var hasData = block.TryGetProperty("data", out var data);
                    if (hasData == block.TryGetProperty("uri", out _)) return new(count, "An image block needs exactly one of data or uri.");
                    if (hasData && (data.ValueKind != JsonValueKind.String || !IsBase64(data.GetString()!))) return new(count, "Image data must be base64.");
                    if (!block.TryGetProperty("mime_type", out var mime) || !ImageTypes.Contains(mime.GetString() ?? ""))
                        return new(count, $"Unsupported image mime_type {(block.TryGetProperty("mime_type", out var given) ? given.ToString() : "(none)")}.");
                    count++;
                    break;
                default:
                    return new(count, $"Unsupported input block type {type.GetString()} for video generation.");
            }
        }
        return new(count, null);
    }

    private static bool IsBase64(string text) => text.Length > 0 && Convert.TryFromBase64String(text, new byte[text.Length], out _);

    private static (int, string) Unknown(string name) => (400, $"Invalid JSON payload received. Unknown name \"{name}\": Cannot find field.");

    [GeneratedRegex(@"^(\d+)s$")]
    private static partial Regex Duration();
}
