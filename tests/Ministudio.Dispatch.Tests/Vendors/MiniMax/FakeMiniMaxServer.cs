using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Ministudio.Dispatch.Tests.Vendors.MiniMax;

/// <summary>
/// MiniMax's video API as its reference describes it (platform.minimax.io/docs/api-reference/video-generation-t2v,
/// -i2v, -s2v): bearer key, HTTP 200 answers whose base_resp carries MiniMax's status code (1002 rate limit, 1004
/// auth, 1008 balance, 1026/1027 sensitive content, 2013 invalid params), create → task_id, query Queueing →
/// Processing → Success (file_id) or Fail, and files/retrieve giving the download_url.
/// </summary>
public sealed class FakeMiniMaxServer : FakeVideoServer
{
    public const string ApiKey = "test-key";
    public const int PromptLimit = 2000;

    /// <summary>The body MiniMax answers an invalid parameter with (HTTP 200, code 2013).</summary>
    public static string InvalidParams(string what) => BaseResponse(2013, $"invalid params, {what}");

    /// <summary>MiniMax's answer carrying only its status code.</summary>
    public static string BaseResponse(int code, string message) =>
        System.Text.Json.JsonSerializer.Serialize(new { base_resp = new { status_code = code, status_msg = message } });

    /// <summary>
    /// What MiniMax refuses, per model. MiniMax-Hailuo-02: 6 or 10 s; 512P (image-to-video only), 768P or 1080P, and
    /// 1080P only for 6 s; no subject reference. S2V-01: 6 s at 720P, exactly one "character" subject reference, no
    /// first frame. Every model: a prompt of at most 2000 characters, images as data URIs or http(s) URLs.
    /// </summary>
    public static string? Violation(JsonObject body)
    {
        var model = (string?)body["model"];
        var prompt = (string?)body["prompt"];
        if (prompt is { Length: > PromptLimit }) return "prompt exceeds 2000 characters";
        var firstFrame = (string?)body["first_frame_image"];
        if (firstFrame is not null && !IsImage(firstFrame)) return "first_frame_image";
        var duration = body["duration"] is JsonValue d && d.TryGetValue<int>(out var seconds) ? seconds : (int?)null;
        if (body["duration"] is not null && duration is null) return "duration must be an integer";
        var resolution = (string?)body["resolution"];
        switch (model)
        {
            case "MiniMax-Hailuo-02":
                if (firstFrame is null && string.IsNullOrEmpty(prompt)) return "prompt is required";
                if (body["subject_reference"] is not null) return "subject_reference is only for S2V-01";
                if (duration is not (null or 6 or 10)) return "duration";
                if (resolution is not (null or "512P" or "768P" or "1080P")) return "resolution";
                if (resolution == "512P" && firstFrame is null) return "resolution 512P needs first_frame_image";
                if (resolution == "1080P" && duration is 10) return "1080P supports 6 s only";
                return null;
            case "S2V-01":
                if (firstFrame is not null) return "first_frame_image is not supported by S2V-01";
                if (duration is not (null or 6)) return "duration";
                if (resolution is not (null or "720P")) return "resolution";
                if (body["subject_reference"] is not JsonArray { Count: 1 } subjects || subjects[0] is not JsonObject subject ||
                    (string?)subject["type"] != "character" ||
                    subject["image"] is not JsonArray { Count: 1 } images || !IsImage((string?)images[0]))
                    return "subject_reference must hold one character with one image";
                return null;
            default:
                return $"model {model}";
        }
    }

    private static bool IsImage(string? value) =>
        value is not null && (value.StartsWith("data:image/", StringComparison.Ordinal) || value.StartsWith("https://", StringComparison.Ordinal) || value.StartsWith("http://", StringComparison.Ordinal));

    protected override void MapVendorRoutes(WebApplication app)
    {
        var api = app.MapGroup("/v1").AddEndpointFilter(async (context, next) =>
            context.HttpContext.Request.Headers.Authorization == $"Bearer {ApiKey}"
                ? await next(context)
                : Status(1004, "login fail: Please carry the API secret key in the 'Authorization' field of the request header"));
        api.MapPost("/video_generation", (JsonObject body) =>
        {
            if (Violation(body) is { } violation) return Results.Text(InvalidParams(violation), "application/json");
            var id = Random.Shared.NextInt64(100_000_000_000, 999_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Json(new { task_id = id, base_resp = new { status_code = 0, status_msg = "success" } });
        });
        api.MapGet("/query/video_generation", (string? task_id) =>
        {
            if (task_id is null) return Status(2013, "invalid params, task_id");
            ExpireDownload(task_id);
            var (status, code, message) = Advance(task_id) switch
            {
                FakeState.Queued => ("Queueing", 0, "success"),
                FakeState.Running => ("Processing", 0, "success"),
                FakeState.Succeeded => ("Success", 0, "success"),
                FakeState.Failed { Kind: FakeFailure.Safety } => ("Fail", 1027, "output new_sensitive"),
                _ => ("Fail", 0, "success"),
            };
            return Json(new Dictionary<string, object?>
            {
                ["task_id"] = task_id,
                ["status"] = status,
                ["file_id"] = status == "Success" ? $"9{task_id}" : "",
                ["video_width"] = status == "Success" ? 1366 : 0,
                ["video_height"] = status == "Success" ? 768 : 0,
                ["base_resp"] = new { status_code = code, status_msg = message },
            });
        });
        api.MapGet("/files/retrieve", (string? file_id) =>
        {
            if (file_id is not ['9', .. var task] || !long.TryParse(file_id, out var id)) return Status(2013, "invalid params, file_id");
            return Json(new
            {
                file = new { file_id = id, bytes = Video.Length, created_at = 1700469398, filename = "output_aigc.mp4", purpose = "video_generation", download_url = DownloadUrl(task) },
                base_resp = new { status_code = 0, status_msg = "success" },
            });
        });
    }

    private static IResult Status(int code, string message) => Json(new { base_resp = new { status_code = code, status_msg = message } });
}
