using System.Globalization;
using System.Text.RegularExpressions;
using Ministudio.Contracts;
using Ministudio.Contracts.Vendors;

namespace Ministudio.Dispatch.Providers.Vendors;

/// <summary>Request rules the HTTP adapters share: duration snapping, log progress, download links, safety refusals.</summary>
public static partial class VendorRequests
{
    /// <summary>
    /// The seconds to ask the vendor for: the catalogue's one duration rule (<see cref="VendorModel.SnapDuration(ShotRequest)"/>,
    /// the shortest length the model makes for this shot that covers it); a longer shot than the model makes is refused
    /// rather than cut short silently.
    /// </summary>
    public static int SnapDuration(ShotRequest request, VendorModel limits, string vendor) =>
        SnapDuration(request.DurationSeconds, limits, limits.AllowedDurations(request), vendor);

    /// <summary>The same rule for a configured model the catalogue does not list, from the lengths its options name.</summary>
    public static int SnapDuration(double requested, IReadOnlyCollection<int> allowed, string vendor)
    {
        var lengths = allowed.Select(d => (double)d).ToList();
        return SnapDuration(requested, new VendorModel { Durations = lengths }, lengths, vendor);
    }

    private static int SnapDuration(double requested, VendorModel limits, IReadOnlyList<double> allowed, string vendor) =>
        limits.SnapDuration(requested, allowed) is { } seconds
            ? (int)Math.Ceiling(seconds - 0.01)
            : throw new ProviderException(ProviderErrors.InvalidRequest,
                $"{vendor} makes clips of {string.Join(", ", allowed.Order())} seconds for this shot; {requested.ToString(CultureInfo.InvariantCulture)} s is longer.", retryable: false);

    /// <summary>Refuses an aspect ratio the model does not make, before any call (dispatch never stretches a clip).</summary>
    public static string AspectRatio(ShotRequest request, VendorModel limits, string vendor) =>
        limits.AspectRatios.Count == 0 || limits.AspectRatios.Contains(request.AspectRatio)
            ? request.AspectRatio
            : throw new ProviderException(ProviderErrors.InvalidRequest, $"{vendor} makes {string.Join(", ", limits.AspectRatios)} videos, not {request.AspectRatio}.", retryable: false);

    /// <summary>
    /// Refuses, before any call, images a model takes in separate generations only (Veo, Gemini Omni: a first frame or
    /// reference images, not both) and more reference images than it takes.
    /// </summary>
    public static void FirstFrameOrReferences(InputImage? firstFrame, IReadOnlyList<InputImage> references, VendorModel limits, string vendor)
    {
        if (firstFrame is not null && references.Count > 0)
            throw new ProviderException(ProviderErrors.InvalidRequest, $"{vendor} takes a first frame or reference images, not both.", retryable: false);
        if (references.Count > limits.MaxReferenceImages)
            throw new ProviderException(ProviderErrors.InvalidRequest, $"{vendor} takes at most {limits.MaxReferenceImages} reference images, not {references.Count}.", retryable: false);
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
        if (request.RequestUri is { IsAbsoluteUri: true } absolute && VendorCalls.SameHost(absolute, apiBase))
            authorize(request);
        return request;
    }

    /// <summary>Whether a vendor's failure text is a safety refusal (those are never retried, here or elsewhere).</summary>
    public static bool IsSafetyRefusal(string? text) =>
        text is not null && SafetyWords().IsMatch(text);

    [GeneratedRegex(@"(\d{1,3})\s*%")]
    private static partial Regex Percentage();

    [GeneratedRegex(@"nsfw|safety|sensitive|content[ _-]?policy|moderat|flagged|inappropriate|violat|risk control|responsible ai|usage guidelines|prohibited", RegexOptions.IgnoreCase)]
    private static partial Regex SafetyWords();
}
