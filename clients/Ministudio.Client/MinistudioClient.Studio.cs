using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ministudio.Client;

/// <summary>The studio's resources besides films and jobs: library, images, timelines, batches, usage, estimates.</summary>
public sealed partial class MinistudioClient
{
    // Library: kind is one of LibraryKinds.

    /// <summary>The tenant's items of a kind; templates are listed with the built-in ones by <see cref="ListTemplatesAsync"/>.</summary>
    public Task<IReadOnlyList<LibraryItem>> ListLibraryAsync(string kind, CancellationToken ct = default) => kind == LibraryKinds.Templates
        ? throw new ArgumentException("The tenant's templates are listed with the built-in ones: use ListTemplatesAsync.", nameof(kind))
        : _api.SendAsync<IReadOnlyList<LibraryItem>>(() => ApiTransport.Request(HttpMethod.Get, $"v1/{Kind(kind)}"), ct);

    public Task<LibraryItem> GetLibraryItemAsync(string kind, Guid id, CancellationToken ct = default) =>
        _api.SendAsync<LibraryItem>(() => ApiTransport.Request(HttpMethod.Get, $"v1/{Kind(kind)}/{id}"), ct);

    /// <summary>
    /// Saves a character, environment, style (the JSON a film embeds) or template (<c>name</c>, <c>description</c>,
    /// <c>fields</c>, <c>defaults</c>, <c>film</c>); <c>library.name_taken</c> when its name is used,
    /// <c>library.built_in_read_only</c> when it is a built-in template's or style pack's.
    /// </summary>
    public Task<LibraryItem> CreateLibraryItemAsync(string kind, JsonNode item, CancellationToken ct = default) =>
        _api.SendAsync<LibraryItem>(() => ApiTransport.Request(HttpMethod.Post, $"v1/{Kind(kind)}", ApiTransport.JsonContent(item)), ct);

    public Task<LibraryItem> ReplaceLibraryItemAsync(string kind, Guid id, JsonNode item, CancellationToken ct = default) =>
        _api.SendAsync<LibraryItem>(() => ApiTransport.Request(HttpMethod.Put, $"v1/{Kind(kind)}/{id}", ApiTransport.JsonContent(item)), ct);

    public async Task DeleteLibraryItemAsync(string kind, Guid id, CancellationToken ct = default)
    {
        using var _ = await _api.SendAsync(() => ApiTransport.Request(HttpMethod.Delete, $"v1/{Kind(kind)}/{id}"), ct).ConfigureAwait(false);
    }

    /// <summary>The built-in style packs (JSON as the API gives them); the tenant's own are its styles.</summary>
    public Task<JsonElement> ListStylePacksAsync(CancellationToken ct = default) =>
        _api.SendAsync<JsonElement>(() => ApiTransport.Request(HttpMethod.Get, "v1/style-packs"), ct);

    /// <summary>The film templates by name: the built-in ones (<c>builtIn</c>) and the tenant's (with their library <c>id</c>).</summary>
    public Task<JsonElement> ListTemplatesAsync(CancellationToken ct = default) =>
        _api.SendAsync<JsonElement>(() => ApiTransport.Request(HttpMethod.Get, "v1/templates"), ct);

    /// <summary>What a film's fields may say: shot types, camera moves, lenses, lighting, profiles, grades, aspect ratios and limits.</summary>
    public Task<JsonElement> GetFilmOptionsAsync(CancellationToken ct = default) =>
        _api.SendAsync<JsonElement>(() => ApiTransport.Request(HttpMethod.Get, "v1/film-options"), ct);

    /// <summary>The providers a film may name today (chains and vendors).</summary>
    public Task<ProviderChoices> ListProvidersAsync(CancellationToken ct = default) =>
        _api.SendAsync<ProviderChoices>(() => ApiTransport.Request(HttpMethod.Get, "v1/providers"), ct);

    private static string Kind(string kind) => LibraryKinds.All.Contains(kind)
        ? kind
        : throw new ArgumentException($"'{kind}' is not a library kind; use {string.Join(", ", LibraryKinds.All)}.", nameof(kind));

    // Reference images.

