using Microsoft.Extensions.Options;
using Ministudio.Dispatch.Routing;
using Ministudio.Dispatch.Providers.Vendors.Veo;

namespace Ministudio.Dispatch.Providers.Vendors.Gemini;

/// <summary>
/// Veo through the Gemini API with an API key (<c>Dispatch:Vendors:gemini</c>): <c>models/{model}:predictLongRunning</c>
/// starts an operation, <c>GET v1beta/{operation name}</c> polls it, and the finished sample's file URI is downloaded
/// with the same key. The Gemini API takes no seed and has no cancel call for these operations, so a canceled shot
/// stops polling; the key is only ever sent to the API's own host.
/// </summary>
public sealed class GeminiProvider(
    IHttpClientFactory clients, IOptions<GeminiOptions> settings, CapabilityCatalogue catalogue, ClipDownloader downloader, ShotInputs inputs, TimeProvider time) : IVideoVendor<GeminiOptions>
{
    public static string ProviderName => "gemini";
    public static Uri DefaultBaseUrl { get; } = new("https://generativelanguage.googleapis.com/");
    private const string KeyHeader = "x-goog-api-key";

    private readonly GeminiOptions _options = settings.Value;

    public string Name => ProviderName;

    public async Task<GeneratedClip> GenerateAsync(ShotJob shot, IProgress<ProviderProgress> progress, CancellationToken ct)
    {
        VendorCalls.EnsureConfigured(_options, Name, shot);
        var key = VendorCalls.ApiKeyOf(_options, shot);
        var request = shot.Request;
        var client = clients.CreateClient(Name);
        var root = _options.BaseUrl ?? DefaultBaseUrl;
        var (model, limits) = catalogue.Resolve(Name, request, _options.Model);
        var duration = VendorRequests.SnapDuration(request, limits, Name);
        var instance = VeoRequests.Instance(request, await inputs.FirstFrameAsync(request, ct), await inputs.ReferenceImagesAsync(request, ct), limits, Name);
        var body = new VeoPredictRequest([instance], new VeoParameters(
            VendorRequests.AspectRatio(request, limits, Name), duration, SampleCount: 1, VeoRequests.ResolutionFor(request), request.NegativePrompt));

        var operationName = await VendorTask.CreateOnceAsync(shot, Name, async token =>
        {
            using var create = new HttpRequestMessage(HttpMethod.Post, new Uri(root, $"v1beta/models/{model}:predictLongRunning"))
            {
                Content = JsonContent.Create(body, options: VendorCalls.Json),
            };
            create.Headers.Add(KeyHeader, key);
            using var created = await VendorCalls.CreateAsync(client, create, Name, token, (status, text) => VeoRequests.Classify(Name, status, text));
            var operation = await VendorCalls.ReadJsonAsync<VeoOperation<GeminiVideoResponse>>(created, Name, token);
            return operation.Name is { Length: > 0 } name
                ? name
                : throw new ProviderException(ProviderErrors.BadOutput, "gemini accepted the request without naming its operation.", retryable: false);
        }, ct);

        var videoUri = await VendorTask.WaitAsync(Name,
            token => VendorCalls.ReadAsync(t => PollAsync(client, new Uri(root, $"v1beta/{operationName}"), key, t), Name, token),
            cancelAtVendor: null, _options, progress, time, ct);

        progress.Report(new ProviderProgress(0.95, "downloading"));
        var hash = await VendorCalls.DownloadAsync(downloader, client, () =>
        {
            var download = new HttpRequestMessage(HttpMethod.Get, videoUri);
            if (VendorCalls.SameHost(new Uri(videoUri), root)) download.Headers.Add(KeyHeader, key);
            return download;
        }, Name, time, ct);
        return new GeneratedClip(hash, duration, model);
    }

    private async Task<TaskState> PollAsync(HttpClient client, Uri operationUri, string? key, CancellationToken ct)
    {
        using var poll = new HttpRequestMessage(HttpMethod.Get, operationUri);
        poll.Headers.Add(KeyHeader, key);
        using var response = await client.SendAsync(poll, ct);
        var operation = await VendorCalls.ReadJsonAsync<VeoOperation<GeminiVideoResponse>>(response, Name, ct, (status, text) => VeoRequests.Classify(Name, status, text));
        if (!operation.Done) return new TaskState.Working(null, "generating");
        if (operation.Error is { } error) return new TaskState.Failed(VeoRequests.FromOperationError(Name, error));
        var result = operation.Response?.GenerateVideoResponse;
        if (result?.GeneratedSamples is [{ Video.Uri: { Length: > 0 } uri }, ..]) return new TaskState.Succeeded(uri);
        if (result?.RaiMediaFilteredCount > 0) return new TaskState.Failed(VeoRequests.Filtered(Name, result.RaiMediaFilteredCount.Value, result.RaiMediaFilteredReasons));
        return new TaskState.Failed(new ProviderException(ProviderErrors.BadOutput, "gemini finished the operation without a video.", retryable: true));
    }
}
