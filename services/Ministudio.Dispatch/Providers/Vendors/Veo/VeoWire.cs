using System.Text.Json.Serialization;

namespace Ministudio.Dispatch.Providers.Vendors.Veo;

// Veo's predictLongRunning body on Vertex AI.

public sealed record VeoPredictRequest(
    [property: JsonPropertyName("instances")] IReadOnlyList<VeoInstance> Instances,
    [property: JsonPropertyName("parameters")] VeoParameters Parameters);

public sealed record VeoInstance(
    [property: JsonPropertyName("prompt")] string Prompt,
    [property: JsonPropertyName("image")] VeoImage? Image = null,
    [property: JsonPropertyName("referenceImages")] IReadOnlyList<VeoReferenceImage>? ReferenceImages = null);

public sealed record VeoImage(
    [property: JsonPropertyName("bytesBase64Encoded")] string BytesBase64Encoded,
    [property: JsonPropertyName("mimeType")] string MimeType);

/// <summary>"asset" references keep a subject (character, product) looking the same in the video.</summary>
public sealed record VeoReferenceImage(
    [property: JsonPropertyName("image")] VeoImage Image,
    [property: JsonPropertyName("referenceType")] string ReferenceType);

public sealed record VeoParameters(
    [property: JsonPropertyName("aspectRatio")] string AspectRatio,
    [property: JsonPropertyName("durationSeconds")] int DurationSeconds,
    [property: JsonPropertyName("sampleCount")] int SampleCount,
    [property: JsonPropertyName("resolution")] string? Resolution,
    [property: JsonPropertyName("negativePrompt")] string? NegativePrompt,
    [property: JsonPropertyName("seed")] uint? Seed = null,
    [property: JsonPropertyName("storageUri")] string? StorageUri = null,
    [property: JsonPropertyName("generateAudio")] bool? GenerateAudio = null);

/// <summary>A google.longrunning.Operation as both APIs return it; the response's shape differs per API.</summary>
public sealed record VeoOperation<TResponse>(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("done")] bool Done,
    [property: JsonPropertyName("error")] GoogleStatus? Error,
    [property: JsonPropertyName("response")] TResponse? Response);

/// <summary>google.rpc.Status: a gRPC code number and a message.</summary>
public sealed record GoogleStatus(
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("status")] string? Status = null);

/// <summary>The error body Google APIs answer HTTP failures with.</summary>
public sealed record GoogleErrorBody([property: JsonPropertyName("error")] GoogleStatus? Error);

public sealed record VertexVideoResponse(
    [property: JsonPropertyName("videos")] IReadOnlyList<VertexVideo>? Videos,
    [property: JsonPropertyName("raiMediaFilteredCount")] int? RaiMediaFilteredCount,
    [property: JsonPropertyName("raiMediaFilteredReasons")] IReadOnlyList<string>? RaiMediaFilteredReasons);

public sealed record VertexVideo(
    [property: JsonPropertyName("bytesBase64Encoded")] string? BytesBase64Encoded,
    [property: JsonPropertyName("gcsUri")] string? GcsUri,
    [property: JsonPropertyName("mimeType")] string? MimeType);
