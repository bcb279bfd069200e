using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ministudio.Client;

/// <summary>
/// The tenant API (<c>/v1</c>) over one <see cref="HttpClient"/>: films and jobs here, the studio's other resources in
/// <c>MinistudioClient.Studio.cs</c>. Submissions carry an Idempotency-Key (one per call, kept across retries), so a
/// retried submit never makes a second job; a 429 waits for the server's Retry-After; problems throw
/// <see cref="MinistudioProblemException"/>.
/// </summary>
public sealed partial class MinistudioClient : IDisposable
{
    private readonly ApiTransport _api;
    private readonly HttpClient? _owned;

    /// <param name="http">Used as it is; its BaseAddress is replaced by <see cref="MinistudioClientOptions.BaseAddress"/>.</param>
    public MinistudioClient(HttpClient http, MinistudioClientOptions options)
    {
        http.BaseAddress = WithTrailingSlash(options.BaseAddress);
        _api = new ApiTransport(http, options);
    }

    public MinistudioClient(MinistudioClientOptions options) : this(new HttpClient { Timeout = Timeout.InfiniteTimeSpan }, options) =>
        _owned = _api.Http;

    internal static Uri WithTrailingSlash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");

    public void Dispose() => _owned?.Dispose();

    // Films.

    /// <summary>Submits a film (the JSON of <c>POST /v1/films</c>); answers the queued job.</summary>
    public Task<Job> SubmitFilmAsync(JsonNode film, string? idempotencyKey = null, CancellationToken ct = default) =>
        SubmitAsync<Job>("v1/films", () => ApiTransport.JsonContent(film), idempotencyKey, ct);

    /// <summary>Submits a film given as JSON text, e.g. a file's content.</summary>
    public Task<Job> SubmitFilmAsync(string filmJson, string? idempotencyKey = null, CancellationToken ct = default) =>
        SubmitAsync<Job>("v1/films", () => new StringContent(filmJson, Encoding.UTF8, "application/json"), idempotencyKey, ct);

    /// <summary>The dry run: every shot's compiled prompt and request, and the warnings, without a job or a cost.</summary>
    public Task<CompileResult> CompileFilmAsync(string filmJson, CancellationToken ct = default) =>
        _api.SendAsync<CompileResult>(() => ApiTransport.Request(HttpMethod.Post, "v1/films:compile", new StringContent(filmJson, Encoding.UTF8, "application/json")), ct);

    // Jobs.

    public Task<Job> GetJobAsync(Guid id, CancellationToken ct = default) =>
        _api.SendAsync<Job>(() => ApiTransport.Request(HttpMethod.Get, $"v1/jobs/{id}"), ct);

    /// <summary>One page of the tenant's jobs, newest first.</summary>
    public Task<Page<JobSummary>> ListJobsAsync(int? limit = null, string? pageToken = null, CancellationToken ct = default) =>
        _api.SendAsync<Page<JobSummary>>(() => ApiTransport.Request(HttpMethod.Get, "v1/jobs" + Query(("limit", limit?.ToString(CultureInfo.InvariantCulture)), ("pageToken", pageToken))), ct);

    /// <summary>Stops a queued or running job (<c>job.not_cancelable</c> once it has finished).</summary>
    public Task<Job> CancelJobAsync(Guid id, CancellationToken ct = default) =>
        _api.SendAsync<Job>(() => ApiTransport.Request(HttpMethod.Post, $"v1/jobs/{id}:cancel"), ct);

    /// <summary>
    /// The job each time it changes (server-sent events), ending with its final state. A dropped stream is resumed
    /// (a fresh subscription sends the current state first), so a watcher always sees the end.
    /// </summary>
    public async IAsyncEnumerable<Job> WatchJobAsync(Guid id, [EnumeratorCancellation] CancellationToken ct = default)
    {
        while (true)
        {
            Job? last = null;
            using (var response = await _api.SendAsync(() => ApiTransport.Request(HttpMethod.Get, $"v1/jobs/{id}/events"), ct, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false))
            {
                var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
                var events = SseParser.Create(stream, (_, data) => JsonSerializer.Deserialize<Job>(data, ApiTransport.Json)).EnumerateAsync(ct);
                await using var reader = events.GetAsyncEnumerator(ct);
                while (true)
                {
                    try
                    {
                        if (!await reader.MoveNextAsync().ConfigureAwait(false)) break;
                    }
                    catch (Exception ex) when (ex is IOException or HttpRequestException && !ct.IsCancellationRequested)
                    {
                        break; // The connection dropped: subscribe again below.
                    }
                    if (reader.Current.EventType != "job" || reader.Current.Data is not { } job) continue;
                    last = job;
                    yield return job;
                }
            }
            if (last?.IsFinal == true) yield break;
            // Ended without a final state: the job may have finished between two events.
            var current = await GetJobAsync(id, ct).ConfigureAwait(false);
            if (current.IsFinal)
            {
                yield return current;
                yield break;
            }
        }
    }

