using System.Net.Http.Headers;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Ministudio.Contracts;
using Ministudio.Dispatch.Routing;

namespace Ministudio.Dispatch.Providers.Vendors.Runway;

/// <summary>
/// Runway's API (<c>X-Runway-Version</c> + bearer key): a shot with a first frame goes to <c>POST /v1/image_to_video</c>
/// with Model (gen4 by default; the frame as a data URI), one without to <c>POST /v1/text_to_video</c> with
/// the catalogue's text-to-video model (Runway offers text-to-video only on its Veo models). <c>GET /v1/tasks/{id}</c> is polled through
/// PENDING/THROTTLED/RUNNING to SUCCEEDED (output URLs, valid 24–48 h) or FAILED (failureCode: SAFETY.* is a content
/// refusal, INTERNAL.* may be retried); <c>DELETE /v1/tasks/{id}</c> cancels. Runway's video endpoints take no
/// reference images: they are left out with a warning, the characters' identity text stays in the prompt.
/// </summary>
public sealed class RunwayProvider(
    IHttpClientFactory clients, IOptions<RunwayOptions> settings, CapabilityCatalogue catalogue, ClipDownloader downloader, ShotInputs inputs, TimeProvider time,
    ILogger<RunwayProvider> logger) : IVideoVendor<RunwayOptions>
{
    public static string ProviderName => "runway";
    public static Uri DefaultBaseUrl { get; } = new("https://api.dev.runwayml.com/");

    private readonly RunwayOptions _options = settings.Value;

    public string Name => ProviderName;

    public async Task<GeneratedClip> GenerateAsync(ShotJob shot, IProgress<ProviderProgress> progress, CancellationToken ct)
    {
        VendorCalls.EnsureConfigured(_options, Name, shot);
        var key = VendorCalls.ApiKeyOf(_options, shot);
        var request = shot.Request;
        var maxPromptChars = catalogue.Vendors[Name].MaxPromptChars;
        if (request.Prompt.Length > maxPromptChars)
            throw new ProviderException(ProviderErrors.InvalidRequest, $"runway takes prompts of at most {maxPromptChars} characters, not {request.Prompt.Length}.", retryable: false);
        if (request.ReferenceImages is { Count: > 0 } references)
            logger.LogWarning("runway takes no reference images for video; {Count} left out of job {JobId} shot {Shot}.", references.Count, shot.JobId, shot.ShotIndex);

        var firstFrame = await inputs.FirstFrameAsync(request, ct);
        // The catalogue names the text-to-video model for shots without a first frame (gen4 needs an image).
        var (model, limits) = catalogue.Resolve(Name, request, _options.Model);
        var family = RunwayModels.For(model);
        var duration = VendorRequests.SnapDuration(request, limits, ProviderName);
        var body = new RunwayGenerationRequest(
            model, request.Prompt, family.Ratio(request), duration,
            PromptImage: firstFrame?.ToDataUri(),
            Seed: family.TakesSeed ? unchecked((uint)request.Seed) : null,
            NegativePrompt: family.TakesNegativePrompt && firstFrame is not null ? request.NegativePrompt : null);

        var task = new RestVendorTask<RunwayTask>(Name, (method, path) => Authorized(method, path, key), "error",
            created => created.Id, id => $"v1/tasks/{id}", StateOf);
        var hash = await task.RunAsync(shot, clients.CreateClient(Name), firstFrame is null ? "v1/text_to_video" : "v1/image_to_video", body,
            _options, downloader, progress, time, ct);
        return new GeneratedClip(hash, duration, model);
    }

    private static TaskState StateOf(RunwayTask task) =>
        task.Status switch
        {
            "SUCCEEDED" when task.Output is [var url, ..] => new TaskState.Succeeded(url),
            "SUCCEEDED" => new TaskState.Failed(new ProviderException(ProviderErrors.BadOutput, "runway finished the task without an output.", retryable: true)),
            "FAILED" => new TaskState.Failed(FromFailureCode(task.FailureCode, task.Failure)),
            "CANCELLED" => new TaskState.Failed(new ProviderException(ProviderErrors.Canceled, "runway reports the task was cancelled.", retryable: false)),
            "RUNNING" => new TaskState.Working(task.Progress, "generating"),
            "THROTTLED" => new TaskState.Working(null, "throttled"),
            _ => new TaskState.Working(null, "queued"),
        };

    /// <summary>failureCode is dot-separated, most generic first: SAFETY.INPUT.TEXT, INTERNAL.BAD_OUTPUT, ASSET.INVALID…</summary>
    public static ProviderException FromFailureCode(string? code, string? failure)
    {
        var detail = $"runway failed the task ({code}): {failure}";
        if (code?.Contains("SAFETY", StringComparison.Ordinal) == true)
            return new ProviderException(ProviderErrors.ContentRejected, detail, retryable: false);
        if (code?.StartsWith("INTERNAL", StringComparison.Ordinal) == true)
            return new ProviderException(ProviderErrors.Failed, detail, retryable: true);
        if (code?.StartsWith("ASSET", StringComparison.Ordinal) == true || code?.StartsWith("INPUT", StringComparison.Ordinal) == true)
            return new ProviderException(ProviderErrors.InvalidRequest, detail, retryable: false);
        return new ProviderException(ProviderErrors.Failed, detail, retryable: false);
    }


    private HttpRequestMessage Authorized(HttpMethod method, string path, string? key)
    {
        var message = new HttpRequestMessage(method, new Uri(_options.BaseUrl ?? DefaultBaseUrl, path));
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        message.Headers.Add("X-Runway-Version", _options.ApiVersion);
        return message;
    }
}

/// <summary>How each Runway model family is spoken to: output sizes ("w:h"), seed and negative prompt (lengths: the catalogue).</summary>
public sealed record RunwayModels(IReadOnlyDictionary<string, string> Ratios, IReadOnlyDictionary<string, string> LargeRatios, bool TakesSeed, bool TakesNegativePrompt)
{
    private static readonly Dictionary<string, string> Gen4Ratios = new()
    {
        ["16:9"] = "1280:720", ["9:16"] = "720:1280", ["1:1"] = "960:960", ["4:3"] = "1104:832", ["3:4"] = "832:1104", ["21:9"] = "1584:672",
    };
    private static readonly Dictionary<string, string> VeoRatios = new() { ["16:9"] = "1280:720", ["9:16"] = "720:1280" };
    private static readonly Dictionary<string, string> VeoLargeRatios = new() { ["16:9"] = "1920:1080", ["9:16"] = "1080:1920" };

    public static RunwayModels For(string model) => model switch
    {
        "gen4_turbo" or "gen4.5" => new(Gen4Ratios, Gen4Ratios, TakesSeed: true, TakesNegativePrompt: false),
        "veo3.1" or "veo3.1_fast" => new(VeoRatios, VeoLargeRatios, TakesSeed: false, TakesNegativePrompt: true),
        _ => throw new ProviderException(ProviderErrors.InvalidRequest, $"runway model {model} is not one this adapter knows how to call.", retryable: false),
    };

    public string Ratio(ShotRequest request)
    {
        var table = Math.Min(request.Width, request.Height) >= 1080 ? LargeRatios : Ratios;
        return table.TryGetValue(request.AspectRatio, out var ratio)
            ? ratio
            : throw new ProviderException(ProviderErrors.InvalidRequest, $"runway makes {string.Join(", ", Ratios.Keys)} videos with this model, not {request.AspectRatio}.", retryable: false);
    }
}
