using System.Net;
using System.Text.Json;
using Ministudio.Contracts;

namespace Ministudio.Dispatch.Providers.Vendors.Veo;

/// <summary>
/// What Veo accepts, and how a shot maps onto it, for both Vertex AI and the Gemini API: 16:9 or 9:16 only; Veo 3
/// makes 4, 6 or 8 s clips (Veo 2 makes 5–8 s); 720p or 1080p; up to three "asset" reference images, which cannot be
/// combined with a first frame.
/// </summary>
public static class VeoRequests
{
    public const int MaxReferenceImages = 3;
    private static readonly int[] Veo3Durations = [4, 6, 8];
    private static readonly int[] Veo2Durations = [5, 6, 7, 8];

    public static int DurationFor(string model, double seconds) =>
        VendorRequests.SnapDuration(seconds, model.StartsWith("veo-2", StringComparison.Ordinal) ? Veo2Durations : Veo3Durations, "veo");

    public static string AspectRatioFor(ShotRequest request, string vendor) => request.AspectRatio switch
    {
        "16:9" or "9:16" => request.AspectRatio,
        _ => throw new ProviderException(ProviderErrors.InvalidRequest, $"{vendor} makes 16:9 and 9:16 videos, not {request.AspectRatio}.", retryable: false),
    };

    /// <summary>1080p when the shot asks for at least 1080 lines on its short side, 720p otherwise.</summary>
    public static string ResolutionFor(ShotRequest request) => Math.Min(request.Width, request.Height) >= 1080 ? "1080p" : "720p";

    public static VeoInstance Instance(ShotRequest request, InputImage? firstFrame, IReadOnlyList<InputImage> references, string vendor)
    {
        if (firstFrame is not null && references.Count > 0)
            throw new ProviderException(ProviderErrors.InvalidRequest, $"{vendor} takes a first frame or reference images, not both.", retryable: false);
        if (references.Count > MaxReferenceImages)
            throw new ProviderException(ProviderErrors.InvalidRequest, $"{vendor} takes at most {MaxReferenceImages} reference images, not {references.Count}.", retryable: false);
        return new VeoInstance(
            request.Prompt,
            firstFrame is null ? null : new VeoImage(firstFrame.ToBase64(), firstFrame.MediaType),
            references.Count == 0 ? null : references.Select(r => new VeoReferenceImage(new VeoImage(r.ToBase64(), r.MediaType), "asset")).ToArray());
    }

    /// <summary>
    /// Google error bodies: a refusal by the Responsible AI filters is a content rejection, a bad API key is
    /// unauthorized; everything else is decided by the HTTP status (RESOURCE_EXHAUSTED comes as 429).
    /// </summary>
    public static ProviderException? Classify(string vendor, HttpStatusCode status, string body)
    {
        var error = TryRead(body);
        // Google answers a bad API key with 400 INVALID_ARGUMENT (reason API_KEY_INVALID), not 401.
        if (error?.Message?.Contains("API key not valid", StringComparison.OrdinalIgnoreCase) == true)
            return new ProviderException(ProviderErrors.Unauthorized, $"{vendor} refused the API key: {error.Message}", retryable: false);
        if (VendorRequests.IsSafetyRefusal(error?.Message))
            return new ProviderException(ProviderErrors.ContentRejected, $"{vendor} refused the request: {error!.Message}", retryable: false);
        return null;
    }

    /// <summary>Maps a failed operation's google.rpc.Status (gRPC code numbers) to our codes.</summary>
    public static ProviderException FromOperationError(string vendor, GoogleStatus error)
    {
        var detail = $"{vendor} failed the operation ({error.Code}): {error.Message}";
        if (VendorRequests.IsSafetyRefusal(error.Message)) return new ProviderException(ProviderErrors.ContentRejected, detail, retryable: false);
        return error.Code switch
        {
            3 or 9 or 11 => new ProviderException(ProviderErrors.InvalidRequest, detail, retryable: false),
            7 or 16 => new ProviderException(ProviderErrors.Unauthorized, detail, retryable: false),
            8 => new ProviderException(ProviderErrors.RateLimited, detail, retryable: true),
            4 => new ProviderException(ProviderErrors.Timeout, detail, retryable: true),
            1 => new ProviderException(ProviderErrors.Canceled, detail, retryable: false),
            _ => new ProviderException(ProviderErrors.Failed, detail, retryable: true),
        };
    }

    public static ProviderException Filtered(string vendor, int count, IReadOnlyList<string>? reasons) =>
        new(ProviderErrors.ContentRejected,
            $"{vendor}'s Responsible AI filters removed {count} video(s): {string.Join("; ", reasons ?? [])}", retryable: false);

    private static GoogleStatus? TryRead(string body)
    {
        try
        {
            return JsonSerializer.Deserialize<GoogleErrorBody>(body, VendorCalls.Json)?.Error;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
