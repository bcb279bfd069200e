using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ministudio.Contracts;
using Ministudio.Contracts.Vendors;

namespace Ministudio.Dispatch.Providers.Vendors.Gemini;

/// <summary>
/// How a shot maps onto an Omni interaction and how its answers map back: the task said outright, the first frame or
/// the reference images as image blocks after the prompt, the length as "8s", the smallest resolution that covers the
/// shot, and the video by URI (a clip is megabytes, a third more again as base64 inside a JSON body).
/// </summary>
public static class GeminiRequests
{
    public const string TextToVideo = "text_to_video";
    public const string ImageToVideo = "image_to_video";
    public const string ReferenceToVideo = "reference_to_video";

    public static InteractionRequest Interaction(
        string model, ShotRequest request, VendorModel limits, int seconds, InputImage? firstFrame, IReadOnlyList<InputImage> references, string vendor)
    {
        VendorRequests.FirstFrameOrReferences(firstFrame, references, limits, vendor);
        var shortSide = Math.Min(request.Width, request.Height);
        if (limits.MaxShortSide > 0 && shortSide > limits.MaxShortSide)
            throw new ProviderException(ProviderErrors.InvalidRequest, $"{vendor} {model} makes at most {limits.MaxShortSide}p, not {shortSide}p.", retryable: false);

        IReadOnlyList<InputImage> images = firstFrame is not null ? [firstFrame] : references;
        var task = firstFrame is not null ? ImageToVideo : references.Count > 0 ? ReferenceToVideo : TextToVideo;
        return new InteractionRequest(
            model,
            [InteractionContent.FromText(request.Prompt), .. images.Select(InteractionContent.FromImage)],
            Background: true,
            new VideoResponseFormat(VendorRequests.AspectRatio(request, limits, vendor), $"{seconds}s", ResolutionFor(shortSide), Delivery: "uri"),
            new InteractionGenerationConfig(new InteractionVideoConfig(task)));
    }

    /// <summary>The smallest of 720p, 1080p and 4k that covers the shot's short side (360p would be a step down from any platform format).</summary>
    public static string ResolutionFor(int shortSide) => shortSide switch
    {
        <= 720 => "720p",
        <= 1080 => "1080p",
        _ => "4k",
    };

    /// <summary>
    /// Where an interaction stands. A finished one carries its video in the last model_output step, as base64 data or a
    /// URI; a failed one says why in its errors (or its output step's error).
    /// </summary>
    public static (TaskState State, InteractionContent? Video) StateOf(Interaction interaction, string vendor)
    {
        var message = interaction.Errors?.Select(e => e.Message).FirstOrDefault(m => m is { Length: > 0 })
            ?? interaction.Steps?.Select(s => s.Error?.Message).FirstOrDefault(m => m is { Length: > 0 });
        switch (interaction.Status)
        {
            case "queued":
                return (new TaskState.Working(null, "queued"), null);
            case "in_progress":
                return (new TaskState.Working(null, "generating"), null);
            case "completed":
                var video = interaction.Steps?.Where(s => s.Type == "model_output").SelectMany(s => s.Content ?? [])
                    .LastOrDefault(c => c.Type == "video" && (c.Data is { Length: > 0 } || c.Uri is { Length: > 0 }));
                if (video is not null) return (new TaskState.Succeeded(video.Uri ?? "inline"), video);
                return (new TaskState.Failed(VendorRequests.IsSafetyRefusal(message)
                    ? Refused(vendor, message!)
                    : new ProviderException(ProviderErrors.BadOutput, $"{vendor} completed the interaction without a video{(message is null ? "" : $": {message}")}.", retryable: true)), null);
            case "failed":
            case "incomplete":
                return (new TaskState.Failed(VendorRequests.IsSafetyRefusal(message)
                    ? Refused(vendor, message!)
                    : new ProviderException(ProviderErrors.Failed, $"{vendor} ended the interaction as {interaction.Status}: {message ?? "no reason given"}", retryable: true)), null);
            case "cancelled":
                return (new TaskState.Failed(new ProviderException(ProviderErrors.Canceled, $"{vendor} says the interaction was cancelled.", retryable: false)), null);
            case "budget_exceeded":
                return (new TaskState.Failed(new ProviderException(ProviderErrors.QuotaExceeded, $"{vendor} stopped the interaction over budget: {message ?? "no reason given"}", retryable: false)), null);
            default:
                // requires_action (a tool call) or a status this adapter does not know: a video interaction never should.
                return (new TaskState.Failed(new ProviderException(ProviderErrors.BadOutput, $"{vendor} answered with interaction status '{interaction.Status}'.", retryable: false)), null);
        }
    }

    /// <summary>
    /// The API's error bodies: Google's front end answers a bad key with google.rpc.Status (400, "API key not valid"),
    /// the Interactions API with {error: {code, message}}; a message that reads as a safety refusal is one, and the
    /// HTTP status decides the rest.
    /// </summary>
    public static ProviderException? Classify(string vendor, HttpStatusCode status, string body)
    {
        var message = MessageOf(body);
        if (message?.Contains("API key not valid", StringComparison.OrdinalIgnoreCase) == true)
            return new ProviderException(ProviderErrors.Unauthorized, $"{vendor} refused the API key: {message}", retryable: false);
        if (status is not HttpStatusCode.TooManyRequests && VendorRequests.IsSafetyRefusal(message))
            return Refused(vendor, message!);
        return null;
    }

    private static ProviderException Refused(string vendor, string message) =>
        new(ProviderErrors.ContentRejected, $"{vendor} refused the request: {message}", retryable: false);

    private static string? MessageOf(string body)
    {
        try
        {
            return JsonNode.Parse(body) is JsonObject { } root && root["error"] is JsonObject error && error["message"] is JsonValue value
                && value.TryGetValue<string>(out var text) ? text : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
