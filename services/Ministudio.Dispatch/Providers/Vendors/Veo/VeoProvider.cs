using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Ministudio.Dispatch.Routing;

namespace Ministudio.Dispatch.Providers.Vendors.Veo;

/// <summary>
/// Google Veo on Vertex AI: <c>:predictLongRunning</c> starts an operation, <c>:fetchPredictOperation</c> polls it, and
/// the finished operation carries the video inline (base64) or, when StorageUri is set, as a gs:// object that is read
/// through the Cloud Storage JSON API with the same token. Veo operations have no documented cancel call, so a
/// canceled shot simply stops polling. Veo reports no progress; VendorTask creeps the fraction forward.
/// </summary>
public sealed class VeoProvider(
    IHttpClientFactory clients, IOptions<VeoOptions> settings, CapabilityCatalogue catalogue, ClipDownloader downloader, ShotInputs inputs, TimeProvider time) : IVideoVendor<VeoOptions>
{
    public static string ProviderName => "veo";
    public static Uri DefaultBaseUrl { get; } = new("https://us-central1-aiplatform.googleapis.com/");

    private readonly VeoOptions _options = settings.Value;
    private readonly Lock _gate = new();
    private ServiceAccountTokens? _tokens;
    private ServiceAccountKey? _key;
    private readonly ConcurrentDictionary<string, ServiceAccountTokens> _tenantTokens = new();

    public string Name => ProviderName;

    public async Task<GeneratedClip> GenerateAsync(ShotJob shot, IProgress<ProviderProgress> progress, CancellationToken ct)
    {
        VendorCalls.EnsureConfigured(_options, Name, shot);
        var request = shot.Request;
        var client = clients.CreateClient(Name);
        var (key, tokens) = await CredentialsAsync(shot, client, ct);
        var project = _options.ProjectId ?? key.ProjectId
            ?? throw new ProviderException(ProviderErrors.Unauthorized, "veo needs ProjectId (or a service-account key with project_id).", retryable: false);
        var (model, limits) = catalogue.Resolve(Name, request, _options.Model);
        var duration = VendorRequests.SnapDuration(request, limits, Name);
        var instance = VeoRequests.Instance(request, await inputs.FirstFrameAsync(request, ct), await inputs.ReferenceImagesAsync(request, ct), limits, Name);
        var body = new VeoPredictRequest([instance], new VeoParameters(
            VendorRequests.AspectRatio(request, limits, Name), duration, SampleCount: 1, VeoRequests.ResolutionFor(request), request.NegativePrompt,
            Seed: unchecked((uint)request.Seed), StorageUri: _options.StorageUri,
            GenerateAudio: limits.Audio ? _options.GenerateAudio : null));

        var root = _options.BaseUrl ?? new Uri($"https://{_options.Location}-aiplatform.googleapis.com/");
        var modelUri = new Uri(root, $"v1/projects/{project}/locations/{_options.Location}/publishers/google/models/{model}");

        var operationName = await VendorTask.CreateOnceAsync(shot, Name, async token =>
        {
            using var create = new HttpRequestMessage(HttpMethod.Post, $"{modelUri}:predictLongRunning") { Content = JsonContent.Create(body, options: VendorCalls.Json) };
            create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetAsync(token));
            using var created = await VendorCalls.CreateAsync(client, create, Name, token, (status, text) => VeoRequests.Classify(Name, status, text));
            var operation = await VendorCalls.ReadJsonAsync<VeoOperation<VertexVideoResponse>>(created, Name, token);
            return operation.Name is { Length: > 0 } name
                ? name
                : throw new ProviderException(ProviderErrors.BadOutput, "veo accepted the request without naming its operation.", retryable: false);
        }, ct);

        VertexVideo? video = null;
        await VendorTask.WaitAsync(Name, async token =>
        {
            var (state, finished) = await VendorCalls.ReadAsync(t => FetchAsync(client, tokens, modelUri, operationName, t), Name, token);
            video = finished;
            return state;
        }, cancelAtVendor: null, _options, progress, time, ct);

        progress.Report(new ProviderProgress(0.95, "downloading"));
        string hash;
        if (video!.BytesBase64Encoded is { Length: > 0 } inline)
        {
            hash = await downloader.StoreAsync(new MemoryStream(Convert.FromBase64String(inline)), Name, ct);
        }
        else
        {
            var token = await tokens.GetAsync(ct);
            hash = await VendorCalls.DownloadAsync(downloader, client, () => StorageRead(video.GcsUri!, token), Name, time, ct);
        }
        return new GeneratedClip(hash, duration, model);
    }

    private async Task<(TaskState State, VertexVideo? Video)> FetchAsync(
        HttpClient client, ServiceAccountTokens tokens, Uri modelUri, string operationName, CancellationToken ct)
    {
        using var poll = new HttpRequestMessage(HttpMethod.Post, $"{modelUri}:fetchPredictOperation")
        {
            Content = JsonContent.Create(new FetchOperationRequest(operationName), options: VendorCalls.Json),
        };
        poll.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetAsync(ct));
        using var response = await client.SendAsync(poll, ct);
        var operation = await VendorCalls.ReadJsonAsync<VeoOperation<VertexVideoResponse>>(response, Name, ct, (status, text) => VeoRequests.Classify(Name, status, text));
        if (!operation.Done) return (new TaskState.Working(null, "generating"), null);
        if (operation.Error is { } error) return (new TaskState.Failed(VeoRequests.FromOperationError(Name, error)), null);
        var result = operation.Response;
        if (result?.Videos is [var first, ..] && (first.BytesBase64Encoded is { Length: > 0 } || first.GcsUri is { Length: > 0 }))
            return (new TaskState.Succeeded(first.GcsUri ?? "inline"), first);
        if (result?.RaiMediaFilteredCount > 0)
            return (new TaskState.Failed(VeoRequests.Filtered(Name, result.RaiMediaFilteredCount.Value, result.RaiMediaFilteredReasons)), null);
        return (new TaskState.Failed(new ProviderException(ProviderErrors.BadOutput, "veo finished the operation without a video.", retryable: true)), null);
    }

    /// <summary>gs://bucket/path/clip.mp4 → the JSON API's media download of that object, with our bearer token.</summary>
    private HttpRequestMessage StorageRead(string gcsUri, string token)
    {
        var location = new Uri(gcsUri);
        if (location.Scheme != "gs")
            throw new ProviderException(ProviderErrors.BadOutput, $"veo named a video at {gcsUri}, which is not a gs:// object.", retryable: false);
        var objectName = Uri.EscapeDataString(location.AbsolutePath.TrimStart('/'));
        var read = new HttpRequestMessage(HttpMethod.Get, new Uri(_options.StorageBaseUrl, $"storage/v1/b/{location.Host}/o/{objectName}?alt=media"));
        read.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return read;
    }

    /// <summary>
    /// The service account a shot is made with and its token cache: the platform's (one per adapter, so every shot
    /// shares the hour-long access token), or a tenant's own key file (BYOK), cached per key.
    /// </summary>
    private async Task<(ServiceAccountKey Key, ServiceAccountTokens Tokens)> CredentialsAsync(ShotJob shot, HttpClient client, CancellationToken ct)
    {
        if (shot.TenantSecret is { } secret)
        {
            var tenantKey = ParseTenantKey(secret.Value);
            var id = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret.Value)));
            return (tenantKey, _tenantTokens.GetOrAdd(id, _ => new ServiceAccountTokens(tenantKey, client, time)));
        }
        var key = await KeyAsync(ct);
        lock (_gate) return (key, _tokens ??= new ServiceAccountTokens(key, client, time));
    }

    private static ServiceAccountKey ParseTenantKey(string json)
    {
        try
        {
            return ServiceAccountKey.Parse(json);
        }
        catch (JsonException)
        {
            throw new ProviderException(ProviderErrors.Unauthorized, "The tenant's veo secret is not a service-account key file.", retryable: false);
        }
    }

    private async Task<ServiceAccountKey> KeyAsync(CancellationToken ct) =>
        _key ??= ServiceAccountKey.Parse(_options.ServiceAccountJson is { Length: > 0 } inline ? inline : await File.ReadAllTextAsync(_options.ServiceAccountFile!, ct));

    private sealed record FetchOperationRequest([property: JsonPropertyName("operationName")] string OperationName);
}
