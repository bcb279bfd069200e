using System.Text.Json.Serialization;

namespace Ministudio.Dispatch.Providers.Vendors.Gemini;

// The Gemini API's Interactions resource (google-genai's _gaos/types/interactions: CreateModelInteraction,
// VideoResponseFormat, GenerationConfig.video_config, ImageContent, Interaction, ModelOutputStep, Error). Field names
// are snake_case on the wire.

public sealed record InteractionRequest(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("input")] IReadOnlyList<InteractionContent> Input,
    [property: JsonPropertyName("background")] bool Background,
    [property: JsonPropertyName("response_format")] VideoResponseFormat ResponseFormat,
    [property: JsonPropertyName("generation_config")] InteractionGenerationConfig GenerationConfig);

/// <summary>A content block: text, or an image (base64 data and its MIME type); the finished video is one too, inline or by URI.</summary>
public sealed record InteractionContent(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("text")] string? Text = null,
    [property: JsonPropertyName("data")] string? Data = null,
    [property: JsonPropertyName("mime_type")] string? MimeType = null,
    [property: JsonPropertyName("uri")] string? Uri = null)
{
    public static InteractionContent FromText(string text) => new("text", Text: text);

    public static InteractionContent FromImage(InputImage image) => new("image", Data: image.ToBase64(), MimeType: image.MediaType);
}

/// <summary>The video the interaction is to make: aspect ratio, length as "8s", resolution, and how it comes back.</summary>
public sealed record VideoResponseFormat(
    [property: JsonPropertyName("aspect_ratio")] string AspectRatio,
    [property: JsonPropertyName("duration")] string Duration,
    [property: JsonPropertyName("resolution")] string Resolution,
    [property: JsonPropertyName("delivery")] string Delivery)
{
    [JsonPropertyName("type")]
    public string Type => "video";
}

public sealed record InteractionGenerationConfig([property: JsonPropertyName("video_config")] InteractionVideoConfig VideoConfig);

/// <summary>text_to_video, image_to_video or reference_to_video: said outright, so one image is never taken for the other use.</summary>
public sealed record InteractionVideoConfig([property: JsonPropertyName("task")] string Task);

public sealed record Interaction(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("steps")] IReadOnlyList<InteractionStep>? Steps,
    [property: JsonPropertyName("errors")] IReadOnlyList<InteractionError>? Errors);

public sealed record InteractionStep(
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("content")] IReadOnlyList<InteractionContent>? Content,
    [property: JsonPropertyName("error")] InteractionError? Error);

/// <summary>
/// An interaction's error or a model_output step's google.rpc.Status; only the message is read (the Interactions API
/// names its codes with strings, google.rpc.Status with numbers).
/// </summary>
public sealed record InteractionError([property: JsonPropertyName("message")] string? Message);