    /// <summary>Uploads a PNG, JPEG or WebP (content type from the file's extension unless given).</summary>
    public async Task<ReferenceImage> UploadImageAsync(string path, string? contentType = null, CancellationToken ct = default)
    {
        var type = contentType ?? Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".png" => "image/png",
            ".jpg" or ".jpeg" => "image/jpeg",
            ".webp" => "image/webp",
            var other => throw new ArgumentException($"Cannot tell the image type of '{other}'; name it with contentType.", nameof(contentType)),
        };
        var bytes = await File.ReadAllBytesAsync(path, ct).ConfigureAwait(false);
        return await _api.SendAsync<ReferenceImage>(() =>
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue(type);
            return ApiTransport.Request(HttpMethod.Post, "v1/images", content);
        }, ct).ConfigureAwait(false);
    }

    /// <summary>An image the tenant uploaded or fetched, by its SHA-256: its bytes and content type.</summary>
    public async Task<(byte[] Content, string MediaType)> GetImageAsync(string sha256, CancellationToken ct = default)
    {
        using var response = await _api.SendAsync(() => ApiTransport.Request(HttpMethod.Get, $"v1/images/{Uri.EscapeDataString(sha256)}"), ct).ConfigureAwait(false);
        return (await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false), response.Content.Headers.ContentType?.MediaType ?? "application/octet-stream");
    }

    /// <summary>Has the platform fetch an image from a public URL (never a private address) and keep it as an upload.</summary>
    public Task<ReferenceImage> FetchImageAsync(Uri url, CancellationToken ct = default) =>
        _api.SendAsync<ReferenceImage>(() => ApiTransport.Request(HttpMethod.Post, "v1/images:fetch", ApiTransport.JsonContent(new { url })), ct);

    // Timelines and batches.

    /// <summary>Composes the tenant's own clips and films as a timeline; answers the composing job.</summary>
    public Task<Job> SubmitTimelineAsync(string timelineJson, string? title = null, string? idempotencyKey = null, CancellationToken ct = default) =>
        SubmitAsync<Job>("v1/timelines" + Query(("title", title)), () => new StringContent(timelineJson, Encoding.UTF8, "application/json"), idempotencyKey, ct);

    /// <summary>Submits JSON Lines, one film per line; <paramref name="onInvalid"/> is <c>reject</c> (default) or <c>skip</c>.</summary>
    public Task<BatchAccepted> SubmitBatchAsync(string jsonLines, string? onInvalid = null, string? idempotencyKey = null, CancellationToken ct = default) =>
        SubmitAsync<BatchAccepted>("v1/batches" + Query(("onInvalid", onInvalid)), () => new StringContent(jsonLines, Encoding.UTF8, "application/x-ndjson"), idempotencyKey, ct);

    public Task<Batch> GetBatchAsync(Guid id, CancellationToken ct = default) =>
        _api.SendAsync<Batch>(() => ApiTransport.Request(HttpMethod.Get, $"v1/batches/{id}"), ct);

    public Task<Page<Batch>> ListBatchesAsync(int? limit = null, string? pageToken = null, CancellationToken ct = default) =>
        _api.SendAsync<Page<Batch>>(() => ApiTransport.Request(HttpMethod.Get, "v1/batches" + Query(("limit", limit?.ToString(CultureInfo.InvariantCulture)), ("pageToken", pageToken))), ct);

    public Task<Batch> CancelBatchAsync(Guid id, CancellationToken ct = default) =>
        _api.SendAsync<Batch>(() => ApiTransport.Request(HttpMethod.Post, $"v1/batches/{id}:cancel"), ct);

    /// <summary>The batch's results, one JSON object per line of the batch, as they stream in.</summary>
    public async IAsyncEnumerable<JsonElement> GetBatchResultsAsync(Guid id, [EnumeratorCancellation] CancellationToken ct = default)
    {
        using var response = await _api.SendAsync(() => ApiTransport.Request(HttpMethod.Get, $"v1/batches/{id}/results"), ct, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false));
        while (await reader.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
            if (line.Length > 0) yield return JsonSerializer.Deserialize<JsonElement>(line);
    }

    // Spending.

    /// <summary>What the tenant's shots cost in [from, to) (default: this month), grouped by vendor, day or job.</summary>
    public Task<UsageReport> GetUsageAsync(DateTimeOffset? from = null, DateTimeOffset? to = null, string? groupBy = null, CancellationToken ct = default) =>
        _api.SendAsync<UsageReport>(() => ApiTransport.Request(HttpMethod.Get, "v1/usage" + Query(
            ("from", from?.ToString("O", CultureInfo.InvariantCulture)), ("to", to?.ToString("O", CultureInfo.InvariantCulture)), ("groupBy", groupBy))), ct);

    /// <summary>What a compiled film would cost, before anything is spent.</summary>
    public Task<EstimateReport> EstimateAsync(CompileResult compiled, CancellationToken ct = default) =>
        _api.SendAsync<EstimateReport>(() => ApiTransport.Request(HttpMethod.Post, "v1/estimates",
            ApiTransport.JsonContent(new { shots = compiled.Shots.Select(s => new { index = s.Index, request = s.Request }) })), ct);
}
