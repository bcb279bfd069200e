using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ministudio.Dispatch.Providers.Vendors.MiniMax;

/// <summary>MiniMax's status on every answer; 0 is success, whatever the HTTP status said.</summary>
public sealed record MiniMaxBaseResponse(
    [property: JsonPropertyName("status_code")] int StatusCode,
    [property: JsonPropertyName("status_msg")] string? StatusMessage);

public sealed record MiniMaxCreated(
    [property: JsonPropertyName("task_id")] string? TaskId,
    [property: JsonPropertyName("base_resp")] MiniMaxBaseResponse? BaseResponse);

public sealed record MiniMaxQuery(
    [property: JsonPropertyName("task_id")] string? TaskId,
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("file_id")] JsonElement? FileId,
    [property: JsonPropertyName("base_resp")] MiniMaxBaseResponse? BaseResponse);

public sealed record MiniMaxFileAnswer(
    [property: JsonPropertyName("file")] MiniMaxFile? File,
    [property: JsonPropertyName("base_resp")] MiniMaxBaseResponse? BaseResponse);

public sealed record MiniMaxFile([property: JsonPropertyName("download_url")] string? DownloadUrl);
