using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Ministudio.Dispatch.Tests.Vendors.Fal;

/// <summary>
/// fal's queue API as its queue reference describes it: <c>Authorization: Key …</c>, submit to the endpoint id, a
/// request id with status/response/cancel URLs under the app id (the endpoint without its sub-path), IN_QUEUE with
/// queue_position → IN_PROGRESS with logs → COMPLETED, the result (or the app's error) at the response URL,
/// PUT cancel, 422 bodies whose detail names the error type, and a file CDN URL for the video.
/// </summary>
public sealed class FakeFalServer : FakeVideoServer
{
    public const string Key = "test-key";

    private readonly ConcurrentDictionary<string, FakeState> _endings = new();

    /// <summary>Submit answers without status/response/cancel URLs, so the client must build them itself.</summary>
    public bool OmitUrls { get; set; }

    /// <summary>fal's validation error (HTTP 422), as its apps answer a field they refuse.</summary>
    public static string ValidationError(string field, string message, string type) =>
        JsonSerializer.Serialize(new { detail = new[] { new { loc = new[] { "body", field }, msg = message, type } } });

    /// <summary>
    /// What fal's apps refuse. fal-ai/veo3 (fal.ai/models/fal-ai/veo3/api): a prompt, duration "4s" | "6s" | "8s",
    /// aspect_ratio 16:9 or 9:16, resolution 720p or 1080p, no image input. Kling endpoints: duration "5" | "10",
    /// image-to-video with an image_url.
    /// </summary>
    public static (string Field, string Message)? Violation(string endpoint, JsonObject body)
    {
        if (string.IsNullOrEmpty((string?)body["prompt"])) return ("prompt", "field required");
        string? Text(string name) => body[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
        if (endpoint == "fal-ai/veo3")
        {
            if (Text("duration") is not (null or "4s" or "6s" or "8s")) return ("duration", "unexpected value; permitted: '4s', '6s', '8s'");
            if (Text("aspect_ratio") is not (null or "16:9" or "9:16")) return ("aspect_ratio", "unexpected value; permitted: '16:9', '9:16'");
            if (Text("resolution") is not (null or "720p" or "1080p")) return ("resolution", "unexpected value; permitted: '720p', '1080p'");
            if (body["image_url"] is not null) return ("image_url", "extra fields not permitted");
            return null;
        }
        if (endpoint.StartsWith("fal-ai/kling-video/", StringComparison.Ordinal))
        {
            if (Text("duration") is not (null or "5" or "10")) return ("duration", "unexpected value; permitted: '5', '10'");
            if (endpoint.EndsWith("/image-to-video", StringComparison.Ordinal) && Text("image_url") is null) return ("image_url", "field required");
            return null;
        }
        return ("endpoint", $"application {endpoint} not found");
    }

    protected override void MapVendorRoutes(WebApplication app)
    {
        app.MapPost("/{**endpoint}", (HttpContext context, string endpoint, JsonObject body) => Submit(context, endpoint, body));
        app.MapGet("/{**path}", (HttpContext context, string path) => Read(context, path));
        app.MapPut("/{**path}", (HttpContext context, string path) =>
            Unauthorized(context) ?? (path.EndsWith("/cancel", StringComparison.Ordinal)
                ? Json(new { status = "CANCELLATION_REQUESTED" }, 202)
                : Results.NotFound()));
    }

    private IResult Submit(HttpContext context, string endpoint, JsonObject body)
    {
        if (Unauthorized(context) is { } denied) return denied;
        if (Violation(endpoint, body) is var (field, message)) return Results.Text(ValidationError(field, message, "value_error"), "application/json", statusCode: 422);
        var id = Guid.NewGuid().ToString();
        // fal answers with URLs under the app id ("owner/app"), not the full endpoint path.
        var app = string.Join('/', endpoint.Split('/').Take(2));
        _endings[id] = new FakeState.Queued();
        var base_ = Url($"{app}/requests/{id}");
        return OmitUrls
            ? Json(new { request_id = id })
            : Json(new { request_id = id, response_url = base_, status_url = $"{base_}/status", cancel_url = $"{base_}/cancel", queue_position = 2 });
    }

    private IResult Read(HttpContext context, string path)
    {
        if (Unauthorized(context) is { } denied) return denied;
        var segments = path.Split('/');
        var isStatus = segments[^1] == "status";
        var id = isStatus ? segments[^2] : segments[^1];
        if (!_endings.TryGetValue(id, out var ending) || segments[isStatus ? ^3 : ^2] != "requests")
            return Json(new { detail = "Request not found" }, 404);
        if (!isStatus) return Result(id, ending);

        var responseUrl = Url(string.Join('/', segments[..^1]));
        var state = Advance(id);
        if (state is FakeState.Succeeded or FakeState.Failed) _endings[id] = state;
        return state switch
        {
            FakeState.Queued => Json(new { status = "IN_QUEUE", queue_position = 1, response_url = responseUrl }, 202),
            FakeState.Running running => Json(new
            {
                status = "IN_PROGRESS",
                response_url = responseUrl,
                logs = context.Request.Query["logs"] == "1"
                    ? new[] { new { message = "Loading model", level = "INFO", source = "user", timestamp = "2025-01-01T00:00:00Z" },
                              new { message = $"Generating: {running.Progress * 100:0}%", level = "INFO", source = "user", timestamp = "2025-01-01T00:00:01Z" } }
                    : null,
            }, 202),
            _ => Json(new { status = "COMPLETED", response_url = responseUrl, logs = Array.Empty<object>(), metrics = new { inference_time = 1.5 } }),
        };
    }

    private IResult Result(string id, FakeState ending) => ending switch
    {
        FakeState.Succeeded => Json(new { video = new { url = DownloadUrl(id), content_type = "video/mp4", file_name = "output.mp4", file_size = Video.Length } }),
        FakeState.Failed { Kind: FakeFailure.Safety } => Results.Text(ValidationError("prompt",
            "The content could not be processed because it contained material flagged by a content checker.", "content_policy_violation"), "application/json", statusCode: 422),
        FakeState.Failed => Json(new { detail = "Internal error while generating the video." }, 500),
        _ => Json(new { detail = "Request is still in progress" }, 400),
    };

    private static IResult? Unauthorized(HttpContext context) =>
        context.Request.Headers.Authorization == $"Key {Key}"
            ? null
            : Json(new { detail = "No user found for Key ID and Secret" }, 401);
}
