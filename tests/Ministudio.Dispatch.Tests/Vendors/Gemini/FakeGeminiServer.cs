using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Ministudio.Dispatch.Tests.Vendors.Gemini;

/// <summary>
/// Veo on the Gemini API as documented: x-goog-api-key on every call (a bad key is 400 API_KEY_INVALID),
/// POST v1beta/models/{model}:predictLongRunning answering {name: "models/{model}/operations/{id}"}, GET v1beta/{name}
/// answering {done, response.generateVideoResponse.generatedSamples[].video.uri} or an error, and the video file
/// downloadable from that URI with the same key. The Gemini API has no seed parameter: a request with one is refused.
/// </summary>
public sealed class FakeGeminiServer : FakeVideoServer
{
    public const string ApiKey = "test-key";
    private readonly ConcurrentDictionary<string, bool> _files = new();

    protected override void MapVendorRoutes(WebApplication app)
    {
        var api = app.MapGroup("/v1beta").AddEndpointFilter(async (context, next) =>
            context.HttpContext.Request.Headers["x-goog-api-key"] == ApiKey
                ? await next(context)
                : Error(400, "API key not valid. Please pass a valid API key.", "INVALID_ARGUMENT"));
        api.MapPost("/models/{**call}", (string call, JsonElement body) =>
        {
            if (!call.EndsWith(":predictLongRunning", StringComparison.Ordinal)) return Error(404, "Method not found.", "NOT_FOUND");
            var model = call[..call.IndexOf(':', StringComparison.Ordinal)];
            var parameters = body.GetProperty("parameters");
            if (parameters.TryGetProperty("seed", out _)) return Error(400, "seed parameter is not supported in Gemini API.", "INVALID_ARGUMENT");
            if (Veo.VeoRules.Violation(body) is { } violation) return Error(400, violation, "INVALID_ARGUMENT");
            if (body.GetProperty("instances")[0].TryGetProperty("image", out var image) && image.TryGetProperty("gcsUri", out _))
                return Error(400, "gcsUri is not supported in Gemini API.", "INVALID_ARGUMENT");
            return Json(new { name = $"models/{model}/operations/{Guid.NewGuid():N}" });
        });
        api.MapGet("/models/{model}/operations/{id}", (string model, string id) =>
        {
            var name = $"models/{model}/operations/{id}";
            return Advance(id) switch
            {
                FakeState.Queued or FakeState.Running => Json(new { name }),
                FakeState.Succeeded => Json(new
                {
                    name,
                    done = true,
                    response = new Dictionary<string, object>
                    {
                        ["@type"] = "type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse",
                        ["generateVideoResponse"] = new { generatedSamples = new[] { new { video = new { uri = FileUri(id) } } } },
                    },
                }),
                FakeState.Failed { Kind: FakeFailure.Safety } => Json(new
                {
                    name,
                    done = true,
                    response = new
                    {
                        generateVideoResponse = new
                        {
                            raiMediaFilteredCount = 1,
                            raiMediaFilteredReasons = new[] { "We encountered an issue with the audio or video for your prompt because it could violate our usage guidelines." },
                        },
                    },
                }),
                _ => Json(new { name, done = true, error = new { code = 13, message = "Video generation failed due to an internal error." } }),
            };
        });
        api.MapGet("/files/{**file}", (string file) =>
            file.EndsWith(":download", StringComparison.Ordinal) && _files.ContainsKey(file[..^":download".Length])
                ? Results.Bytes(Video, "video/mp4")
                : Error(404, "File not found.", "NOT_FOUND"));
    }

    private string FileUri(string operation)
    {
        _files[operation] = true;
        return new Uri(BaseUrl, $"v1beta/files/{operation}:download?alt=media").ToString();
    }

    public static IResult Error(int code, string message, string status) => Json(new { error = new { code, message, status } }, code);
}
