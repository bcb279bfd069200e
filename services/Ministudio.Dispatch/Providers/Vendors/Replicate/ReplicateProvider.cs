using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Ministudio.Dispatch.Providers.Vendors.Replicate;

/// <summary>
/// Replicate predictions: create (optionally waiting a few seconds for a quick model), poll, download the output,
/// cancel at Replicate when we give up. Input names differ per model, so they come from <see cref="ReplicateOptions.Models"/>.
/// </summary>
public sealed class ReplicateProvider(
    IHttpClientFactory clients, IOptions<ReplicateOptions> options, Routing.CapabilityCatalogue catalogue, ClipDownloader downloader, ShotInputs inputs, TimeProvider time) : IVideoVendor<ReplicateOptions>
{
    public static string ProviderName => "replicate";
    public static Uri DefaultBaseUrl { get; } = new("https://api.replicate.com/");

    private readonly ReplicateOptions _options = options.Value;

    public string Name => ProviderName;

    public async Task<GeneratedClip> GenerateAsync(ShotJob shot, IProgress<ProviderProgress> progress, CancellationToken ct)
    {
        VendorCalls.EnsureConfigured(_options, ProviderName, shot);
        var authorize = Authorizer(VendorCalls.ApiKeyOf(_options, shot));
        var model = _options.Model ?? catalogue.Vendors[ProviderName].DefaultModel;
        var modelInputs = _options.InputsFor(model);
        var client = clients.CreateClient(ProviderName);
        var (body, seconds) = await BuildBodyAsync(shot.Request, model, modelInputs, ct);

        progress.Report(new ProviderProgress(0, "submitting"));
        string? finished = null;
        var predictionId = await VendorTask.CreateOnceAsync(shot, ProviderName, async token =>
        {
            using var create = new HttpRequestMessage(HttpMethod.Post, modelInputs.Version is null ? $"v1/models/{model}/predictions" : "v1/predictions")
            {
                Content = JsonContent.Create(body),
            };
            authorize(create);
            if (_options.WaitSeconds > 0) create.Headers.Add("Prefer", $"wait={Math.Clamp(_options.WaitSeconds, 1, 60)}");
            using var created = await VendorCalls.CreateAsync(client, create, ProviderName, token, Classify);
            var prediction = await ReadAsync(created, token);
            // Prefer: wait may answer with the prediction already finished.
            finished = StateOf(prediction) switch
            {
                TaskState.Succeeded done => done.Output,
                TaskState.Failed failed => throw failed.Error,
                _ => null,
            };
            return prediction.Id;
        }, ct);

        var output = finished ?? await VendorTask.WaitAsync(ProviderName, token => PollAsync(client, authorize, predictionId, token), token => CancelAsync(client, authorize, predictionId, token),
            _options, progress, time, ct);

        progress.Report(new ProviderProgress(0.97, "downloading"));
        var hash = await VendorCalls.DownloadAsync(downloader, client, () => VendorRequests.Download(output, client.BaseAddress!, authorize), ProviderName, time, ct);
        progress.Report(new ProviderProgress(1, "stored"));
        return new GeneratedClip(hash, seconds, model);
    }

    private async Task<(JsonObject Body, int Seconds)> BuildBodyAsync(Contracts.ShotRequest request, string model, ReplicateModelInputs names, CancellationToken ct)
    {
        var input = new JsonObject { [names.Prompt] = request.Prompt };
        if (names.NegativePrompt is { Length: > 0 } negative && request.NegativePrompt is { Length: > 0 } negativePrompt) input[negative] = negativePrompt;
        if (names.Seed is { Length: > 0 } seed) input[seed] = request.Seed;
        if (names.AspectRatio is { Length: > 0 } aspect) input[aspect] = request.AspectRatio;
        // Models in the vendor catalogue speak its lengths; other configured ones their options' (or the seconds asked for).
        var seconds = catalogue.Model(ProviderName, model) is { } limits ? VendorRequests.SnapDuration(request, limits, ProviderName)
            : names.AllowedDurations.Count > 0 ? VendorRequests.SnapDuration(request.DurationSeconds, names.AllowedDurations, ProviderName)
            : (int)Math.Ceiling(request.DurationSeconds - 0.01);
        if (names.Duration is { Length: > 0 } duration) input[duration] = seconds;

        if (await inputs.FirstFrameAsync(request, ct) is { } firstFrame)
        {
            input[names.FirstFrameImage is { Length: > 0 } firstFrameName ? firstFrameName : throw Unsupported("a first frame")] = firstFrame.ToDataUri();
        }
        var references = await inputs.ReferenceImagesAsync(request, ct);
        if (references.Count > 0 && names.ReferenceImage is { Length: > 0 } reference) input[reference] = references[0].ToDataUri();

        var body = new JsonObject { ["input"] = input };
        if (names.Version is { } version) body["version"] = version;
        if (_options.Webhook is { } webhook)
        {
            body["webhook"] = webhook.ToString();
            if (_options.WebhookEvents.Count > 0) body["webhook_events_filter"] = new JsonArray([.. _options.WebhookEvents.Select(e => JsonValue.Create(e))]);
        }
        return (body, seconds);
    }

    private static ProviderException Unsupported(string what) =>
        new(ProviderErrors.InvalidRequest, $"The configured replicate model takes no {what}; map its input name in Dispatch:Vendors:replicate:Models.", retryable: false);

    private async Task<TaskState> PollAsync(HttpClient client, Action<HttpRequestMessage> authorize, string id, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/predictions/{id}");
        authorize(request);
        using var response = await client.SendAsync(request, ct);
        await VendorResponses.EnsureSuccessAsync(response, ProviderName, ct, Classify);
        return StateOf(await ReadAsync(response, ct));
    }

    private async Task CancelAsync(HttpClient client, Action<HttpRequestMessage> authorize, string id, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"v1/predictions/{id}/cancel");
        authorize(request);
        using var response = await client.SendAsync(request, ct);
    }

    private static TaskState StateOf(ReplicatePrediction prediction) => prediction.Status switch
    {
        "succeeded" => OutputUrl(prediction.Output) is { } url
            ? new TaskState.Succeeded(url)
            : new TaskState.Failed(new ProviderException(ProviderErrors.BadOutput, $"replicate prediction {prediction.Id} succeeded without a video URL.", retryable: false)),
        "failed" => new TaskState.Failed(FailureOf(prediction)),
        "canceled" or "aborted" => new TaskState.Failed(new ProviderException(ProviderErrors.Canceled, $"replicate prediction {prediction.Id} was {prediction.Status} at Replicate.", retryable: true)),
        "starting" => new TaskState.Working(null, "starting"),
        _ => new TaskState.Working(VendorRequests.ProgressFromLogs(prediction.Logs), "processing"),
    };

    private static ProviderException FailureOf(ReplicatePrediction prediction)
    {
        var error = prediction.Error is { ValueKind: JsonValueKind.String } text ? text.GetString() : prediction.Error?.ToString();
        var message = $"replicate prediction {prediction.Id} failed: {error}";
        return VendorRequests.IsSafetyRefusal(error)
            ? new ProviderException(ProviderErrors.ContentRejected, message, retryable: false)
            : new ProviderException(ProviderErrors.Failed, message, retryable: true);
    }

    /// <summary>Video models answer with one URL or a list of them; the first is the clip.</summary>
    private static string? OutputUrl(JsonElement? output) => output switch
    {
        { ValueKind: JsonValueKind.String } url => url.GetString(),
        { ValueKind: JsonValueKind.Array } list when list.GetArrayLength() > 0 && list[0].ValueKind == JsonValueKind.String => list[0].GetString(),
        _ => null,
    };

    /// <summary>Replicate refuses unsafe input at create time with a 4xx whose detail says so.</summary>
    private static ProviderException? Classify(HttpStatusCode status, string body) =>
        (int)status is >= 400 and < 500 and not 429 and not 401 and not 403 && VendorRequests.IsSafetyRefusal(body)
            ? new ProviderException(ProviderErrors.ContentRejected, $"replicate refused the input: {VendorResponses.Shorten(body)}", retryable: false)
            : null;

    private static Action<HttpRequestMessage> Authorizer(string? key) => request => request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);

    private static async Task<ReplicatePrediction> ReadAsync(HttpResponseMessage response, CancellationToken ct) =>
        await response.Content.ReadFromJsonAsync<ReplicatePrediction>(ct)
        ?? throw new ProviderException(ProviderErrors.BadOutput, "replicate answered with an empty prediction.", retryable: true);
}
