using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ministudio.Dispatch.Providers.Vendors;

/// <summary>
/// A vendor whose task is one REST resource (Luma's generations, Runway's tasks): a POST creates it and answers its id,
/// a GET at the task's path reads it, a DELETE there stops it, and the finished task names a video URL that needs no
/// credentials. The flow is create once (a shot taken over resumes the task its lease names), wait, download.
/// </summary>
/// <param name="Authorized">A request to the vendor's API at a relative path, carrying the call's credentials.</param>
/// <param name="ErrorField">The field of the vendor's error body that carries its message ("detail", "error"): a message
/// that reads as a moderation refusal is a content refusal, anything else is left to the status.</param>
/// <param name="TaskPath">The task's path from its id (already escaped).</param>
public sealed record RestVendorTask<TTask>(
    string Vendor,
    Func<HttpMethod, string, HttpRequestMessage> Authorized,
    string ErrorField,
    Func<TTask, string> IdOf,
    Func<string, string> TaskPath,
    Func<TTask, TaskState> StateOf)
{
    /// <summary>Runs the shot's task to its end and returns the stored clip's hash.</summary>
    public async Task<string> RunAsync<TBody>(
        ShotJob shot, HttpClient client, string createPath, TBody body, VendorOptions options, ClipDownloader downloader,
        IProgress<ProviderProgress> progress, TimeProvider time, CancellationToken ct)
    {
        var taskId = await VendorTask.CreateOnceAsync(shot, Vendor, async token =>
        {
            using var create = Authorized(HttpMethod.Post, createPath);
            create.Content = JsonContent.Create(body, options: VendorCalls.Json);
            using var created = await VendorCalls.CreateAsync(client, create, Vendor, token, Classify);
            return IdOf(await VendorCalls.ReadJsonAsync<TTask>(created, Vendor, token));
        }, ct);
        var path = TaskPath(Uri.EscapeDataString(taskId));

        var video = await VendorTask.WaitAsync(Vendor,
            token => VendorCalls.ReadAsync(async t =>
            {
                using var poll = Authorized(HttpMethod.Get, path);
                using var response = await client.SendAsync(poll, t);
                return StateOf(await VendorCalls.ReadJsonAsync<TTask>(response, Vendor, t, Classify));
            }, Vendor, token),
            async token =>
            {
                using var cancel = Authorized(HttpMethod.Delete, path);
                using var response = await client.SendAsync(cancel, token);
                await VendorResponses.EnsureSuccessAsync(response, Vendor, token);
            },
            options, progress, time, ct);

        progress.Report(new ProviderProgress(0.95, "downloading"));
        // The video URL is a signed link to the vendor's storage or CDN: no credentials go with it.
        return await VendorCalls.DownloadAsync(downloader, client, () => new HttpRequestMessage(HttpMethod.Get, video), Vendor, time, ct);
    }

    private ProviderException? Classify(HttpStatusCode status, string body)
    {
        string? message;
        try
        {
            message = JsonNode.Parse(body) is JsonObject error && error[ErrorField] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
        }
        catch (JsonException)
        {
            message = null;
        }
        return status is not HttpStatusCode.TooManyRequests && VendorRequests.IsSafetyRefusal(message)
            ? new ProviderException(ProviderErrors.ContentRejected, $"{Vendor} refused the request: {message}", retryable: false)
            : null;
    }
}