    /// <summary>
    /// Downloads the finished film to <paramref name="path"/>. A partial file there is resumed with a Range request
    /// (a server that ignores it gets the file written afresh); the result is checked against the job's SHA-256.
    /// <paramref name="progress"/> hears the bytes on disk and the total.
    /// </summary>
    public async Task<string> DownloadVideoAsync(Guid id, string path, IProgress<(long Bytes, long? Total)>? progress = null, CancellationToken ct = default)
    {
        var job = await GetJobAsync(id, ct).ConfigureAwait(false);
        var have = File.Exists(path) ? new FileInfo(path).Length : 0;
        using var response = await _api.SendAsync(() =>
        {
            var request = ApiTransport.Request(HttpMethod.Get, $"v1/jobs/{id}/video");
            if (have > 0) request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(have, null);
            return request;
        }, ct, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);

        if (response.StatusCode != System.Net.HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            var resumed = response.StatusCode == System.Net.HttpStatusCode.PartialContent;
            var total = resumed ? response.Content.Headers.ContentRange?.Length : response.Content.Headers.ContentLength;
            await using var target = new FileStream(path, resumed ? FileMode.Append : FileMode.Create, FileAccess.Write);
            await using var source = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            var buffer = new byte[81920];
            var written = resumed ? have : 0;
            int read;
            while ((read = await source.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
            {
                await target.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
                written += read;
                progress?.Report((written, total));
            }
        }
        if (job.Video is { } video)
        {
            await using var file = File.OpenRead(path);
            var sha = Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(file, ct).ConfigureAwait(false));
            if (sha != video.Sha256)
                throw new IOException($"The downloaded film's SHA-256 is {sha}, not the job's {video.Sha256}; delete {path} and download again.");
        }
        return path;
    }

    /// <summary>One shot's clip of a job (a shot that has succeeded), saved to <paramref name="path"/>.</summary>
    public async Task<string> DownloadShotVideoAsync(Guid id, int index, string path, CancellationToken ct = default)
    {
        using var response = await _api.SendAsync(() => ApiTransport.Request(HttpMethod.Get, $"v1/jobs/{id}/shots/{index.ToString(CultureInfo.InvariantCulture)}/video"),
            ct, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        await using var target = new FileStream(path, FileMode.Create, FileAccess.Write);
        await response.Content.CopyToAsync(target, ct).ConfigureAwait(false);
        return path;
    }

    /// <summary>
    /// One of a finished job's deliverables (<see cref="Job.Deliverables"/>) by name, in memory, when it is at most
    /// <paramref name="maxBytes"/> long; a longer one is a <see cref="DeliverableTooLargeException"/>.
    /// </summary>
    public async Task<(byte[] Content, string MediaType)> GetDeliverableAsync(Guid id, string name, long maxBytes, CancellationToken ct = default)
    {
        var path = string.Join('/', name.Split('/').Select(Uri.EscapeDataString));
        using var response = await _api.SendAsync(() => ApiTransport.Request(HttpMethod.Get, $"v1/jobs/{id}/{path}"), ct, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        if (response.Content.Headers.ContentLength > maxBytes)
            throw new DeliverableTooLargeException($"'{name}' is {response.Content.Headers.ContentLength} bytes, more than the {maxBytes} allowed here; download it from v1/jobs/{id}/{path}.");
        var content = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        return (content, response.Content.Headers.ContentType?.MediaType ?? "application/octet-stream");
    }

    /// <summary>POST with an Idempotency-Key: the caller's, or a new one used for every retry of this call.</summary>
    private Task<T> SubmitAsync<T>(string path, Func<HttpContent> content, string? idempotencyKey, CancellationToken ct)
    {
        var key = idempotencyKey ?? Guid.NewGuid().ToString("N");
        return _api.SendAsync<T>(() =>
        {
            var request = ApiTransport.Request(HttpMethod.Post, path, content());
            request.Headers.Add(IdempotencyKeyHeader, key);
            return request;
        }, ct);
    }

    public const string IdempotencyKeyHeader = "Idempotency-Key";

    private static string Query(params (string Name, string? Value)[] parameters)
    {
        var given = parameters.Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return given.Count == 0 ? "" : "?" + string.Join('&', given);
    }
}
