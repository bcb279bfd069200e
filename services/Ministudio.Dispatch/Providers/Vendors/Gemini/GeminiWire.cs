using System.Text.Json.Serialization;

namespace Ministudio.Dispatch.Providers.Vendors.Gemini;

public sealed record GeminiVideoResponse(
    [property: JsonPropertyName("generateVideoResponse")] GenerateVideoResponse? GenerateVideoResponse);

public sealed record GenerateVideoResponse(
    [property: JsonPropertyName("generatedSamples")] IReadOnlyList<GeneratedSample>? GeneratedSamples,
    [property: JsonPropertyName("raiMediaFilteredCount")] int? RaiMediaFilteredCount,
    [property: JsonPropertyName("raiMediaFilteredReasons")] IReadOnlyList<string>? RaiMediaFilteredReasons);

public sealed record GeneratedSample([property: JsonPropertyName("video")] GeneratedVideo? Video);

public sealed record GeneratedVideo([property: JsonPropertyName("uri")] string? Uri);
