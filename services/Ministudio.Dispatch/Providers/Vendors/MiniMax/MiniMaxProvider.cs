using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Ministudio.Dispatch.Providers.Vendors.MiniMax;

/// <summary>
/// MiniMax (Hailuo) video generation: create a task, poll it until Success gives a file id, resolve the file to its
/// download URL and copy the video. MiniMax answers HTTP 200 with its own status code in base_resp, so every answer
/// is checked there; it has no cancel call.
/// </summary>
public sealed class MiniMaxProvider(
    IHttpClientFactory clients, IOptions<MiniMaxOptions> options, Routing.CapabilityCatalogue catalogue, ClipDownloader downloader, ShotInputs inputs, TimeProvider time) : IVideoVendor<MiniMaxOptions>
{
    public static string ProviderName => "minimax";
    public static Uri DefaultBaseUrl { get; } = new("https://api.minimax.io/");

    private readonly MiniMaxOptions _options = options.Value;

    public string Name => ProviderName;

    public async Task<GeneratedClip> GenerateAsync(ShotJob shot, IProgress<ProviderProgress> progress, CancellationToken ct)
    {
        VendorCalls.EnsureConfigured(_options, ProviderName, shot);
        var authorize = Authorizer(VendorCalls.ApiKeyOf(_options, shot));
        var request = shot.Request;
        var (model, limits) = catalogue.Resolve(ProviderName, request, _options.Model);
        var firstFrame = await inputs.FirstFrameAsync(request, ct);
        // Text-to-video has no aspect ratio field and comes out landscape; a first frame sets the shape itself.
        if (firstFrame is null && limits.TextAspectRatios.Count > 0 && !limits.TextAspectRatios.Contains(request.AspectRatio))
            throw new ProviderException(ProviderErrors.InvalidRequest, $"minimax makes {string.Join(", ", limits.TextAspectRatios)} clips from text, not {request.AspectRatio}.", retryable: false);
        var seconds = VendorRequests.SnapDuration(request, limits, ProviderName);
        var subjectReference = string.Equals(model, _options.SubjectReferenceModel, StringComparison.OrdinalIgnoreCase);

        var body = new JsonObject
        {
            ["model"] = model,
            ["prompt"] = request.Prompt,
            ["duration"] = seconds,
            ["prompt_optimizer"] = _options.PromptOptimizer,
        };
        // The subject-reference model makes 720P only and takes no resolution; for the others 1080P exists only for
        // the short clip length, and everything else is made at 768P.
        if (!subjectReference) body["resolution"] = request.Height >= 1080 && seconds == limits.Durations.Min() ? "1080P" : "768P";
        if (firstFrame is not null) body["first_frame_image"] = firstFrame.ToDataUri();
        if (subjectReference && await inputs.ReferenceImagesAsync(request, ct) is { Count: > 0 } references)
        {
            body["subject_reference"] = new JsonArray(new JsonObject
            {
                ["type"] = "character",
                ["image"] = new JsonArray([.. references.Select(r => JsonValue.Create(r.ToDataUri()))]),
            });
        }

        var client = clients.CreateClient(ProviderName);
        progress.Report(new ProviderProgress(0, "submitting"));
        var taskId = await VendorTask.CreateOnceAsync(shot, ProviderName, async token =>
        {
            using var create = new HttpRequestMessage(HttpMethod.Post, "v1/video_generation") { Content = JsonContent.Create(body) };
            authorize(create);
            using var response = await VendorCalls.CreateAsync(client, create, ProviderName, token);
            var created = await response.Content.ReadFromJsonAsync<MiniMaxCreated>(token);
            Check(created?.BaseResponse, creating: true);
            return created?.TaskId is { Length: > 0 } id ? id : throw new ProviderException(ProviderErrors.BadOutput, "minimax accepted the task without a task id.", retryable: false);
        }, ct);

        var fileId = await VendorTask.WaitAsync(ProviderName, token => PollAsync(client, authorize, taskId, token), cancelAtVendor: null, _options, progress, time, ct);
        var downloadUrl = await DownloadUrlAsync(client, authorize, fileId, ct);

        progress.Report(new ProviderProgress(0.97, "downloading"));
        var hash = await VendorCalls.DownloadAsync(downloader, client, () => VendorRequests.Download(downloadUrl, client.BaseAddress!, authorize), ProviderName, time, ct);
        progress.Report(new ProviderProgress(1, "stored"));
        return new GeneratedClip(hash, seconds, model);
    }

    private async Task<TaskState> PollAsync(HttpClient client, Action<HttpRequestMessage> authorize, string taskId, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/query/video_generation?task_id={Uri.EscapeDataString(taskId)}");
        authorize(request);
        using var response = await client.SendAsync(request, ct);
        await VendorResponses.EnsureSuccessAsync(response, ProviderName, ct);
        var query = await response.Content.ReadFromJsonAsync<MiniMaxQuery>(ct)
            ?? throw new ProviderException(ProviderErrors.BadOutput, $"minimax answered about task {taskId} with nothing.", retryable: true);
        return query.Status switch
        {
            "Preparing" => new TaskState.Working(null, "preparing"),
            "Queueing" => new TaskState.Working(null, "queued"),
            "Processing" => new TaskState.Working(null, "generating"),
            "Success" => FileIdOf(query.FileId) is { } fileId
                ? new TaskState.Succeeded(fileId)
                : new TaskState.Failed(new ProviderException(ProviderErrors.BadOutput, $"minimax task {taskId} succeeded without a file id.", retryable: false)),
            "Fail" => new TaskState.Failed(query.BaseResponse is { StatusCode: not 0 } failure
                ? FromCode(failure, creating: false)
                : new ProviderException(ProviderErrors.Failed, $"minimax task {taskId} failed.", retryable: true)),
            // An error answer (rate limit, auth) carries no status, only base_resp.
            _ => query.BaseResponse is { StatusCode: not 0 } error
                ? throw FromCode(error, creating: false)
                : new TaskState.Failed(new ProviderException(ProviderErrors.BadOutput, $"minimax reported an unknown task status {query.Status}.", retryable: true)),
        };
    }

    private async Task<string> DownloadUrlAsync(HttpClient client, Action<HttpRequestMessage> authorize, string fileId, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/files/retrieve?file_id={Uri.EscapeDataString(fileId)}");
        authorize(request);
        using var response = await client.SendAsync(request, ct);
        await VendorResponses.EnsureSuccessAsync(response, ProviderName, ct);
        var answer = await response.Content.ReadFromJsonAsync<MiniMaxFileAnswer>(ct);
        Check(answer?.BaseResponse, creating: false);
        return answer?.File?.DownloadUrl ?? throw new ProviderException(ProviderErrors.BadOutput, $"minimax file {fileId} has no download URL.", retryable: false);
    }

    private static string? FileIdOf(JsonElement? fileId) => fileId switch
    {
        { ValueKind: JsonValueKind.String } text when text.GetString() is { Length: > 0 } value => value,
        { ValueKind: JsonValueKind.Number } number => number.GetRawText(),
        _ => null,
    };

    private static void Check(MiniMaxBaseResponse? status, bool creating)
    {
        if (status is { StatusCode: not 0 }) throw FromCode(status, creating);
    }

    /// <summary>MiniMax's error-code table in our vocabulary.</summary>
    private static ProviderException FromCode(MiniMaxBaseResponse status, bool creating)
    {
        var detail = $"minimax code {status.StatusCode}: {status.StatusMessage}";
        return status.StatusCode switch
        {
            1002 => new ProviderException(ProviderErrors.RateLimited, detail, retryable: true),
            1004 or 2049 => new ProviderException(ProviderErrors.Unauthorized, detail, retryable: false),
            1008 => new ProviderException(ProviderErrors.QuotaExceeded, detail, retryable: false),
            1026 or 1027 => new ProviderException(ProviderErrors.ContentRejected, detail, retryable: false),
            2013 => new ProviderException(ProviderErrors.InvalidRequest, detail, retryable: false),
            // Unknown errors and timeouts may hide a created task when they answer the create call.
            1001 => new ProviderException(ProviderErrors.Timeout, detail, retryable: !creating),
            _ => new ProviderException(ProviderErrors.Unavailable, detail, retryable: !creating),
        };
    }

    private static Action<HttpRequestMessage> Authorizer(string? key) => request => request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
}
