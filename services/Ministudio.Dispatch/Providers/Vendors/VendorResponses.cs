using System.Net;

namespace Ministudio.Dispatch.Providers.Vendors;

/// <summary>Turns a vendor's HTTP failure into a <see cref="ProviderException"/> with our code and retry advice.</summary>
public static class VendorResponses
{
    /// <summary>Longest error body kept in a message: enough to read the vendor's reason, not a whole HTML page.</summary>
    private const int MaxBodyInMessage = 500;

    /// <summary>
    /// Throws unless the response succeeded. <paramref name="classify"/> looks at the vendor's error body first (for
    /// safety refusals and vendor-specific codes); the HTTP status decides otherwise.
    /// </summary>
    public static async Task EnsureSuccessAsync(
        HttpResponseMessage response, string vendor, CancellationToken ct, Func<HttpStatusCode, string, ProviderException?>? classify = null)
    {
        if (response.IsSuccessStatusCode) return;
        var body = await response.Content.ReadAsStringAsync(ct);
        var status = response.StatusCode;
        if (classify?.Invoke(status, body) is { } specific) throw specific;
        throw FromStatus(vendor, status, body, RetryAfterOf(response));
    }

    public static ProviderException FromStatus(string vendor, HttpStatusCode status, string body, TimeSpan? retryAfter = null)
    {
        var detail = $"{vendor} answered {(int)status}: {Shorten(body)}";
        return (int)status switch
        {
            429 => new ProviderException(ProviderErrors.RateLimited, detail, retryable: true) { RetryAfter = retryAfter },
            401 or 403 => new ProviderException(ProviderErrors.Unauthorized, detail, retryable: false),
            402 => new ProviderException(ProviderErrors.QuotaExceeded, detail, retryable: false),
            408 or 504 => new ProviderException(ProviderErrors.Timeout, detail, retryable: true) { RetryAfter = retryAfter },
            >= 500 => new ProviderException(ProviderErrors.Unavailable, detail, retryable: true) { RetryAfter = retryAfter },
            _ => new ProviderException(ProviderErrors.InvalidRequest, detail, retryable: false),
        };
    }

    /// <summary>Retry-After as seconds or as an HTTP date; null when absent.</summary>
    public static TimeSpan? RetryAfterOf(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta) return delta;
        if (header?.Date is { } date) return date - DateTimeOffset.UtcNow is { Ticks: > 0 } wait ? wait : TimeSpan.Zero;
        return null;
    }

    public static string Shorten(string body) => body.Length <= MaxBodyInMessage ? body : body[..MaxBodyInMessage] + "…";
}
