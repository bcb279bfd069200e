using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Ministudio.Dispatch.Tests.Vendors.Kling;

/// <summary>
/// Kling's video API as its general-information and video pages describe it: a bearer JWT (HS256, iss = access key,
/// nbf/exp) checked here for signature and time, the {code, message, request_id, data} envelope with Kling's service
/// codes and matching HTTP statuses, text2video/image2video/multi-image2video create and query, submitted →
/// processing → succeed/failed with task_status_msg, and task_result.videos[].url to download.
/// </summary>
public sealed class FakeKlingServer : FakeVideoServer
{
    public const string AccessKey = "test-key";
    public const string SecretKey = "kling-secret-key-0123456789";

    private readonly ConcurrentDictionary<string, string> _kinds = new();

    /// <summary>The claims of the last valid token, for checking what the client signed.</summary>
    public JsonObject? LastClaims { get; private set; }

    /// <summary>Kling's error envelope as its HTTP answer carries it.</summary>
    public static string Error(int code, string message) =>
        JsonSerializer.Serialize(new { code, message, request_id = Guid.NewGuid().ToString(), data = (object?)null });

    protected override void MapVendorRoutes(WebApplication app)
    {
        app.MapPost("/v1/videos/{kind}", (HttpContext context, string kind, JsonObject body) => Create(context, kind, body));
        app.MapGet("/v1/videos/{kind}/{taskId}", (HttpContext context, string kind, string taskId) => Query(context, kind, taskId));
    }

    /// <summary>
    /// What Kling refuses: durations other than "5" or "10", a missing model_name, cfg_scale on v2.x models,
    /// multi-image-to-video on anything but kling-v1-6, aspect ratios other than 16:9, 9:16 and 1:1, images with a
    /// data: prefix, more than four images, a text-to-video request without a prompt, prompts over 2500 characters.
    /// </summary>
    public static string? Violation(string kind, JsonObject body)
    {
        if (body["duration"] is not JsonValue duration || !duration.TryGetValue<string>(out var seconds) || seconds is not ("5" or "10")) return "duration must be \"5\" or \"10\"";
        var model = (string?)body["model_name"];
        if (string.IsNullOrEmpty(model)) return "model_name is required";
        if (body["cfg_scale"] is not null && model.StartsWith("kling-v2", StringComparison.Ordinal)) return $"cfg_scale is not supported by {model}";
        if (kind == "multi-image2video" && model != "kling-v1-6") return $"model_name {model} is not supported for multi-image2video";
        if (body["aspect_ratio"] is { } aspect && (string?)aspect is not ("16:9" or "9:16" or "1:1")) return "aspect_ratio must be 16:9, 9:16 or 1:1";
        if (((string?)body["prompt"])?.Length > 2500 || ((string?)body["negative_prompt"])?.Length > 2500) return "prompt and negative_prompt take at most 2500 characters";
        return kind switch
        {
            // Kling takes bare base64; a data: prefix is refused.
            "image2video" when (string?)body["image"] is not { } image || image.StartsWith("data:", StringComparison.Ordinal) => "image must be base64 without a data: prefix",
            "multi-image2video" when body["image_list"] is not JsonArray { Count: >= 1 and <= 4 } images
                || images.Any(i => ((string?)i?["image"])?.StartsWith("data:", StringComparison.Ordinal) != false) => "image_list must hold 1 to 4 images as base64 without a data: prefix",
            "text2video" when string.IsNullOrEmpty((string?)body["prompt"]) => "prompt is required",
            _ => null,
        };
    }

    private IResult Create(HttpContext context, string kind, JsonObject body)
    {
        if (Authenticate(context) is { } denied) return denied;
        if (kind is not ("text2video" or "image2video" or "multi-image2video")) return Envelope(404, 1203, "Requested resource does not exist", null);
        if (Violation(kind, body) is { } violation) return Envelope(400, 1201, $"Invalid request parameters: {violation}", null);
        var id = Random.Shared.NextInt64(100_000_000_000_000, 999_999_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        _kinds[id] = kind;
        return Envelope(200, 0, "SUCCEED", Data(id, "submitted", "", null));
    }

    private IResult Query(HttpContext context, string kind, string taskId)
    {
        if (Authenticate(context) is { } denied) return denied;
        if (!_kinds.TryGetValue(taskId, out var created) || created != kind) return Envelope(404, 1203, "Requested task does not exist", null);
        ExpireDownload(taskId);
        return Advance(taskId) switch
        {
            FakeState.Queued => Envelope(200, 0, "SUCCEED", Data(taskId, "submitted", "", null)),
            FakeState.Running => Envelope(200, 0, "SUCCEED", Data(taskId, "processing", "", null)),
            FakeState.Succeeded => Envelope(200, 0, "SUCCEED", Data(taskId, "succeed", "", DownloadUrl(taskId))),
            FakeState.Failed { Kind: FakeFailure.Safety } => Envelope(200, 0, "SUCCEED", Data(taskId, "failed", "Failure to pass the risk control system", null)),
            _ => Envelope(200, 0, "SUCCEED", Data(taskId, "failed", "Internal error, please try again later", null)),
        };
    }

    private static Dictionary<string, object?> Data(string id, string status, string message, string? video) => new()
    {
        ["task_id"] = id,
        ["task_status"] = status,
        ["task_status_msg"] = message,
        ["created_at"] = 1722769557708,
        ["updated_at"] = 1722769557708,
        ["task_result"] = video is null ? null : new { videos = new[] { new { id = $"video-{id}", url = video, duration = "5.1" } } },
    };

    private static IResult Envelope(int http, int code, string message, object? data) =>
        Results.Json(new { code, message, request_id = Guid.NewGuid().ToString(), data }, statusCode: http);

    /// <summary>Kling's token rules: HS256 signed with the secret key, issued by the access key, inside nbf..exp.</summary>
    private IResult? Authenticate(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (header.Length == 0) return Envelope(401, 1001, "Authorization is empty", null);
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal)) return Envelope(401, 1002, "Authorization is invalid", null);
        var parts = header["Bearer ".Length..].Split('.');
        if (parts.Length != 3) return Envelope(401, 1002, "Authorization is invalid", null);
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(SecretKey), Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"));
        JsonObject claims;
        try
        {
            if (!CryptographicOperations.FixedTimeEquals(expected, FromBase64Url(parts[2])))
                return Envelope(401, 1002, "Authorization is invalid", null);
            if ((string?)JsonNode.Parse(FromBase64Url(parts[0]))!["alg"] != "HS256") return Envelope(401, 1002, "Authorization is invalid", null);
            claims = JsonNode.Parse(FromBase64Url(parts[1]))!.AsObject();
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return Envelope(401, 1002, "Authorization is invalid", null);
        }
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if ((string?)claims["iss"] != AccessKey) return Envelope(401, 1000, "Authentication failed", null);
        if ((long?)claims["nbf"] is not { } notBefore || notBefore > now) return Envelope(401, 1003, "Authorization is not yet valid", null);
        if ((long?)claims["exp"] is not { } expires || expires <= now) return Envelope(401, 1004, "Authorization has expired", null);
        LastClaims = claims;
        return null;
    }

    private static byte[] FromBase64Url(string value)
    {
        var base64 = value.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '='));
    }
}
