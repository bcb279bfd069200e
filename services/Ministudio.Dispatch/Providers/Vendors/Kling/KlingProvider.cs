using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Ministudio.Dispatch.Routing;

namespace Ministudio.Dispatch.Providers.Vendors.Kling;

/// <summary>
/// Kling's video API: image-to-video when the shot continues another, multi-image-to-video (the catalogue's reference
/// model) when it has reference images (a continuing shot's first frame wins, image-to-video takes no references),
/// text-to-video otherwise; polled until Kling says succeed or failed. cfg_scale goes only to models that take it (v1.x;
/// Kling documents it as unsupported on v2.x). Kling has no cancel call, so a task we give up on runs out at Kling.
/// </summary>
public sealed class KlingProvider(
    IHttpClientFactory clients, IOptions<KlingOptions> options, CapabilityCatalogue catalogue, ClipDownloader downloader, ShotInputs inputs, TimeProvider time) : IVideoVendor<KlingOptions>
{
    public static string ProviderName => "kling";
    public static Uri DefaultBaseUrl { get; } = new("https://api-singapore.klingai.com/");

    private readonly KlingOptions _options = options.Value;

    public string Name => ProviderName;

    public async Task<GeneratedClip> GenerateAsync(ShotJob shot, IProgress<ProviderProgress> progress, CancellationToken ct)
    {
        VendorCalls.EnsureConfigured(_options, ProviderName, shot);
        var authorize = Authorizer(KlingKeys.Of(_options, shot));
        var request = shot.Request;
        var (model, limits) = catalogue.Resolve(ProviderName, request, _options.Model);
        var firstFrame = await inputs.FirstFrameAsync(request, ct);
        var references = firstFrame is null ? await inputs.ReferenceImagesAsync(request, ct) : [];
        var kind = (firstFrame, references.Count) switch
        {
            (not null, _) => "image2video",
            (null, > 0) => "multi-image2video",
            _ => "text2video",
        };
        var duration = VendorRequests.SnapDuration(request, limits, ProviderName);
        var body = new JsonObject
        {
            ["model_name"] = model,
            ["prompt"] = request.Prompt,
            ["mode"] = _options.Mode,
            ["duration"] = duration.ToString(CultureInfo.InvariantCulture),
        };
        if (limits.CfgScale) body["cfg_scale"] = _options.CfgScale;
        if (request.NegativePrompt is { Length: > 0 } negative) body["negative_prompt"] = negative;
        if (firstFrame is not null)
        {
            // Image-to-video takes its frame as bare base64 and its shape from that frame.
            body["image"] = firstFrame.ToBase64();
        }
        else
        {
            if (references.Count > 0)
                body["image_list"] = new JsonArray([.. references.Take(limits.MaxReferenceImages).Select(r => new JsonObject { ["image"] = r.ToBase64() })]);
            body["aspect_ratio"] = VendorRequests.AspectRatio(request, limits, ProviderName);
        }

        var client = clients.CreateClient(ProviderName);
        progress.Report(new ProviderProgress(0, "submitting"));
        var taskId = await VendorTask.CreateOnceAsync(shot, ProviderName, async token =>
        {
            using var create = new HttpRequestMessage(HttpMethod.Post, $"v1/videos/{kind}") { Content = JsonContent.Create(body) };
            authorize(create);
            using var response = await VendorCalls.CreateAsync(client, create, ProviderName, token, (status, text) => Classify(status, text, creating: true));
            var envelope = await ReadAsync(response, creating: true, token);
            return envelope.Data?.TaskId ?? throw new ProviderException(ProviderErrors.BadOutput, "kling accepted the task without a task id.", retryable: false);
        }, ct);

        var videoUrl = await VendorTask.WaitAsync(ProviderName, token => PollAsync(client, authorize, kind, taskId, token), cancelAtVendor: null,
            _options, progress, time, ct);

        progress.Report(new ProviderProgress(0.97, "downloading"));
        var hash = await VendorCalls.DownloadAsync(downloader, client, () => VendorRequests.Download(videoUrl, client.BaseAddress!, authorize), ProviderName, time, ct);
        progress.Report(new ProviderProgress(1, "stored"));
        return new GeneratedClip(hash, duration, model);
    }

    private async Task<TaskState> PollAsync(HttpClient client, Action<HttpRequestMessage> authorize, string kind, string taskId, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/videos/{kind}/{taskId}");
        authorize(request);
        using var response = await client.SendAsync(request, ct);
        await VendorResponses.EnsureSuccessAsync(response, ProviderName, ct, (status, text) => Classify(status, text, creating: false));
        var task = (await ReadAsync(response, creating: false, ct)).Data
            ?? throw new ProviderException(ProviderErrors.BadOutput, $"kling answered about task {taskId} without its data.", retryable: true);
        return task.TaskStatus switch
        {
            "submitted" => new TaskState.Working(null, "queued"),
            "processing" => new TaskState.Working(null, "generating"),
            "succeed" => task.TaskResult?.Videos?.FirstOrDefault()?.Url is { } url
                ? new TaskState.Succeeded(url)
                : new TaskState.Failed(new ProviderException(ProviderErrors.BadOutput, $"kling task {taskId} succeeded without a video.", retryable: false)),
            "failed" => new TaskState.Failed(VendorRequests.IsSafetyRefusal(task.TaskStatusMessage)
                ? new ProviderException(ProviderErrors.ContentRejected, $"kling refused task {taskId}: {task.TaskStatusMessage}", retryable: false)
                : new ProviderException(ProviderErrors.Failed, $"kling task {taskId} failed: {task.TaskStatusMessage}", retryable: true)),
            var other => new TaskState.Failed(new ProviderException(ProviderErrors.BadOutput, $"kling reported an unknown task status {other}.", retryable: true)),
        };
    }

    /// <summary>Kling can answer 200 with a non-zero code; that is a failure like any other.</summary>
    private static async Task<KlingEnvelope> ReadAsync(HttpResponseMessage response, bool creating, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        var envelope = Parse(text) ?? throw new ProviderException(ProviderErrors.BadOutput, $"kling answered with something that is not its envelope: {VendorResponses.Shorten(text)}", retryable: !creating);
        if (envelope.Code != 0) throw FromCode(envelope, creating, VendorResponses.RetryAfterOf(response));
        return envelope;
    }

    /// <summary>Rate limits are left to the HTTP status, which keeps the Retry-After header with them.</summary>
    private static ProviderException? Classify(HttpStatusCode status, string body, bool creating) =>
        Parse(body) is { Code: not 0 } envelope && !(status == HttpStatusCode.TooManyRequests && envelope.Code is 1302 or 1303)
            ? FromCode(envelope, creating, retryAfter: null)
            : null;

    /// <summary>Kling's service codes (its error-code table) in our vocabulary.</summary>
    private static ProviderException FromCode(KlingEnvelope envelope, bool creating, TimeSpan? retryAfter)
    {
        var detail = $"kling code {envelope.Code}: {envelope.Message} (request {envelope.RequestId})";
        return envelope.Code switch
        {
            >= 1000 and <= 1004 or 1100 or 1103 or 1304 => new ProviderException(ProviderErrors.Unauthorized, detail, retryable: false),
            1101 or 1102 => new ProviderException(ProviderErrors.QuotaExceeded, detail, retryable: false),
            >= 1200 and <= 1203 => new ProviderException(ProviderErrors.InvalidRequest, detail, retryable: false),
            1300 or 1301 => new ProviderException(ProviderErrors.ContentRejected, detail, retryable: false),
            1302 or 1303 => new ProviderException(ProviderErrors.RateLimited, detail, retryable: true) { RetryAfter = retryAfter },
            // 5001 is Kling saying it is down (nothing accepted); 5000 and 5002 may hide a created task.
            5001 => new ProviderException(ProviderErrors.Unavailable, detail, retryable: true) { RetryAfter = retryAfter },
            5002 => new ProviderException(ProviderErrors.Timeout, detail, retryable: !creating),
            _ => new ProviderException(ProviderErrors.Unavailable, detail, retryable: !creating),
        };
    }

    private static KlingEnvelope? Parse(string text)
    {
        try
        {
            return JsonSerializer.Deserialize<KlingEnvelope>(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Signs a fresh token per request with the shot's keys.</summary>
    private Action<HttpRequestMessage> Authorizer(KlingKeys keys) => request =>
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer",
            KlingToken.Create(keys.AccessKey, keys.SecretKey, time.GetUtcNow(), _options.TokenLifetime));
}
