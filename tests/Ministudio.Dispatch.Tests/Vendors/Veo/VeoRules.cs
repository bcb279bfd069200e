using System.Text.Json;

using Ministudio.TestSupport;

namespace Ministudio.Dispatch.Tests.Vendors.Veo;

/// <summary>
/// What Veo 3.1 refuses, on Vertex AI and on the Gemini API alike (Google's Veo guide, checked 2026-12-02): lengths of
/// 4, 6 or 8 s, and 8 s only with reference images or at 1080p/4k; 16:9 or 9:16, and 16:9 only with reference images;
/// at most three "asset" references, never together with a first frame; only the request fields Google defines.
/// Answers Google's INVALID_ARGUMENT body, as the real API does, or null when the request is valid.
/// </summary>
public static class VeoRules
{
    private static readonly HashSet<string> Parameters =
        ["aspectRatio", "durationSeconds", "sampleCount", "resolution", "negativePrompt", "seed", "storageUri", "generateAudio", "personGeneration", "enhancePrompt"];
    private static readonly HashSet<string> InstanceFields = ["prompt", "image", "referenceImages", "lastFrame", "video"];

    /// <summary>Veo names the model in the path (…/models/{model}:predictLongRunning) and the length in parameters.</summary>
    public static (string Model, double Seconds) Sent(RecordedRequest create)
    {
        var path = create.Path[..create.Path.LastIndexOf(':')];
        return (path[(path.LastIndexOf('/') + 1)..], create.Json().GetProperty("parameters").GetProperty("durationSeconds").GetDouble());
    }

    public static string? Violation(JsonElement body)
    {
        var instance = body.GetProperty("instances")[0];
        var parameters = body.GetProperty("parameters");
        foreach (var field in instance.EnumerateObject().Where(f => !InstanceFields.Contains(f.Name)))
            return $"Invalid JSON payload received. Unknown name \"{field.Name}\" at 'instances[0]': Cannot find field.";
        foreach (var field in parameters.EnumerateObject().Where(f => !Parameters.Contains(f.Name)))
            return $"Invalid JSON payload received. Unknown name \"{field.Name}\" at 'parameters': Cannot find field.";
        if (string.IsNullOrEmpty(instance.GetProperty("prompt").GetString())) return "prompt is required.";

        var references = instance.TryGetProperty("referenceImages", out var list) ? list.GetArrayLength() : 0;
        if (references > 0 && instance.TryGetProperty("image", out _)) return "Image and reference images cannot be combined.";
        if (references > 3) return $"At most 3 reference images are supported, got {references}.";
        var aspect = parameters.TryGetProperty("aspectRatio", out var a) ? a.GetString() : "16:9";
        if (aspect is not ("16:9" or "9:16")) return $"Unsupported aspect ratio: {aspect}. Supported: 16:9, 9:16.";
        if (references > 0 && aspect != "16:9") return "Reference images are supported only with aspect ratio 16:9.";
        var resolution = parameters.TryGetProperty("resolution", out var r) ? r.GetString() : "720p";
        if (resolution is not ("720p" or "1080p" or "4k")) return $"Unsupported resolution: {resolution}.";
        if (!parameters.TryGetProperty("durationSeconds", out var d) || d.ValueKind != JsonValueKind.Number) return "durationSeconds must be a number.";
        var seconds = d.GetInt32();
        if (seconds is not (4 or 6 or 8)) return $"Unsupported duration: {seconds} s. Supported: 4, 6, 8.";
        if (seconds != 8 && references > 0) return "Requests with reference images must be 8 seconds long.";
        if (seconds != 8 && resolution != "720p") return $"Requests at {resolution} must be 8 seconds long.";
        return null;
    }
}
