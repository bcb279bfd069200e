using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Ministudio.Dispatch.Tests.Vendors.Replicate;

/// <summary>
/// Replicate's predictions API as its HTTP reference describes it: bearer token, create per model or per version,
/// <c>Prefer: wait</c>, starting → processing (tqdm-style logs) → succeeded/failed/canceled, problem bodies with
/// title/detail/status, 422 when an input breaks the model's schema, cancel, and an output file to download.
/// </summary>
public sealed class FakeReplicateServer : FakeVideoServer
{
    public const string Token = "test-key";

    private readonly ConcurrentDictionary<string, Prediction> _predictions = new();

    /// <summary>The model finishes while the create call waits (a quick model with <c>Prefer: wait</c>).</summary>
    public bool FinishesWithinWait { get; set; }

    /// <summary>Replicate's problem body.</summary>
    public static string Problem(int status, string title, string detail) => JsonSerializer.Serialize(new { title, detail, status });

    /// <summary>
    /// The input schemas of the models the catalogue lists (replicate.com/{model}/api): google/veo-3 takes duration
    /// 4, 6 or 8, its first frame as "image", aspect 16:9 or 9:16; kwaivgi/kling-v2.1 duration 5 or 10 and
    /// "start_image"; minimax/video-01 a prompt, "first_frame_image" and "subject_reference" only. Any other property is
    /// refused, as Replicate refuses additional properties.
    /// </summary>
    public static string? Violation(string model, JsonObject input)
    {
        if (string.IsNullOrEmpty((string?)input["prompt"])) return "- input: prompt is required";
        var (fields, durations, aspects) = model switch
        {
            "google/veo-3" => (new[] { "prompt", "negative_prompt", "seed", "aspect_ratio", "duration", "image", "resolution", "generate_audio" }, new[] { 4, 6, 8 }, new[] { "16:9", "9:16" }),
            "kwaivgi/kling-v2.1" => (new[] { "prompt", "negative_prompt", "seed", "aspect_ratio", "duration", "start_image", "mode" }, new[] { 5, 10 }, new[] { "16:9", "9:16", "1:1" }),
            "minimax/video-01" => (new[] { "prompt", "prompt_optimizer", "first_frame_image", "subject_reference" }, Array.Empty<int>(), Array.Empty<string>()),
            _ => ((string[]?)null, (int[]?)null, (string[]?)null),
        };
        if (fields is null) return null; // a model whose schema the fake does not know
        if (input.Select(p => p.Key).FirstOrDefault(k => !fields.Contains(k)) is { } extra) return $"- input: Additional property {extra} is not allowed";
        if (input["duration"] is { } duration && (duration is not JsonValue value || !value.TryGetValue<int>(out var seconds) || !durations!.Contains(seconds)))
            return $"- input.duration: duration must be one of the following: {string.Join(", ", durations!)}";
        if (input["aspect_ratio"] is { } aspect && !aspects!.Contains((string?)aspect)) return $"- input.aspect_ratio: aspect_ratio must be one of the following: {string.Join(", ", aspects!)}";
        return null;
    }

    protected override void MapVendorRoutes(WebApplication app)
    {
        var api = app.MapGroup("/v1").AddEndpointFilter(async (context, next) =>
            context.HttpContext.Request.Headers.Authorization == $"Bearer {Token}"
                ? await next(context)
                : ProblemResult(401, "Unauthenticated", "You did not pass a valid authentication token"));
        api.MapPost("/models/{owner}/{name}/predictions", (HttpContext context, string owner, string name, JsonObject body) => Create(context, $"{owner}/{name}", body));
        api.MapPost("/predictions", (HttpContext context, JsonObject body) => Create(context, null, body));
        api.MapGet("/predictions/{id}", (string id) =>
        {
            if (!_predictions.TryGetValue(id, out var prediction)) return ProblemResult(404, "Not found", "Not found.");
            if (prediction.Status is "starting" or "processing")
            {
                ExpireDownload(id);
                switch (Advance(id))
                {
                    case FakeState.Queued:
                        break;
                    case FakeState.Running running:
                        prediction.Status = "processing";
                        var percent = (int)(running.Progress * 100);
                        prediction.Logs += $"{percent}%|{new string('#', percent / 10)}| {percent / 10}/10\n";
                        break;
                    case FakeState.Succeeded:
                        prediction.Status = "succeeded";
                        break;
                    case FakeState.Failed { Kind: FakeFailure.Safety }:
                        (prediction.Status, prediction.Error) = ("failed", "NSFW content detected. Try running it again, or try a different prompt.");
                        break;
                    default:
                        (prediction.Status, prediction.Error) = ("failed", "CUDA out of memory.");
                        break;
                }
            }
            return Json(Body(prediction));
        });
        api.MapPost("/predictions/{id}/cancel", (string id) =>
        {
            if (!_predictions.TryGetValue(id, out var prediction)) return ProblemResult(404, "Not found", "Not found.");
            if (prediction.Status is "starting" or "processing") prediction.Status = "canceled";
            return Json(Body(prediction));
        });
    }

    private IResult Create(HttpContext context, string? model, JsonObject body)
    {
        if (body["input"] is not JsonObject input) return ProblemResult(422, "Input validation failed", "- input is required");
        if (model is not null && Violation(model, input) is { } violation) return ProblemResult(422, "Input validation failed", violation);
        var id = Guid.NewGuid().ToString("N")[..26];
        var prediction = new Prediction { Id = id, Model = model };
        _predictions[id] = prediction;
        if (FinishesWithinWait && context.Request.Headers["Prefer"].ToString().StartsWith("wait", StringComparison.Ordinal)) prediction.Status = "succeeded";
        return Json(Body(prediction), 201);
    }

    private object Body(Prediction prediction) => new Dictionary<string, object?>
    {
        ["id"] = prediction.Id,
        ["model"] = prediction.Model,
        ["status"] = prediction.Status,
        ["logs"] = prediction.Logs,
        ["error"] = prediction.Error,
        ["output"] = prediction.Status == "succeeded" ? DownloadUrl(prediction.Id) : null,
        ["urls"] = new Dictionary<string, string>
        {
            ["get"] = Url($"v1/predictions/{prediction.Id}"),
            ["cancel"] = Url($"v1/predictions/{prediction.Id}/cancel"),
        },
    };

    private static IResult ProblemResult(int status, string title, string detail) =>
        Results.Text(Problem(status, title, detail), "application/problem+json", statusCode: status);

    private sealed class Prediction
    {
        public required string Id;
        public string? Model;
        public string Status = "starting";
        public string Logs = "";
        public string? Error;
    }
}
