using System.Text.Json.Serialization;

namespace Ministudio.Dispatch.Providers.Vendors.Fal;

/// <summary>The queue's answer to a submit: the request id and where to ask about it.</summary>
public sealed record FalSubmitted(
    [property: JsonPropertyName("request_id")] string RequestId,
    [property: JsonPropertyName("status_url")] string? StatusUrl,
    [property: JsonPropertyName("response_url")] string? ResponseUrl,
    [property: JsonPropertyName("cancel_url")] string? CancelUrl);

public sealed record FalStatus(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("queue_position")] int? QueuePosition,
    [property: JsonPropertyName("response_url")] string? ResponseUrl,
    [property: JsonPropertyName("logs")] IReadOnlyList<FalLog>? Logs,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("error_type")] string? ErrorType);

public sealed record FalLog([property: JsonPropertyName("message")] string? Message);

/// <summary>A video endpoint's result: the clip's file.</summary>
public sealed record FalVideoResult([property: JsonPropertyName("video")] FalFile? Video);

public sealed record FalFile([property: JsonPropertyName("url")] string? Url);
