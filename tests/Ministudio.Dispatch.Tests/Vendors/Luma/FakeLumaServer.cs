using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Ministudio.Dispatch.Tests.Vendors.Luma;

/// <summary>
/// Luma Dream Machine as documented: bearer key, POST /dream-machine/v1/generations answering 201 with the
/// generation, states queued → dreaming → completed (assets.video) or failed (failure_reason), DELETE removing a
/// generation, errors as {"detail": "..."}. Keyframe images must be URLs: a bytes payload is refused.
/// </summary>
public sealed class FakeLumaServer : FakeVideoServer
{
    public const string ApiKey = "test-key";

    private static readonly HashSet<string> Fields = ["prompt", "model", "aspect_ratio", "resolution", "duration", "loop", "keyframes", "callback_url", "generation_type"];
    private static readonly HashSet<string> AspectRatios = ["1:1", "16:9", "9:16", "4:3", "3:4", "21:9", "9:21"];

    /// <summary>
    /// What Luma's video creation refuses (as reported in issue 20 and the Dream Machine reference): ray-2 and
    /// ray-flash-2 only, "5s" or "9s", its aspect ratios and resolutions, keyframes from http(s) URLs, no reference images.
    /// </summary>
    private static string? Violation(JsonElement body)
    {
        foreach (var field in body.EnumerateObject().Where(f => !Fields.Contains(f.Name)))
            return $"Extra inputs are not permitted: {field.Name}";
        var model = body.TryGetProperty("model", out var m) ? m.GetString() : null;
        if (model is not ("ray-2" or "ray-flash-2")) return $"model: Input should be 'ray-2' or 'ray-flash-2', got {model}";
        var duration = body.TryGetProperty("duration", out var d) ? d.GetString() : null;
        if (duration is not ("5s" or "9s")) return $"duration: Input should be '5s' or '9s', got {duration}";
        if (body.TryGetProperty("aspect_ratio", out var a) && !AspectRatios.Contains(a.GetString()!)) return $"aspect_ratio: unsupported {a.GetString()}";
        if (body.TryGetProperty("resolution", out var r) && r.GetString() is not ("540p" or "720p" or "1080p" or "4k")) return $"resolution: unsupported {r.GetString()}";
        if (body.TryGetProperty("keyframes", out var keyframes) &&
            !keyframes.GetProperty("frame0").GetProperty("url").GetString()!.StartsWith("http", StringComparison.Ordinal))
            return "keyframes.frame0.url must be an http(s) URL";
        return null;
    }
    private readonly ConcurrentDictionary<string, bool> _deleted = new();

    protected override void MapVendorRoutes(WebApplication app)
    {
        var api = app.MapGroup("/dream-machine/v1").AddEndpointFilter(async (context, next) =>
            context.HttpContext.Request.Headers.Authorization == $"Bearer {ApiKey}"
                ? await next(context)
                : Results.Json(new { detail = "Invalid API key provided" }, statusCode: 401));
        // Video creation moved to /generations/video (Luma's OpenAPI reference, 2025-05-27); the old path is gone.
        api.MapPost("/generations", () => Json(new { detail = "Not Found" }, 404));
        api.MapPost("/generations/video", (JsonElement body) =>
        {
            if (Violation(body) is { } violation) return Json(new { detail = violation }, 400);
            var id = Guid.NewGuid().ToString();
            return Json(Generation(id, "queued"), 201);
        });
        api.MapGet("/generations/{id}", (string id) =>
        {
            if (_deleted.ContainsKey(id)) return Json(new { detail = "Generation not found" }, 404);
            return Advance(id) switch
            {
                FakeState.Queued => Json(Generation(id, "queued")),
                FakeState.Running => Json(Generation(id, "dreaming")),
                FakeState.Succeeded => Json(Generation(id, "completed", video: DownloadUrl(id))),
                FakeState.Failed { Kind: FakeFailure.Safety } => Json(Generation(id, "failed", failure: "400: prompt not allowed because advanced moderation failed")),
                _ => Json(Generation(id, "failed", failure: "Job failed, please try again")),
            };
        });
        api.MapDelete("/generations/{id}", (string id) =>
        {
            _deleted[id] = true;
            return Results.NoContent();
        });
    }

    private static object Generation(string id, string state, string? video = null, string? failure = null) => new
    {
        id,
        generation_type = "video",
        state,
        failure_reason = failure,
        created_at = DateTimeOffset.UtcNow,
        assets = video is null ? null : new { video, image = (string?)null },
        model = "ray-2",
    };
}
