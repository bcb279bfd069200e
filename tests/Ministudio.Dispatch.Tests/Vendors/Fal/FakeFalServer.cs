using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Ministudio.Dispatch.Tests.Vendors.HostedFakes;

namespace Ministudio.Dispatch.Tests.Vendors.Fal;

/// <summary>
/// fal's queue API as its queue reference describes it: <c>Authorization: Key …</c>, submit to the endpoint id, a
/// request id with status/response/cancel URLs under the app id (the endpoint without its sub-path), IN_QUEUE with
/// queue_position → IN_PROGRESS with logs → COMPLETED, the result (or the app's error) at the response URL,
/// PUT cancel, 422 bodies whose detail names the error type, and a file CDN URL for the video.
/// </summary>
public sealed class FakeFalServer
{
    public const string Key = "fal-key-id:fal-key-secret";

    private readonly ConcurrentDictionary<string, QueuedRequest> _requests = new();

    private FakeFalServer(VendorFakeHost host) => Host = host;

    public VendorFakeHost Host { get; private set; }

    /// <summary>Submit answers without status/response/cancel URLs, so the client must build them itself.</summary>
    public bool OmitUrls { get; set; }

    public static async Task<FakeFalServer> StartAsync()
    {
        FakeFalServer fake = null!;
        var host = await VendorFakeHost.StartAsync((app, host) =>
        {
            fake = new FakeFalServer(host);
            app.MapGet("/files/{id}.mp4", async (string id) => Results.Bytes(await SampleClip.BytesAsync(), "video/mp4"));
            app.MapPost("/{**endpoint}", (HttpContext context, string endpoint) => fake.Submit(context, endpoint));
            app.MapGet("/{**path}", (HttpContext context, string path) => fake.Read(context, path));
            app.MapPut("/{**path}", (HttpContext context, string path) => fake.Cancel(context, path));
        });
        fake.Host = host;
        return fake;
    }

    private IResult Submit(HttpContext context, string endpoint)
    {
        if (Unauthorized(context) is { } denied) return denied;
        switch (Host.Create)
        {
            case CreateAnswer.RateLimited:
                context.Response.Headers.RetryAfter = "4";
                return Results.Json(new { detail = "Rate limit exceeded" }, statusCode: 429);
            case CreateAnswer.BadRequest:
                return ValidationError("duration", "unexpected value; permitted: '5', '10'", "value_error");
            case CreateAnswer.Unsafe:
                return ValidationError("prompt", "The content could not be processed because it contained material flagged by a content checker.", "content_policy_violation");
            case CreateAnswer.ServerError:
                return Results.Json(new { detail = "Internal Server Error" }, statusCode: 500);
        }
        // fal-ai/veo3 takes durations as "4s" | "6s" | "8s" (issue 20).
        if (endpoint == "fal-ai/veo3" && (string?)Host.Calls.Last(c => c.Method == "POST").Json?["duration"] is not ("4s" or "6s" or "8s"))
            return ValidationError("duration", "unexpected value; permitted: '4s', '6s', '8s'", "literal_error");
        var id = Guid.NewGuid().ToString();
        // fal answers with URLs under the app id ("owner/app"), not the full endpoint path.
        var app = string.Join('/', endpoint.Split('/').Take(2));
        _requests[id] = new QueuedRequest();
        var base_ = Host.Url($"{app}/requests/{id}");
        return OmitUrls
            ? Results.Json(new { request_id = id })
            : Results.Json(new { request_id = id, response_url = base_, status_url = $"{base_}/status", cancel_url = $"{base_}/cancel", queue_position = 2 });
    }

    private IResult Read(HttpContext context, string path)
    {
        if (Unauthorized(context) is { } denied) return denied;
        var segments = path.Split('/');
        var isStatus = segments[^1] == "status";
        var id = isStatus ? segments[^2] : segments[^1];
        if (!_requests.TryGetValue(id, out var request) || segments[isStatus ? ^3 : ^2] != "requests")
            return Results.Json(new { detail = "Request not found" }, statusCode: 404);
        var responseUrl = Host.Url(string.Join('/', segments[..(isStatus ? ^1 : ^0)]));
        if (!isStatus) return Result(request);

        if (request.Status != "COMPLETED")
        {
            switch (Host.NextPoll(ref request.Polls))
            {
                case PollStep.ServerError:
                    return Results.Json(new { detail = "Service Unavailable" }, statusCode: 503);
                case PollStep.Working:
                    request.Status = request.Polls == Host.FailingPolls + 1 ? "IN_QUEUE" : "IN_PROGRESS";
                    break;
                default:
                    request.Status = "COMPLETED";
                    break;
            }
        }
        var withLogs = context.Request.Query["logs"] == "1";
        return request.Status switch
        {
            "IN_QUEUE" => Results.Json(new { status = "IN_QUEUE", queue_position = 1, response_url = responseUrl }, statusCode: 202),
            "IN_PROGRESS" => Results.Json(new
            {
                status = "IN_PROGRESS",
                response_url = responseUrl,
                logs = withLogs ? new[] { new { message = "Loading model", level = "INFO", source = "user", timestamp = "2025-01-01T00:00:00Z" },
                                          new { message = $"Generating: {Math.Min(90, request.Polls * 40)}%", level = "INFO", source = "user", timestamp = "2025-01-01T00:00:01Z" } } : null,
            }, statusCode: 202),
            _ => Results.Json(new { status = "COMPLETED", response_url = responseUrl, logs = Array.Empty<object>(), metrics = new { inference_time = 1.5 } }),
        };
    }

    private IResult Result(QueuedRequest request)
    {
        if (request.Status != "COMPLETED") return Results.Json(new { detail = "Request is still in progress" }, statusCode: 400);
        return Host.Ending switch
        {
            TaskEnding.Unsafe => ValidationError("prompt", "The content could not be processed because it contained material flagged by a content checker.", "content_policy_violation"),
            TaskEnding.Fail => Results.Json(new { detail = "Internal error while generating the video." }, statusCode: 500),
            _ => Results.Json(new
            {
                video = new { url = Host.Url($"files/{Guid.NewGuid():N}.mp4"), content_type = "video/mp4", file_name = "output.mp4", file_size = 12345 },
            }),
        };
    }

    private IResult Cancel(HttpContext context, string path)
    {
        if (Unauthorized(context) is { } denied) return denied;
        return path.EndsWith("/cancel", StringComparison.Ordinal)
            ? Results.Json(new { status = "CANCELLATION_REQUESTED" }, statusCode: 202)
            : Results.NotFound();
    }

    private static IResult ValidationError(string field, string message, string type) =>
        Results.Json(new { detail = new[] { new { loc = new[] { "body", field }, msg = message, type } } }, statusCode: 422);

    private static IResult? Unauthorized(HttpContext context) =>
        context.Request.Headers.Authorization == $"Key {Key}"
            ? null
            : Results.Json(new { detail = "No user found for Key ID and Secret" }, statusCode: 401);

    private sealed class QueuedRequest
    {
        public string Status = "IN_QUEUE";
        public int Polls;
    }
}
