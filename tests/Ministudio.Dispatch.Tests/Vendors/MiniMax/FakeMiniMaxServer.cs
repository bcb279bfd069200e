using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Ministudio.Dispatch.Tests.Vendors.HostedFakes;

namespace Ministudio.Dispatch.Tests.Vendors.MiniMax;

/// <summary>
/// MiniMax's video API as its reference describes it: bearer key, HTTP 200 answers whose base_resp carries MiniMax's
/// status code (1002 rate limit, 1004 auth, 1008 balance, 1026/1027 sensitive content, 2013 invalid params),
/// create → task_id, query Preparing → Queueing → Processing → Success (file_id) or Fail, and files/retrieve giving
/// the download_url.
/// </summary>
public sealed class FakeMiniMaxServer
{
    public const string ApiKey = "minimax-test-key";

    private readonly ConcurrentDictionary<string, VideoTask> _tasks = new();

    private FakeMiniMaxServer(VendorFakeHost host) => Host = host;

    public VendorFakeHost Host { get; private set; }

    /// <summary>A MiniMax status code to answer the create call with (e.g. 1008 for no balance).</summary>
    public (int Code, string Message)? CreateError { get; set; }

    /// <summary>Rate limits come from the gateway in front (HTTP 429 with Retry-After) instead of base_resp 1002.</summary>
    public bool RateLimitAtGateway { get; set; }

    public static async Task<FakeMiniMaxServer> StartAsync()
    {
        FakeMiniMaxServer fake = null!;
        var host = await VendorFakeHost.StartAsync((app, host) =>
        {
            fake = new FakeMiniMaxServer(host);
            app.MapPost("/v1/video_generation", (Func<HttpContext, Task<IResult>>)fake.CreateAsync);
            app.MapGet("/v1/query/video_generation", (HttpContext context, string? task_id) => fake.Query(context, task_id));
            app.MapGet("/v1/files/retrieve", (HttpContext context, string? file_id) => fake.Retrieve(context, file_id));
            app.MapGet("/cdn/{id}.mp4", async (string id) => Results.Bytes(await SampleClip.BytesAsync(), "video/mp4"));
        });
        fake.Host = host;
        return fake;
    }

    private async Task<IResult> CreateAsync(HttpContext context)
    {
        if (Unauthorized(context) is { } denied) return denied;
        if (CreateError is { } error) return Status(error.Code, error.Message);
        switch (Host.Create)
        {
            case CreateAnswer.RateLimited when RateLimitAtGateway:
                context.Response.Headers.RetryAfter = "7";
                return Results.Text("Too Many Requests", statusCode: 429);
            case CreateAnswer.RateLimited:
                return Status(1002, "rate limit exceeded(RPM)");
            case CreateAnswer.BadRequest:
                return Status(2013, "invalid params, duration");
            case CreateAnswer.Unsafe:
                return Status(1026, "input new_sensitive");
            case CreateAnswer.ServerError:
                return Status(1000, "unknown error");
        }

        var body = (await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted))!.AsObject();
        if (string.IsNullOrEmpty((string?)body["model"]) || string.IsNullOrEmpty((string?)body["prompt"])) return Status(2013, "invalid params, model and prompt are required");
        if ((int?)body["duration"] is not (6 or 10)) return Status(2013, "invalid params, duration");
        if ((string?)body["resolution"] is not ("768P" or "1080P")) return Status(2013, "invalid params, resolution");
        if ((string?)body["first_frame_image"] is { } image && !image.StartsWith("data:image/", StringComparison.Ordinal) && !image.StartsWith("http", StringComparison.Ordinal))
            return Status(2013, "invalid params, first_frame_image");

        var task = new VideoTask { Id = Random.Shared.NextInt64(100_000_000_000, 999_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture) };
        _tasks[task.Id] = task;
        return Results.Json(new { task_id = task.Id, base_resp = new { status_code = 0, status_msg = "success" } });
    }

    private IResult Query(HttpContext context, string? taskId)
    {
        if (Unauthorized(context) is { } denied) return denied;
        if (taskId is null || !_tasks.TryGetValue(taskId, out var task)) return Status(2013, "invalid params, task_id");
        var code = 0;
        var message = "success";
        if (task.Status is "Preparing" or "Queueing" or "Processing")
        {
            switch (Host.NextPoll(ref task.Polls))
            {
                case PollStep.ServerError:
                    return Status(1000, "unknown error");
                case PollStep.Working:
                    task.Status = (task.Polls - Host.FailingPolls) switch { 1 => "Preparing", 2 => "Queueing", _ => "Processing" };
                    break;
                default:
                    (task.Status, task.Code, task.Message) = Host.Ending switch
                    {
                        TaskEnding.Succeed => ("Success", 0, "success"),
                        TaskEnding.Unsafe => ("Fail", 1027, "output new_sensitive"),
                        _ => ("Fail", 0, "success"),
                    };
                    break;
            }
        }
        if (task.Status == "Fail") (code, message) = (task.Code, task.Message);
        return Results.Json(new Dictionary<string, object?>
        {
            ["task_id"] = task.Id,
            ["status"] = task.Status,
            ["file_id"] = task.Status == "Success" ? task.FileId : "",
            ["video_width"] = task.Status == "Success" ? 1366 : 0,
            ["video_height"] = task.Status == "Success" ? 768 : 0,
            ["base_resp"] = new { status_code = code, status_msg = message },
        });
    }

    private IResult Retrieve(HttpContext context, string? fileId)
    {
        if (Unauthorized(context) is { } denied) return denied;
        if (!long.TryParse(fileId, out var id) || !_tasks.Values.Any(t => t.FileId == fileId && t.Status == "Success"))
            return Status(2013, "invalid params, file_id");
        return Results.Json(new
        {
            file = new { file_id = id, bytes = 5896337, created_at = 1700469398, filename = "output_aigc.mp4", purpose = "video_generation", download_url = Host.Url($"cdn/{fileId}.mp4") },
            base_resp = new { status_code = 0, status_msg = "success" },
        });
    }

    private static IResult Status(int code, string message) => Results.Json(new { base_resp = new { status_code = code, status_msg = message } });

    private static IResult? Unauthorized(HttpContext context) =>
        context.Request.Headers.Authorization == $"Bearer {ApiKey}"
            ? null
            : Status(1004, "login fail: Please carry the API secret key in the 'Authorization' field of the request header");

    private sealed class VideoTask
    {
        public required string Id;
        public string FileId = Random.Shared.NextInt64(100_000_000_000_000, 999_999_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        public string Status = "Preparing";
        public int Code;
        public string Message = "success";
        public int Polls;
    }
}
