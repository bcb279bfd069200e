using System.Text.Json.Serialization;

namespace Ministudio.Dispatch.Providers.Vendors.Kling;

/// <summary>Kling's envelope on every answer, errors included: code 0 is success.</summary>
public sealed record KlingEnvelope(
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("request_id")] string? RequestId,
    [property: JsonPropertyName("data")] KlingTask? Data);

public sealed record KlingTask(
    [property: JsonPropertyName("task_id")] string TaskId,
    [property: JsonPropertyName("task_status")] string TaskStatus,
    [property: JsonPropertyName("task_status_msg")] string? TaskStatusMessage,
    [property: JsonPropertyName("task_result")] KlingTaskResult? TaskResult);

public sealed record KlingTaskResult([property: JsonPropertyName("videos")] IReadOnlyList<KlingVideo>? Videos);

public sealed record KlingVideo(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("url")] string? Url,
    [property: JsonPropertyName("duration")] string? Duration);
