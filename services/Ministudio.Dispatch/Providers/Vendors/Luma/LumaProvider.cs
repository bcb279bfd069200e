using System.Net.Http.Headers;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Ministudio.Contracts;
using Ministudio.Dispatch.Routing;
using Ministudio.Platform;

namespace Ministudio.Dispatch.Providers.Vendors.Luma;

/// <summary>
/// Luma Dream Machine: <c>POST /dream-machine/v1/generations/video</c> (Luma's video-creation path since 2025-05-27),
/// <c>GET /dream-machine/v1/generations/{id}</c> through queued and
/// dreaming to completed (assets.video) or failed (failure_reason); <c>DELETE …/generations/{id}</c> is the only way
/// to stop one, so a canceled shot deletes its generation. Luma reads keyframe images from URLs, not bytes: a first
/// frame is put into the artifact store and named by a signed, expiring URL through the gateway (<see cref="ArtifactUrls"/>,
/// from <c>Public:BaseUrl</c>); without that setting an image-to-video shot fails as invalid_request. An optional
/// CallbackUrl is passed on for Luma's state callbacks, but polling stays the source of truth. Luma's video endpoint
/// has no negative-prompt or reference-image field (the prompt compiler folds the negative prompt into the text;
/// reference images are left out with a warning).
/// </summary>
public sealed class LumaProvider(
    IHttpClientFactory clients, IOptions<LumaOptions> settings, CapabilityCatalogue catalogue, ArtifactStore artifacts, ArtifactUrls urls,
    ClipDownloader downloader, ShotInputs inputs, TimeProvider time, ILogger<LumaProvider> logger) : IVideoVendor<LumaOptions>
{
    public static string ProviderName => "luma";
    public static Uri DefaultBaseUrl { get; } = new("https://api.lumalabs.ai/");

    private readonly LumaOptions _options = settings.Value;

    public string Name => ProviderName;

    public async Task<GeneratedClip> GenerateAsync(ShotJob shot, IProgress<ProviderProgress> progress, CancellationToken ct)
    {
        VendorCalls.EnsureConfigured(_options, Name, shot);
        var key = VendorCalls.ApiKeyOf(_options, shot);
        var request = shot.Request;
        var (model, limits) = catalogue.Resolve(Name, request, _options.Model);
        var aspectRatio = VendorRequests.AspectRatio(request, limits, Name);
        if (request.ReferenceImages is { Count: > 0 } references)
            logger.LogWarning("luma takes no reference images for video; {Count} left out of job {JobId} shot {Shot}.", references.Count, shot.JobId, shot.ShotIndex);

        var duration = VendorRequests.SnapDuration(request, limits, ProviderName);
        var body = new LumaGenerationRequest(
            request.Prompt, model, aspectRatio, ResolutionFor(request), $"{duration}s", Loop: false,
            Keyframes: await KeyframesAsync(request, ct), CallbackUrl: _options.CallbackUrl?.ToString());

        var generation = new RestVendorTask<LumaGeneration>(Name, (method, path) => Authorized(method, path, key), "detail",
            created => created.Id, id => $"dream-machine/v1/generations/{id}", StateOf);
        var hash = await generation.RunAsync(shot, clients.CreateClient(Name), "dream-machine/v1/generations/video", body,
            _options, downloader, progress, time, ct);
        return new GeneratedClip(hash, duration, model);
    }

    private async Task<LumaKeyframes?> KeyframesAsync(ShotRequest request, CancellationToken ct)
    {
        if (request.FirstFrameClip is null) return null;
        if (!urls.CanSign)
            throw new ProviderException(ProviderErrors.InvalidRequest,
                $"luma reads first frames from URLs; set {PublicUrlOptions.BaseUrlKey} to where the gateway is reachable from outside to use it for image-to-video.",
                retryable: false);
        if (await inputs.FirstFrameAsync(request, ct) is not { } frame) return null;
        var folder = artifacts.CreateScratchFolder();
        try
        {
            var path = Path.Combine(folder, "first-frame.png");
            await File.WriteAllBytesAsync(path, frame.Bytes, ct);
            var hash = await artifacts.AddFileAsync(path, ct);
            return new LumaKeyframes(new LumaKeyframe("image", urls.For(hash, frame.MediaType).ToString()));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static TaskState StateOf(LumaGeneration generation) =>
        generation.State switch
        {
            "completed" when generation.Assets?.Video is { Length: > 0 } video => new TaskState.Succeeded(video),
            "completed" => new TaskState.Failed(new ProviderException(ProviderErrors.BadOutput, "luma completed the generation without a video.", retryable: true)),
            "failed" => new TaskState.Failed(FromFailureReason(generation.FailureReason)),
            "dreaming" => new TaskState.Working(null, "dreaming"),
            _ => new TaskState.Working(null, "queued"),
        };

    /// <summary>Luma gives only free text: moderation wording is a content refusal, anything else may be tried again.</summary>
    public static ProviderException FromFailureReason(string? reason) =>
        VendorRequests.IsSafetyRefusal(reason)
            ? new ProviderException(ProviderErrors.ContentRejected, $"luma refused the generation: {reason}", retryable: false)
            : new ProviderException(ProviderErrors.Failed, $"luma failed the generation: {reason}", retryable: true);

    private static string ResolutionFor(ShotRequest request) => Math.Min(request.Width, request.Height) switch
    {
        >= 2160 => "4k",
        >= 1080 => "1080p",
        >= 720 => "720p",
        _ => "540p",
    };


    private HttpRequestMessage Authorized(HttpMethod method, string path, string? key)
    {
        var message = new HttpRequestMessage(method, new Uri(_options.BaseUrl ?? DefaultBaseUrl, path));
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return message;
    }
}
