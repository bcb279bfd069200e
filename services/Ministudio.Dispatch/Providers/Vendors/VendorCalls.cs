using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ministudio.Dispatch.Providers.Vendors;

/// <summary>
/// The three kinds of call every adapter makes, each with its own retry rule: a create call is retried only when the
/// vendor provably did not take the work (429, or the connection failed before the request went out), because a
/// second create can bill the tenant twice; polls and downloads are reads and may be repeated.
/// </summary>
public static class VendorCalls
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private const int DownloadAttempts = 3;

    /// <summary>
    /// Fails fast, and without a retry, when a vendor is switched off or lacks credentials: the platform's, or the
    /// tenant's own (BYOK) when the shot carries one.
    /// </summary>
    public static void EnsureConfigured(VendorOptions options, string vendor, ShotJob shot)
    {
        if (!(shot.TenantSecret is null ? options.IsConfigured : options.Enabled))
            throw new ProviderException(ProviderErrors.NotConfigured, $"{vendor} is switched off or has no credentials configured.", retryable: false);
    }

    /// <summary>The API key a call for this shot carries: the tenant's own (BYOK) when it has one, else the platform's.</summary>
    public static string? ApiKeyOf(VendorOptions options, ShotJob shot) => shot.TenantSecret?.Value ?? options.ApiKey;

    /// <summary>
    /// Sends a create call and returns its successful response. <paramref name="classify"/> reads vendor error bodies
    /// first (a vendor that says "not created" may make a 5xx retryable); otherwise only 429 stays retryable.
    /// </summary>
    public static async Task<HttpResponseMessage> CreateAsync(
        HttpClient client, HttpRequestMessage request, string vendor, CancellationToken ct,
        Func<HttpStatusCode, string, ProviderException?>? classify = null)
    {
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, ct);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            throw new ProviderException(ProviderErrors.Unavailable, $"Could not connect to {vendor}: {ex.Message}", retryable: true, ex);
        }
        catch (HttpRequestException ex)
        {
            throw new ProviderException(ProviderErrors.Unavailable, $"{vendor} broke off the create call; it may have accepted the task, so it is not sent again: {ex.Message}", retryable: false, ex);
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new ProviderException(ProviderErrors.Timeout, $"{vendor} did not answer the create call in time; it may have accepted the task, so it is not sent again.", retryable: false, ex);
        }
        if (response.IsSuccessStatusCode) return response;

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            if (classify?.Invoke(response.StatusCode, body) is { } specific) throw specific;
            var error = VendorResponses.FromStatus(vendor, response.StatusCode, body, VendorResponses.RetryAfterOf(response));
            if (!error.Retryable || response.StatusCode == HttpStatusCode.TooManyRequests) throw error;
            throw new ProviderException(error.Code, error.Message + " The task may have been accepted, so the create call is not repeated.", retryable: false);
        }
    }

    /// <summary>Runs one poll; a poll that times out is a transient failure, which <see cref="VendorTask"/> tolerates.</summary>
    public static async Task<T> ReadAsync<T>(Func<CancellationToken, Task<T>> read, string vendor, CancellationToken ct)
    {
        try
        {
            return await read(ct);
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new ProviderException(ProviderErrors.Timeout, $"{vendor} did not answer a status request in time.", retryable: true, ex);
        }
    }

    /// <summary>Reads a JSON body of a successful response, or throws the mapped failure.</summary>
    public static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, string vendor, CancellationToken ct,
        Func<HttpStatusCode, string, ProviderException?>? classify = null)
    {
        await VendorResponses.EnsureSuccessAsync(response, vendor, ct, classify);
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(Json, ct)
                ?? throw new ProviderException(ProviderErrors.BadOutput, $"{vendor} answered with an empty body.", retryable: true);
        }
        catch (JsonException ex)
        {
            throw new ProviderException(ProviderErrors.BadOutput, $"{vendor} answered with JSON we could not read: {ex.Message}", retryable: true, ex);
        }
    }

    /// <summary>Downloads the finished video into the store, trying a read that failed transiently again.</summary>
    public static async Task<string> DownloadAsync(
        ClipDownloader downloader, HttpClient client, Func<HttpRequestMessage> request, string vendor, TimeProvider time, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await ReadAsync(token => downloader.DownloadAsync(client, request(), vendor, token), vendor, ct);
            }
            catch (Exception ex) when (attempt < DownloadAttempts && ex is HttpRequestException or ProviderException { Retryable: true })
            {
                var wait = (ex as ProviderException)?.RetryAfter ?? TimeSpan.FromSeconds(attempt);
                await Task.Delay(wait, time, ct);
            }
        }
    }

    /// <summary>Headers with credentials go only to the vendor's own host, never to a URL a response named elsewhere.</summary>
    public static bool SameHost(Uri a, Uri b) =>
        string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port && a.Scheme == b.Scheme;
}
