using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ministudio.Dispatch.Providers.Vendors.Replicate;

/// <summary>A prediction as Replicate returns it from create, get and cancel.</summary>
public sealed record ReplicatePrediction(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("output")] JsonElement? Output,
    [property: JsonPropertyName("error")] JsonElement? Error,
    [property: JsonPropertyName("logs")] string? Logs,
    [property: JsonPropertyName("urls")] ReplicateUrls? Urls);

public sealed record ReplicateUrls(
    [property: JsonPropertyName("get")] string? Get,
    [property: JsonPropertyName("cancel")] string? Cancel);
