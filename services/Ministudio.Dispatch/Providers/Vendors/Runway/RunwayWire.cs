using System.Text.Json.Serialization;

namespace Ministudio.Dispatch.Providers.Vendors.Runway;

public sealed record RunwayGenerationRequest(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("promptText")] string PromptText,
    [property: JsonPropertyName("ratio")] string Ratio,
    [property: JsonPropertyName("duration")] int Duration,
    [property: JsonPropertyName("promptImage")] string? PromptImage = null,
    [property: JsonPropertyName("seed")] uint? Seed = null,
    [property: JsonPropertyName("negativePrompt")] string? NegativePrompt = null);

public sealed record RunwayTask(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("progress")] double? Progress,
    [property: JsonPropertyName("output")] IReadOnlyList<string>? Output,
    [property: JsonPropertyName("failure")] string? Failure,
    [property: JsonPropertyName("failureCode")] string? FailureCode);
