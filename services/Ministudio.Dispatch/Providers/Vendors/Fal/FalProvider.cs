using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Ministudio.Dispatch.Providers.Vendors.Fal;

/// <summary>
/// fal's queue: submit to the endpoint, poll the status URL fal hands back (queue position, then runner logs), fetch
/// the result from its response URL and copy the video; cancel through its cancel URL when we give up.
/// </summary>
public sealed class FalProvider(
    IHttpClientFactory clients, IOptions<FalOptions> options, Routing.CapabilityCatalogue catalogue, ClipDownloader downloader, ShotInputs inputs, TimeProvider time) : IVideoVendor<FalOptions>
{
    public static string ProviderName => "fal";
    public static Uri DefaultBaseUrl { get; } = new("https://queue.fal.run/");

    private readonly FalOptions _options = options.Value;

    public string Name => ProviderName;

    public async Task<GeneratedClip> GenerateAsync(ShotJob shot, IProgress<ProviderProgress> progress, CancellationToken ct)
    {
        VendorCalls.EnsureConfigured(_options, ProviderName, shot);
        var authorize = Authorizer(VendorCalls.ApiKeyOf(_options, shot));
        var request = shot.Request;
        var firstFrame = await inputs.FirstFrameAsync(request, ct);
        var model = firstFrame is null
            ? _options.Model ?? catalogue.Vendors[ProviderName].DefaultModel
            : _options.ImageToVideoModel ?? throw new ProviderException(ProviderErrors.InvalidRequest, "fal has no ImageToVideoModel configured for a shot that continues another.", retryable: false);
        // Endpoints in the catalogue speak its lengths (fal-ai/veo3: "4s" | "6s" | "8s"); other configured ones their options'.
        var limits = catalogue.Model(ProviderName, model);
        var seconds = limits is not null
            ? VendorRequests.SnapDuration(request, limits, ProviderName)
            : VendorRequests.SnapDuration(request.DurationSeconds, _options.EffectiveDurations, ProviderName);

        var body = new JsonObject
        {
            ["prompt"] = request.Prompt,
            ["duration"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture) + limits?.DurationSuffix,
            ["aspect_ratio"] = request.AspectRatio,
            ["seed"] = request.Seed,
        };
        if (request.NegativePrompt is { Length: > 0 } negative) body["negative_prompt"] = negative;
        if (firstFrame is not null) body["image_url"] = firstFrame.ToDataUri();

        var client = clients.CreateClient(ProviderName);
        progress.Report(new ProviderProgress(0, "submitting"));
        // The whole answer is the task's id: its status, response and cancel URLs are what a take-over polls.
        var submitted = System.Text.Json.JsonSerializer.Deserialize<FalSubmitted>(await VendorTask.CreateOnceAsync(shot, ProviderName, async token =>
        {
            using var submit = new HttpRequestMessage(HttpMethod.Post, model) { Content = JsonContent.Create(body) };
            authorize(submit);
            using var response = await VendorCalls.CreateAsync(client, submit, ProviderName, token, Classify);
            var accepted = await response.Content.ReadFromJsonAsync<FalSubmitted>(token)
                ?? throw new ProviderException(ProviderErrors.BadOutput, "fal answered the submit with no request id.", retryable: false);
            return System.Text.Json.JsonSerializer.Serialize(accepted);
        }, ct))!;

        // fal's own URLs win: they carry the app id without an endpoint's sub-path, which we cannot always rebuild.
        var requestUrl = $"{model}/requests/{submitted.RequestId}";
        var statusUrl = submitted.StatusUrl ?? $"{requestUrl}/status";
        var responseUrl = submitted.ResponseUrl ?? requestUrl;
        var cancelUrl = submitted.CancelUrl ?? $"{requestUrl}/cancel";

        var resultUrl = await VendorTask.WaitAsync(ProviderName, token => PollAsync(client, authorize, statusUrl, responseUrl, token), token => CancelAsync(client, authorize, cancelUrl, token),
            _options, progress, time, ct);

        var videoUrl = await ResultAsync(client, authorize, resultUrl, ct);
        progress.Report(new ProviderProgress(0.97, "downloading"));
        var hash = await VendorCalls.DownloadAsync(downloader, client, () => VendorRequests.Download(videoUrl, client.BaseAddress!, authorize), ProviderName, time, ct);
        progress.Report(new ProviderProgress(1, "stored"));
        return new GeneratedClip(hash, seconds, model);
    }

    private async Task<TaskState> PollAsync(HttpClient client, Action<HttpRequestMessage> authorize, string statusUrl, string responseUrl, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, statusUrl + (statusUrl.Contains('?') ? "&" : "?") + "logs=1");
        authorize(request);
        using var response = await client.SendAsync(request, ct);
        await VendorResponses.EnsureSuccessAsync(response, ProviderName, ct, Classify);
        var status = await response.Content.ReadFromJsonAsync<FalStatus>(ct)
            ?? throw new ProviderException(ProviderErrors.BadOutput, "fal answered a status request with nothing.", retryable: true);
        return status.Status switch
        {
            "IN_QUEUE" => new TaskState.Working(null, status.QueuePosition is { } position ? $"queued ({position} ahead)" : "queued"),
            "IN_PROGRESS" => new TaskState.Working(VendorRequests.ProgressFromLogs(string.Join('\n', status.Logs?.Select(l => l.Message) ?? [])), "generating"),
            "COMPLETED" when status.Error is { } error => new TaskState.Failed(FailureOf(error, status.ErrorType)),
            "COMPLETED" => new TaskState.Succeeded(status.ResponseUrl ?? responseUrl),
            var other => new TaskState.Failed(new ProviderException(ProviderErrors.BadOutput, $"fal reported an unknown status {other}.", retryable: true)),
        };
    }

    /// <summary>The result of a request that failed at fal comes back as an HTTP error carrying fal's reason.</summary>
    private async Task<string> ResultAsync(HttpClient client, Action<HttpRequestMessage> authorize, string responseUrl, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, responseUrl);
        authorize(request);
        using var response = await client.SendAsync(request, ct);
        await VendorResponses.EnsureSuccessAsync(response, ProviderName, ct, Classify);
        var result = await response.Content.ReadFromJsonAsync<FalVideoResult>(ct);
        return result?.Video?.Url ?? throw new ProviderException(ProviderErrors.BadOutput, "fal's result has no video URL.", retryable: false);
    }

    private async Task CancelAsync(HttpClient client, Action<HttpRequestMessage> authorize, string cancelUrl, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, cancelUrl);
        authorize(request);
        using var response = await client.SendAsync(request, ct);
    }

    private static ProviderException FailureOf(string error, string? type) =>
        VendorRequests.IsSafetyRefusal(type) || VendorRequests.IsSafetyRefusal(error)
            ? new ProviderException(ProviderErrors.ContentRejected, $"fal refused the shot: {error}", retryable: false)
            : new ProviderException(ProviderErrors.Failed, $"fal failed the shot: {error}", retryable: true);

    /// <summary>fal reports a refused input as a 4xx whose detail names content_policy_violation.</summary>
    private static ProviderException? Classify(HttpStatusCode status, string body) =>
        (int)status is >= 400 and < 500 and not 429 and not 401 and not 403 && VendorRequests.IsSafetyRefusal(body)
            ? new ProviderException(ProviderErrors.ContentRejected, $"fal refused the input: {VendorResponses.Shorten(body)}", retryable: false)
            : null;

    private static Action<HttpRequestMessage> Authorizer(string? key) => request => request.Headers.Authorization = new AuthenticationHeaderValue("Key", key);
}
