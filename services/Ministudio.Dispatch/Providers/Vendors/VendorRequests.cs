using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Ministudio.Dispatch.Providers.Vendors;

/// <summary>Request rules the HTTP adapters share: when a create call may be tried again, duration snapping, log progress.</summary>
public static partial class VendorRequests
{
    /// <summary>
    /// Sends the call that makes the vendor start (and bill) a task. Its failure is retryable only when the vendor
    /// provably did not accept it: a 429, a connection never made, or a failure <paramref name="classify"/> marks
    /// retryable from the vendor's own words. A timeout, a dropped connection or a bare 5xx may hide an accepted task,
    /// so those fail the shot instead of paying twice.
    /// </summary>
    public static async Task<HttpResponseMessage> CreateAsync(
        HttpClient client, HttpRequestMessage request, string vendor, CancellationToken ct, Func<HttpStatusCode, string, ProviderException?>? classify = null)
    {
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, ct);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConnectionError)
        {
            throw new ProviderException(ProviderErrors.Unavailable, $"{vendor} could not be reached: {ex.Message}", retryable: true, ex);
        }
        catch (HttpRequestException ex)
        {
            throw new ProviderException(ProviderErrors.Unavailable, $"{vendor} dropped the create call; the task may exist there: {ex.Message}", retryable: false, ex);
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new ProviderException(ProviderErrors.Timeout, $"{vendor} did not answer the create call in time; the task may exist there.", retryable: false, ex);
        }
        if (response.IsSuccessStatusCode) return response;

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            if (classify?.Invoke(response.StatusCode, body) is { } specific) throw specific;
            var error = VendorResponses.FromStatus(vendor, response.StatusCode, body, VendorResponses.RetryAfterOf(response));
            if (error.Retryable && error.Code != ProviderErrors.RateLimited)
                throw new ProviderException(error.Code, error.Message + " (the task may exist at the vendor, so it is not retried)", retryable: false);
            throw error;
        }
    }

    /// <summary>
    /// The shortest duration the vendor offers that is at least <paramref name="requested"/> seconds (the timeline
    /// trims, it cannot stretch); a longer request than the vendor makes is refused rather than cut short silently.
    /// </summary>
    public static int SnapDuration(double requested, IReadOnlyCollection<int> allowed, string vendor)
    {
        foreach (var seconds in allowed.Order())
            if (seconds >= requested - 0.01) return seconds;
        throw new ProviderException(ProviderErrors.InvalidRequest,
            $"{vendor} makes clips of {string.Join(", ", allowed.Order())} seconds; {requested.ToString(CultureInfo.InvariantCulture)} s is longer.", retryable: false);
    }

    /// <summary>The last percentage a progress-bar log line shows ("45%|####"), as a fraction; null when none.</summary>
    public static double? ProgressFromLogs(string? logs)
    {
        if (string.IsNullOrEmpty(logs)) return null;
        var matches = Percentage().Matches(logs);
        return matches.Count == 0 ? null : Math.Clamp(int.Parse(matches[^1].Groups[1].Value, CultureInfo.InvariantCulture) / 100.0, 0, 1);
    }

    /// <summary>
    /// A GET for a vendor's output link; the API credential goes along only when the link is on the API's own host,
    /// never to a CDN or storage bucket.
    /// </summary>
    public static HttpRequestMessage Download(string url, Uri apiBase, Action<HttpRequestMessage> authorize)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (request.RequestUri is { IsAbsoluteUri: true } absolute && Uri.Compare(absolute, apiBase, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0)
            authorize(request);
        return request;
    }

    /// <summary>Whether a vendor's failure text is a safety refusal (those are never retried, here or elsewhere).</summary>
    public static bool IsSafetyRefusal(string? text) =>
        text is not null && SafetyWords().IsMatch(text);

    [GeneratedRegex(@"(\d{1,3})\s*%")]
    private static partial Regex Percentage();

    [GeneratedRegex(@"nsfw|safety|sensitive|content[ _-]?policy|moderat|flagged|inappropriate|violat|risk control", RegexOptions.IgnoreCase)]
    private static partial Regex SafetyWords();
}
