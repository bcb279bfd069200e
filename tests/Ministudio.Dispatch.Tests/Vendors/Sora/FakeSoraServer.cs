using System.Buffers.Binary;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Ministudio.Dispatch.Tests.Vendors.Sora;

/// <summary>
/// OpenAI's videos API as documented: bearer key; POST /v1/videos as multipart (model, prompt, seconds, size,
/// input_reference that must match the size); video objects queued → in_progress (progress 0–100) → completed or
/// failed (error.code, e.g. moderation_blocked); GET …/content for the MP4; DELETE
/// only for finished videos; errors as {"error": {message, type, param, code}}.
/// </summary>
public sealed class FakeSoraServer : FakeVendorServer
{
    public const string ApiKey = "test-key";
    private static readonly string[] Sizes = ["720x1280", "1280x720", "1024x1792", "1792x1024"];
    private readonly ConcurrentDictionary<string, string> _status = new();
    private readonly ConcurrentDictionary<string, (string Model, string Seconds, string Size)> _videos = new();

    protected override void MapRoutes(WebApplication app)
    {
        var api = app.MapGroup("/v1/videos").AddEndpointFilter(async (context, next) =>
            context.HttpContext.Request.Headers.Authorization == $"Bearer {ApiKey}"
                ? await next(context)
                : Error(401, "Incorrect API key provided.", "invalid_api_key"));
        api.MapPost("", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            var size = form["size"].ToString();
            var seconds = form["seconds"].ToString();
            if (string.IsNullOrEmpty(form["prompt"])) return Error(400, "Missing required parameter: 'prompt'.", null);
            if (!Sizes.Contains(size)) return Error(400, $"Invalid value: '{size}'. Supported values are: {string.Join(", ", Sizes)}.", "invalid_value");
            if (seconds is not ("4" or "8" or "12")) return Error(400, $"Invalid value: '{seconds}'. Supported values are: '4', '8', and '12'.", "invalid_value");
            if (form.Files.GetFile("input_reference") is { } reference)
            {
                using var stream = new MemoryStream();
                await reference.CopyToAsync(stream);
                var bytes = stream.ToArray();
                var actual = $"{BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16))}x{BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20))}";
                if (actual != size) return Error(400, "Inpaint image must match the requested width and height", null);
            }
            return Json(Start(form["model"].ToString(), seconds, size));
        });
        api.MapGet("/{id}", (string id) =>
        {
            if (!_videos.ContainsKey(id)) return Error(404, "Video not found", null);
            return Advance(id) switch
            {
                FakeState.Queued => Json(VideoObject(id, "queued", 0)),
                FakeState.Running running => Json(VideoObject(id, "in_progress", (int)(running.Progress * 100))),
                FakeState.Succeeded => Json(VideoObject(id, "completed", 100)),
                FakeState.Failed { Kind: FakeFailure.Safety } => Json(VideoObject(id, "failed", 0, new { code = "moderation_blocked", message = "Your request was blocked by our moderation system." })),
                _ => Json(VideoObject(id, "failed", 0, new { code = "video_generation_failed", message = "Video generation failed." })),
            };
        });
        api.MapGet("/{id}/content", (string id) =>
            _status.GetValueOrDefault(id) == "completed" ? Results.Bytes(Video, "video/mp4") : Error(404, "Video is not ready.", null));
        api.MapDelete("/{id}", (string id) =>
            _status.GetValueOrDefault(id) is "completed" or "failed"
                ? Json(new { id, @object = "video.deleted", deleted = true })
                : Error(400, "Only completed or failed videos can be deleted.", null));
    }

    private object Start(string model, string seconds, string size)
    {
        var id = $"video_{Guid.NewGuid():N}";
        _videos[id] = (model, seconds, size);
        return VideoObject(id, "queued", 0);
    }

    private object VideoObject(string id, string status, int progress, object? error = null)
    {
        _status[id] = status;
        var video = _videos[id];
        return new
        {
            id,
            @object = "video",
            model = video.Model,
            status,
            progress,
            created_at = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            size = video.Size,
            seconds = video.Seconds,
            error,
        };
    }

    private static IResult Error(int status, string message, string? code) =>
        Json(new { error = new { message, type = "invalid_request_error", param = (string?)null, code } }, status);
}
