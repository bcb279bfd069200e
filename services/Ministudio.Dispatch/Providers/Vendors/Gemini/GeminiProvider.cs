using Microsoft.Extensions.Options;
using Ministudio.Dispatch.Routing;

namespace Ministudio.Dispatch.Providers.Vendors.Gemini;

/// <summary>
/// Gemini Omni Flash through the Gemini API's Interactions API, with an API key (<c>Dispatch:Vendors:gemini</c>):
/// <c>POST v1beta/interactions</c> with <c>background: true</c> starts the interaction and answers its id (recorded in
/// the shot's lease, so a take-over resumes it), <c>GET v1beta/interactions/{id}</c> polls it from queued and
/// in_progress to completed, and <c>POST v1beta/interactions/{id}/cancel</c> stops it when the shot is canceled or
/// times out. The finished video comes as a URI (downloaded with the key only when it is on the API's own host) or
/// inline as base64. Omni reports no progress and takes no seed or negative prompt (the compiler writes the negative
/// prompt into the text).
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
        var seconds = VendorRequests.SnapDuration(request, limits, Name);
        var body = GeminiRequests.Interaction(model, request, limits, seconds,
            await inputs.FirstFrameAsync(request, ct), await inputs.ReferenceImagesAsync(request, ct), Name);

        HttpRequestMessage Authorized(HttpMethod method, string path)
        {
            var message = new HttpRequestMessage(method, new Uri(root, path));
            message.Headers.Add(KeyHeader, key);
            return message;
        }

        var id = await VendorTask.CreateOnceAsync(shot, Name, async token =>
        {
            using var create = Authorized(HttpMethod.Post, "v1beta/interactions");
            create.Content = JsonContent.Create(body, options: VendorCalls.Json);
            using var created = await VendorCalls.CreateAsync(client, create, Name, token, Classify);
            var interaction = await VendorCalls.ReadJsonAsync<Interaction>(created, Name, token);
            return interaction.Id is { Length: > 0 } started
                ? started
                : throw new ProviderException(ProviderErrors.BadOutput, "gemini accepted the interaction without naming it.", retryable: false);
        }, ct);
        var path = $"v1beta/interactions/{Uri.EscapeDataString(id)}";

        InteractionContent? video = null;
        await VendorTask.WaitAsync(Name,
            token => VendorCalls.ReadAsync(async t =>
            {
                using var poll = Authorized(HttpMethod.Get, path);
                using var response = await client.SendAsync(poll, t);
                var (state, finished) = GeminiRequests.StateOf(await VendorCalls.ReadJsonAsync<Interaction>(response, Name, t, Classify), Name);
                video = finished;
                return state;
            }, Name, token),
            async token =>
            {
                using var cancel = Authorized(HttpMethod.Post, $"{path}/cancel");
                using var response = await client.SendAsync(cancel, token);
                await VendorResponses.EnsureSuccessAsync(response, Name, token, Classify);
            },
            _options, progress, time, ct);

        progress.Report(new ProviderProgress(0.95, "downloading"));
        var hash = video!.Data is { Length: > 0 } inline
            ? await downloader.StoreAsync(new MemoryStream(Decode(inline)), Name, ct)
            : await VendorCalls.DownloadAsync(downloader, client,
                () => VendorRequests.Download(video.Uri!, root, download => download.Headers.Add(KeyHeader, key)), Name, time, ct);
        return new GeneratedClip(hash, seconds, model);
    }

    private byte[] Decode(string base64)
    {
        try
        {
            return Convert.FromBase64String(base64);
        }
        catch (FormatException ex)
        {
            throw new ProviderException(ProviderErrors.BadOutput, $"{Name} sent the video as data that is not base64.", retryable: false, ex);
        }
    }

    private ProviderException? Classify(System.Net.HttpStatusCode status, string body) => GeminiRequests.Classify(Name, status, body);
}
