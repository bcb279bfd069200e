using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Ministudio.Dispatch.Tests.Vendors.Runway;

/// <summary>
/// Runway's API as documented: bearer key plus X-Runway-Version on every call, image_to_video and text_to_video
/// answering {id}, tasks going PENDING → RUNNING (progress 0–1) → SUCCEEDED (output URLs) or FAILED (failureCode),
/// DELETE /v1/tasks/{id} cancelling, and errors as {"error": "..."}.
/// </summary>
public sealed class FakeRunwayServer : FakeVendorServer
{
    public const string ApiKey = "test-key";
    public const string ApiVersion = "2024-11-06";
    private readonly ConcurrentDictionary<string, bool> _cancelled = new();

    protected override void MapRoutes(WebApplication app)
    {
        var api = app.MapGroup("/v1").AddEndpointFilter(async (context, next) =>
        {
            var request = context.HttpContext.Request;
            if (request.Headers.Authorization != $"Bearer {ApiKey}")
                return Results.Json(new { error = "Invalid API key" }, statusCode: 401);
            if (request.Headers["X-Runway-Version"] != ApiVersion)
                return Results.Json(new { error = "X-Runway-Version header is missing or invalid" }, statusCode: 400);
            return await next(context);
        });
        api.MapPost("/image_to_video", (JsonElement body) => Create(body, imageRequired: true));
        api.MapPost("/text_to_video", (JsonElement body) => Create(body, imageRequired: false));
        api.MapGet("/tasks/{id}", (string id) =>
        {
            if (_cancelled.ContainsKey(id)) return Json(new { id, status = "CANCELLED", createdAt = DateTimeOffset.UtcNow });
            return Advance(id) switch
            {
                FakeState.Queued => Json(new { id, status = "PENDING", createdAt = DateTimeOffset.UtcNow }),
                FakeState.Running running => Json(new { id, status = "RUNNING", progress = running.Progress, createdAt = DateTimeOffset.UtcNow }),
                FakeState.Succeeded => Json(new { id, status = "SUCCEEDED", output = new[] { DownloadUrl(id) }, createdAt = DateTimeOffset.UtcNow }),
                FakeState.Failed { Kind: FakeFailure.Safety } => Json(new { id, status = "FAILED", failure = "Your prompt did not pass our content moderation.", failureCode = "SAFETY.INPUT.TEXT", createdAt = DateTimeOffset.UtcNow }),
                _ => Json(new { id, status = "FAILED", failure = "An unexpected error occurred.", failureCode = "INTERNAL.BAD_OUTPUT.CODE01", createdAt = DateTimeOffset.UtcNow }),
            };
        });
        api.MapDelete("/tasks/{id}", (string id) =>
        {
            _cancelled[id] = true;
            return Results.NoContent();
        });
    }

    private static IResult Create(JsonElement body, bool imageRequired)
    {
        if (!body.TryGetProperty("model", out _) || !body.TryGetProperty("ratio", out _))
            return Json(new { error = "Validation of body failed: model and ratio are required" }, 400);
        if (imageRequired && !body.TryGetProperty("promptImage", out _))
            return Json(new { error = "Validation of body failed: promptImage is required" }, 400);
        return Json(new { id = Guid.NewGuid().ToString() });
    }
}
