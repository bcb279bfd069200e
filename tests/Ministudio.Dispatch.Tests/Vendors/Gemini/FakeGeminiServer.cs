using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Ministudio.Dispatch.Tests.Vendors.Gemini;

/// <summary>
/// The Gemini API's Interactions API as the google-genai SDK describes it: x-goog-api-key on every call (Google's front
/// end answers a bad key with google.rpc.Status 400 "API key not valid"), POST /v1beta/interactions refusing what
/// <see cref="OmniRules"/> says the API refuses ({error: {code, message}}) and answering the interaction (id, status),
/// GET /v1beta/interactions/{id} going queued → in_progress → completed with the video in its model_output step (a
/// files URI that needs the same key, or base64 data when delivery is inline) or failed with its errors, and POST
/// /v1beta/interactions/{id}/cancel. A create without background is answered when done, as the real call blocks.
/// </summary>
public sealed class FakeGeminiServer : FakeVideoServer
{
    public const string ApiKey = "test-key";

    private sealed record Started(string Model, string Delivery);

    private readonly ConcurrentDictionary<string, Started> _interactions = new();
    private readonly ConcurrentDictionary<string, bool> _cancelled = new();

    protected override void MapVendorRoutes(WebApplication app)
    {
        var api = app.MapGroup("/v1beta").AddEndpointFilter(async (context, next) =>
            context.HttpContext.Request.Headers["x-goog-api-key"] == ApiKey
                ? await next(context)
                : Json(new { error = new { code = 400, message = "API key not valid. Please pass a valid API key.", status = "INVALID_ARGUMENT" } }, 400));
        api.MapPost("/interactions", (JsonElement body) =>
        {
            if (OmniRules.Violation(body) is var (status, message)) return Error(status, message);
            var id = $"v1_{Guid.NewGuid():N}";
            var delivery = OmniRules.VideoFormatOf(body)?.Delivery ?? "inline";
            var model = body.GetProperty("model").GetString()!;
            _interactions[id] = new Started(model, delivery);
            var background = body.TryGetProperty("background", out var b) && b.GetBoolean();
            return Json(background ? Interaction(id, "in_progress") : Finished(id));
        });
        api.MapGet("/interactions/{id}", (string id) =>
        {
            if (!_interactions.ContainsKey(id)) return Error(404, $"Interaction {id} not found.");
            if (_cancelled.ContainsKey(id)) return Json(Interaction(id, "cancelled"));
            return Advance(id) switch
            {
                FakeState.Queued => Json(Interaction(id, "queued")),
                FakeState.Running => Json(Interaction(id, "in_progress")),
                FakeState.Succeeded => Json(Finished(id)),
                FakeState.Failed { Kind: FakeFailure.Safety } => Json(Interaction(id, "failed",
                    errors: [new { code = "safety", message = "The video was not generated because the prompt could violate our usage guidelines." }])),
                _ => Json(Interaction(id, "failed", errors: [new { code = "internal", message = "An internal error has occurred. Please retry." }])),
            };
        });
        api.MapPost("/interactions/{id}/cancel", (string id) =>
        {
            if (!_interactions.ContainsKey(id)) return Error(404, $"Interaction {id} not found.");
            _cancelled[id] = true;
            return Json(Interaction(id, "cancelled"));
        });
        api.MapGet("/files/{**file}", (string file) =>
            file.EndsWith(":download", StringComparison.Ordinal) && _interactions.ContainsKey(file[..^":download".Length])
                ? Results.Bytes(Video, "video/mp4")
                : Error(404, "File not found."));
    }

    private object Finished(string id)
    {
        var video = _interactions[id].Delivery == "uri"
            ? (object)new { type = "video", mime_type = "video/mp4", uri = Url($"v1beta/files/{id}:download?alt=media") }
            : new { type = "video", mime_type = "video/mp4", data = Convert.ToBase64String(Video) };
        return Interaction(id, "completed", steps:
        [
            new { type = "user_input", content = new[] { new { type = "text", text = "…" } } },
            new { type = "model_output", content = new[] { video } },
        ]);
    }

    private object Interaction(string id, string status, object[]? steps = null, object[]? errors = null) => new
    {
        id,
        status,
        @object = "interaction",
        model = _interactions[id].Model,
        created = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ"),
        steps,
        errors,
    };

    /// <summary>The Interactions API's error body: a code naming the kind of error and a message.</summary>
    public static IResult Error(int status, string message) =>
        Json(new { error = new { code = status switch { 404 => "not_found", 429 => "resource_exhausted", >= 500 => "internal", _ => "invalid_request" }, message } }, status);
}
