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
public sealed class FakeRunwayServer : FakeVideoServer
{
    public const string ApiKey = "test-key";
    public const string ApiVersion = "2024-11-06";
    private readonly ConcurrentDictionary<string, bool> _cancelled = new();

    protected override void MapVendorRoutes(WebApplication app)
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

    private static IResult Create(JsonElement body, bool imageRequired) =>
        Violation(body, imageRequired) is { } violation
            ? Json(new { error = $"Validation of body failed: {violation}" }, 400)
            : Json(new { id = Guid.NewGuid().ToString() });

    private static readonly HashSet<string> Fields = ["model", "promptText", "ratio", "duration", "promptImage", "seed", "negativePrompt", "contentModeration"];
    private static readonly HashSet<string> Gen4Ratios = ["1280:720", "720:1280", "1104:832", "832:1104", "960:960", "1584:672"];
    private static readonly HashSet<string> VeoRatios = ["1280:720", "720:1280", "1920:1080", "1080:1920"];

    /// <summary>
    /// What Runway's API schema refuses (checked 2026-12-02): gen3a_turbo is gone; gen4 models only from an image,
    /// 2–10 s, their own ratios, no negative prompt; Veo 3.1 models 4/6/8 s at 720p or 1080p; prompts up to 1000
    /// characters; no field the schema does not define (reference images among them).
    /// </summary>
    private static string? Violation(JsonElement body, bool imageEndpoint)
    {
        foreach (var field in body.EnumerateObject().Where(f => !Fields.Contains(f.Name)))
            return $"unrecognized key '{field.Name}'";
        if (!body.TryGetProperty("model", out var m) || !body.TryGetProperty("ratio", out var r)) return "model and ratio are required";
        var (model, ratio) = (m.GetString(), r.GetString());
        if (body.TryGetProperty("promptText", out var text) && text.GetString()!.Length > 1000) return "promptText must be at most 1000 characters";
        if (imageEndpoint && !body.TryGetProperty("promptImage", out _)) return "promptImage is required";
        var duration = body.TryGetProperty("duration", out var d) && d.ValueKind == JsonValueKind.Number ? d.GetInt32() : -1;
        switch (model)
        {
            case "gen4_turbo" or "gen4.5":
                if (!imageEndpoint) return $"model {model} is not available for text_to_video";
                if (duration is < 2 or > 10) return "duration must be an integer from 2 to 10";
                if (!Gen4Ratios.Contains(ratio!)) return $"ratio {ratio} is not one of {string.Join(", ", Gen4Ratios)}";
                if (body.TryGetProperty("negativePrompt", out _)) return $"model {model} takes no negativePrompt";
                return null;
            case "veo3.1" or "veo3.1_fast":
                if (duration is not (4 or 6 or 8)) return "duration must be 4, 6 or 8";
                if (!VeoRatios.Contains(ratio!)) return $"ratio {ratio} is not one of {string.Join(", ", VeoRatios)}";
                return null;
            default:
                return $"model must be one of gen4_turbo, gen4.5, veo3.1, veo3.1_fast; got {model}";
        }
    }
}
