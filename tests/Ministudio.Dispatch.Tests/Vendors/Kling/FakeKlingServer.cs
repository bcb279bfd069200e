using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Ministudio.Dispatch.Tests.Vendors.HostedFakes;

namespace Ministudio.Dispatch.Tests.Vendors.Kling;

/// <summary>
/// Kling's video API as its general-information and video pages describe it: a bearer JWT (HS256, iss = access key,
/// nbf/exp) checked here for signature and time, the {code, message, request_id, data} envelope with Kling's service
/// codes and matching HTTP statuses, text2video/image2video create and query, submitted → processing → succeed/failed
/// with task_status_msg, and task_result.videos[].url to download.
/// </summary>
public sealed class FakeKlingServer
{
    public const string AccessKey = "kling-access-key";
    public const string SecretKey = "kling-secret-key-0123456789";

    private readonly ConcurrentDictionary<string, KlingTask> _tasks = new();

    private FakeKlingServer(VendorFakeHost host) => Host = host;

    public VendorFakeHost Host { get; private set; }

    /// <summary>A Kling error to answer the create call with (HTTP status, service code, message), e.g. 1102 for no balance.</summary>
    public (int Http, int Code, string Message)? CreateError { get; set; }

    /// <summary>The claims of the last valid token, for checking what the client signed.</summary>
    public JsonObject? LastClaims { get; private set; }

    public static async Task<FakeKlingServer> StartAsync()
    {
        FakeKlingServer fake = null!;
        var host = await VendorFakeHost.StartAsync((app, host) =>
        {
            fake = new FakeKlingServer(host);
            app.MapPost("/v1/videos/{kind}", (HttpContext context, string kind) => fake.Create(context, kind));
            app.MapGet("/v1/videos/{kind}/{taskId}", (HttpContext context, string kind, string taskId) => fake.Query(context, kind, taskId));
            app.MapGet("/cdn/{id}.mp4", async (string id) => Results.Bytes(await SampleClip.BytesAsync(), "video/mp4"));
        });
        fake.Host = host;
        return fake;
    }

    private async Task<IResult> Create(HttpContext context, string kind)
    {
        if (Authenticate(context) is { } denied) return denied;
        if (kind is not ("text2video" or "image2video" or "multi-image2video")) return Envelope(404, 1203, "Requested resource does not exist", null);
        if (CreateError is { } error) return Envelope(error.Http, error.Code, error.Message, null);
        switch (Host.Create)
        {
            case CreateAnswer.RateLimited:
                context.Response.Headers.RetryAfter = "5";
                return Envelope(429, 1302, "API request rate exceeds the limit", null);
            case CreateAnswer.BadRequest:
                return Envelope(400, 1201, "Invalid request parameters: duration", null);
            case CreateAnswer.Unsafe:
                return Envelope(400, 1301, "Trigger the content security policy of the platform", null);
            case CreateAnswer.ServerError:
                return Envelope(500, 5000, "Server internal error", null);
        }

        var body = (await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted))!.AsObject();
        if (body["duration"]?.GetValue<string>() is not ("5" or "10")) return Envelope(400, 1201, "duration must be \"5\" or \"10\"", null);
        var model = (string?)body["model_name"];
        if (string.IsNullOrEmpty(model)) return Envelope(400, 1201, "model_name is required", null);
        // Kling documents cfg_scale as unsupported on v2.x models, and multi-image-to-video only on kling-v1-6.
        if (body["cfg_scale"] is not null && model.StartsWith("kling-v2", StringComparison.Ordinal))
            return Envelope(400, 1201, $"cfg_scale is not supported by {model}", null);
        if (kind == "multi-image2video" && model != "kling-v1-6") return Envelope(400, 1201, $"model_name {model} is not supported for multi-image2video", null);
        if (body["aspect_ratio"] is { } aspect && (string?)aspect is not ("16:9" or "9:16" or "1:1")) return Envelope(400, 1201, "aspect_ratio must be 16:9, 9:16 or 1:1", null);
        if (kind == "image2video")
        {
            // Kling takes bare base64 here; a data: prefix is refused.
            var image = (string?)body["image"];
            if (image is null || image.StartsWith("data:", StringComparison.Ordinal)) return Envelope(400, 1201, "image must be base64 without a data: prefix", null);
        }
        else if (kind == "multi-image2video")
        {
            if (body["image_list"] is not JsonArray { Count: >= 1 and <= 4 } images || images.Any(i => ((string?)i?["image"])?.StartsWith("data:", StringComparison.Ordinal) != false))
                return Envelope(400, 1201, "image_list must hold 1 to 4 images as base64 without a data: prefix", null);
        }
        else if (string.IsNullOrEmpty((string?)body["prompt"]))
        {
            return Envelope(400, 1201, "prompt is required", null);
        }

        var task = new KlingTask { Id = Random.Shared.NextInt64(100_000_000_000_000, 999_999_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture), Kind = kind };
        _tasks[task.Id] = task;
        return Envelope(200, 0, "SUCCEED", Data(task));
    }

    private IResult Query(HttpContext context, string kind, string taskId)
    {
        if (Authenticate(context) is { } denied) return denied;
        if (!_tasks.TryGetValue(taskId, out var task) || task.Kind != kind) return Envelope(404, 1203, "Requested task does not exist", null);
        if (task.Status is "submitted" or "processing")
        {
            switch (Host.NextPoll(ref task.Polls))
            {
                case PollStep.ServerError:
                    return Envelope(503, 5001, "Server temporarily unavailable", null);
                case PollStep.Working:
                    task.Status = task.Polls == Host.FailingPolls + 1 ? "submitted" : "processing";
                    break;
                default:
                    (task.Status, task.Message) = Host.Ending switch
                    {
                        TaskEnding.Succeed => ("succeed", ""),
                        TaskEnding.Unsafe => ("failed", "Failure to pass the risk control system"),
                        _ => ("failed", "Internal error, please try again later"),
                    };
                    break;
            }
        }
        return Envelope(200, 0, "SUCCEED", Data(task));
    }

    private object Data(KlingTask task) => new Dictionary<string, object?>
    {
        ["task_id"] = task.Id,
        ["task_status"] = task.Status,
        ["task_status_msg"] = task.Message,
        ["created_at"] = 1722769557708,
        ["updated_at"] = 1722769557708,
        ["task_result"] = task.Status == "succeed"
            ? new { videos = new[] { new { id = $"video-{task.Id}", url = Host.Url($"cdn/{task.Id}.mp4"), duration = "5.1" } } }
            : null,
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

    private sealed class KlingTask
    {
        public required string Id;
        public required string Kind;
        public string Status = "submitted";
        public string Message = "";
        public int Polls;
    }
}
