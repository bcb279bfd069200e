using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Ministudio.Contracts;

namespace Ministudio.Dispatch.Providers.Vendors.Sora;

/// <summary>
/// OpenAI's videos API (Sora): <c>POST /v1/videos</c> (multipart: model, prompt, seconds, size, input_reference),
/// <c>GET /v1/videos/{id}</c> until completed or failed, then <c>GET /v1/videos/{id}/content</c>.
/// The API has no cancel: its <c>DELETE /v1/videos/{id}</c> removes a completed or failed video and its assets, so a
/// canceled shot stops polling and the job runs out at OpenAI. Sora uses input_reference as the opening frame and
/// wants it at the output size, so images are fitted to the size first. (The API's remix is not used: shot requests
/// name our artifacts, not vendor videos.)
/// </summary>
public sealed class SoraProvider(
    IHttpClientFactory clients, IOptions<SoraOptions> settings, ClipDownloader downloader, ShotInputs inputs, TimeProvider time) : IVideoProvider
{
    public const string ProviderName = "sora";
    public const string DefaultModel = "sora-2";
    public static readonly Uri DefaultBaseUrl = new("https://api.openai.com/");
    private static readonly int[] Seconds = [4, 8, 12];

    private readonly SoraOptions _options = settings.Value;

    public string Name => ProviderName;

    public async Task<GeneratedClip> GenerateAsync(ShotJob shot, IProgress<ProviderProgress> progress, CancellationToken ct)
    {
        VendorCalls.EnsureConfigured(_options, Name);
        var request = shot.Request;
        var model = _options.Model ?? DefaultModel;
        var size = SizeFor(request, model);
        var seconds = VendorRequests.SnapDuration(request.DurationSeconds, Seconds, ProviderName);
        // Sora conditions on one image, as the opening frame: the previous clip's last frame, else one reference image.
        var image = await inputs.FirstFrameAsync(request, ct) ?? (await inputs.ReferenceImagesAsync(request, ct)).FirstOrDefault();

        using var form = new MultipartFormDataContent
        {
            { new StringContent(model), "model" },
            { new StringContent(request.Prompt), "prompt" },
            { new StringContent(seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)), "seconds" },
            { new StringContent($"{size.Width}x{size.Height}"), "size" },
        };
        if (image is not null)
        {
            var fitted = await ImageFitting.FitAsync(image, size.Width, size.Height, ct);
            var file = new ByteArrayContent(fitted.Bytes);
            file.Headers.ContentType = new MediaTypeHeaderValue(fitted.MediaType);
            form.Add(file, "input_reference", "first-frame.png");
        }
        var video = await CreateAsync(HttpMethod.Post, "v1/videos", form, ct);
        return await FinishAsync(video, model, progress, ct);
    }

    private async Task<SoraVideo> CreateAsync(HttpMethod method, string path, HttpContent content, CancellationToken ct)
    {
        var client = clients.CreateClient(Name);
        using var create = Authorized(method, path);
        create.Content = content;
        using var response = await VendorCalls.CreateAsync(client, create, Name, ct, Classify);
        return await VendorCalls.ReadJsonAsync<SoraVideo>(response, Name, ct);
    }

    private async Task<GeneratedClip> FinishAsync(SoraVideo video, string model, IProgress<ProviderProgress> progress, CancellationToken ct)
    {
        var client = clients.CreateClient(Name);
        var id = Uri.EscapeDataString(video.Id);
        await VendorTask.WaitAsync(Name, token => VendorCalls.ReadAsync(t => PollAsync(client, id, t), Name, token),
            cancelAtVendor: null, _options, progress, time, ct);
        progress.Report(new ProviderProgress(0.95, "downloading"));
        var hash = await VendorCalls.DownloadAsync(downloader, client, () => Authorized(HttpMethod.Get, $"v1/videos/{id}/content"), Name, time, ct);
        var seconds = double.TryParse(video.Seconds, System.Globalization.CultureInfo.InvariantCulture, out var s) ? s : 0;
        return new GeneratedClip(hash, seconds, model);
    }

    private async Task<TaskState> PollAsync(HttpClient client, string id, CancellationToken ct)
    {
        using var poll = Authorized(HttpMethod.Get, $"v1/videos/{id}");
        using var response = await client.SendAsync(poll, ct);
        var video = await VendorCalls.ReadJsonAsync<SoraVideo>(response, Name, ct, Classify);
        return video.Status switch
        {
            "completed" => new TaskState.Succeeded(video.Id),
            "failed" => new TaskState.Failed(FromJobError(video.Error)),
            "queued" => new TaskState.Working(video.Progress / 100.0, "queued"),
            _ => new TaskState.Working(video.Progress / 100.0, "generating"),
        };
    }

    private HttpRequestMessage Authorized(HttpMethod method, string path)
    {
        var message = new HttpRequestMessage(method, new Uri(_options.BaseUrl ?? DefaultBaseUrl, path));
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey);
        return message;
    }

    /// <summary>1280x720 or 720x1280; sora-2-pro also makes 1792x1024 and 1024x1792 when the shot asks for more lines.</summary>
    private static (int Width, int Height) SizeFor(ShotRequest request, string model)
    {
        var large = model.StartsWith("sora-2-pro", StringComparison.Ordinal) && Math.Min(request.Width, request.Height) >= 1024;
        return request.AspectRatio switch
        {
            "16:9" => large ? (1792, 1024) : (1280, 720),
            "9:16" => large ? (1024, 1792) : (720, 1280),
            _ => throw new ProviderException(ProviderErrors.InvalidRequest, $"sora makes 16:9 and 9:16 videos, not {request.AspectRatio}.", retryable: false),
        };
    }

    /// <summary>OpenAI error bodies: moderation refusals (moderation_blocked, sentinel_block) are content rejections.</summary>
    private ProviderException? Classify(HttpStatusCode status, string body)
    {
        var error = TryRead(body);
        return IsModeration(error) ? new ProviderException(ProviderErrors.ContentRejected, $"sora refused the request: {error!.Message}", retryable: false) : null;
    }

    private static ProviderException FromJobError(SoraError? error)
    {
        var detail = $"sora failed the video: {error?.Code} {error?.Message}";
        if (IsModeration(error)) return new ProviderException(ProviderErrors.ContentRejected, detail, retryable: false);
        return error?.Code switch
        {
            "invalid_request" or "invalid_request_error" => new ProviderException(ProviderErrors.InvalidRequest, detail, retryable: false),
            _ => new ProviderException(ProviderErrors.Failed, detail, retryable: true),
        };
    }

    private static bool IsModeration(SoraError? error) =>
        error?.Code is "moderation_blocked" or "sentinel_block" or "content_policy_violation" || VendorRequests.IsSafetyRefusal(error?.Message);

    private static SoraError? TryRead(string body)
    {
        try
        {
            return JsonSerializer.Deserialize<SoraErrorBody>(body, VendorCalls.Json)?.Error;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>OpenAI videos API settings (<c>Dispatch:Vendors:sora</c>): ApiKey is an OpenAI API key.</summary>
public sealed class SoraOptions : VendorOptions;

public sealed record SoraVideo(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("progress")] int Progress,
    [property: JsonPropertyName("model")] string? Model,
    [property: JsonPropertyName("seconds")] string? Seconds,
    [property: JsonPropertyName("size")] string? Size,
    [property: JsonPropertyName("error")] SoraError? Error);

public sealed record SoraError(
    [property: JsonPropertyName("code")] string? Code,
    [property: JsonPropertyName("message")] string? Message);

public sealed record SoraErrorBody([property: JsonPropertyName("error")] SoraError? Error);
