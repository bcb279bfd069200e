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
public sealed class FakeLumaServer : FakeVendorServer
{
    public const string ApiKey = "test-key";
    private readonly ConcurrentDictionary<string, bool> _deleted = new();

    protected override void MapRoutes(WebApplication app)
    {
        var api = app.MapGroup("/dream-machine/v1").AddEndpointFilter(async (context, next) =>
            context.HttpContext.Request.Headers.Authorization == $"Bearer {ApiKey}"
                ? await next(context)
                : Results.Json(new { detail = "Invalid API key provided" }, statusCode: 401));
        // Video creation moved to /generations/video (Luma's OpenAPI reference, 2025-05-27); the old path is gone.
        api.MapPost("/generations", () => Json(new { detail = "Not Found" }, 404));
        api.MapPost("/generations/video", (JsonElement body) =>
        {
            if (body.TryGetProperty("keyframes", out var keyframes) &&
                !keyframes.GetProperty("frame0").GetProperty("url").GetString()!.StartsWith("http", StringComparison.Ordinal))
                return Json(new { detail = "keyframes.frame0.url must be an http(s) URL" }, 400);
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
