using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Ministudio.Dispatch.Tests.Vendors.HostedFakes;

namespace Ministudio.Dispatch.Tests.Vendors.Replicate;

/// <summary>
/// Replicate's predictions API as its HTTP reference describes it: bearer token, create per model or per version,
/// <c>Prefer: wait</c>, starting → processing (tqdm-style logs) → succeeded/failed/canceled, problem bodies with
/// title/detail/status, 429 with Retry-After, cancel, and an output file to download.
/// </summary>
public sealed class FakeReplicateServer
{
    public const string Token = "r8_test_token";

    private readonly ConcurrentDictionary<string, Prediction> _predictions = new();

    private FakeReplicateServer(VendorFakeHost host) => Host = host;

    public VendorFakeHost Host { get; private set; }

    /// <summary>The model finishes while the create call waits (a quick model with <c>Prefer: wait</c>).</summary>
    public bool FinishesWithinWait { get; set; }

    public static async Task<FakeReplicateServer> StartAsync()
    {
        FakeReplicateServer fake = null!;
        var host = await VendorFakeHost.StartAsync((app, host) =>
        {
            fake = new FakeReplicateServer(host);
            app.MapPost("/v1/models/{owner}/{name}/predictions", (HttpContext context, string owner, string name) => fake.Create(context, $"{owner}/{name}"));
            app.MapPost("/v1/predictions", (HttpContext context) => fake.Create(context, null));
            app.MapGet("/v1/predictions/{id}", (HttpContext context, string id) => fake.Get(context, id));
            app.MapPost("/v1/predictions/{id}/cancel", (HttpContext context, string id) => fake.Cancel(context, id));
            app.MapGet("/files/{id}/output.mp4", async (string id) => Results.Bytes(await SampleClip.BytesAsync(), "video/mp4"));
        });
        fake.Host = host;
        return fake;
    }

    private IResult Create(HttpContext context, string? model)
    {
        if (Unauthorized(context) is { } denied) return denied;
        switch (Host.Create)
        {
            case CreateAnswer.RateLimited:
                context.Response.Headers.RetryAfter = "3";
                return Problem(429, "Request was throttled", "Request was throttled. Expected available in 3 seconds.");
            case CreateAnswer.BadRequest:
                return Problem(422, "Input validation failed", "- input.duration: duration must be one of the following: 5, 10");
            case CreateAnswer.Unsafe:
                return Problem(422, "Input validation failed", "The input was flagged as sensitive (E005). Please try a different prompt.");
            case CreateAnswer.ServerError:
                return Problem(500, "Internal Server Error", "Something went wrong.");
        }
        // google/veo-3's schema (issue 20): duration 4, 6 or 8; the first frame is "image".
        if (model == "google/veo-3" && Host.Calls.Last(c => c.Method == "POST").Json?["input"] is JsonObject input)
        {
            if (input["duration"] is { } duration && (int)duration is not (4 or 6 or 8))
                return Problem(422, "Input validation failed", "- input.duration: duration must be one of the following: 4, 6, 8");
            if (input.ContainsKey("first_frame_image")) return Problem(422, "Input validation failed", "- input: Additional property first_frame_image is not allowed");
        }
        var id = Guid.NewGuid().ToString("N")[..26];
        var prediction = new Prediction { Id = id, Model = model };
        _predictions[id] = prediction;
        if (FinishesWithinWait && context.Request.Headers["Prefer"].ToString().StartsWith("wait", StringComparison.Ordinal)) prediction.Status = "succeeded";
        return Results.Json(Body(prediction), statusCode: 201);
    }

    private IResult Get(HttpContext context, string id)
    {
        if (Unauthorized(context) is { } denied) return denied;
        if (!_predictions.TryGetValue(id, out var prediction)) return Problem(404, "Not found", "Not found.");
        if (prediction.Status is "starting" or "processing")
        {
            switch (Host.NextPoll(ref prediction.Polls))
            {
                case PollStep.ServerError:
                    return Problem(503, "Service Unavailable", "Replicate is temporarily unavailable.");
                case PollStep.Working:
                    prediction.Status = "processing";
                    prediction.Logs += $"{Math.Min(90, prediction.Polls * 30)}%|{new string('#', prediction.Polls)}| {prediction.Polls}/10\n";
                    break;
                default:
                    (prediction.Status, prediction.Error) = Host.Ending switch
                    {
                        TaskEnding.Succeed => ("succeeded", null),
                        TaskEnding.Unsafe => ("failed", "NSFW content detected. Try running it again, or try a different prompt."),
                        _ => ("failed", "CUDA out of memory."),
                    };
                    break;
            }
        }
        return Results.Json(Body(prediction));
    }

    private IResult Cancel(HttpContext context, string id)
    {
        if (Unauthorized(context) is { } denied) return denied;
        if (!_predictions.TryGetValue(id, out var prediction)) return Problem(404, "Not found", "Not found.");
        if (prediction.Status is "starting" or "processing") prediction.Status = "canceled";
        return Results.Json(Body(prediction));
    }

    private object Body(Prediction prediction) => new Dictionary<string, object?>
    {
        ["id"] = prediction.Id,
        ["model"] = prediction.Model,
        ["status"] = prediction.Status,
        ["logs"] = prediction.Logs,
        ["error"] = prediction.Error,
        ["output"] = prediction.Status == "succeeded" ? Host.Url($"files/{prediction.Id}/output.mp4") : null,
        ["urls"] = new Dictionary<string, string>
        {
            ["get"] = Host.Url($"v1/predictions/{prediction.Id}"),
            ["cancel"] = Host.Url($"v1/predictions/{prediction.Id}/cancel"),
        },
    };

    private static IResult? Unauthorized(HttpContext context) =>
        context.Request.Headers.Authorization == $"Bearer {Token}"
            ? null
            : Problem(401, "Unauthenticated", "You did not pass a valid authentication token");

    private static IResult Problem(int status, string title, string detail) =>
        Results.Json(new { title, detail, status }, statusCode: status, contentType: "application/problem+json");

    private sealed class Prediction
    {
        public required string Id;
        public string? Model;
        public string Status = "starting";
        public string Logs = "";
        public string? Error;
        public int Polls;
    }
}
