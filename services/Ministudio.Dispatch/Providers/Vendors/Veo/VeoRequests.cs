using System.Net;
using System.Text.Json;
using Ministudio.Contracts;
using Ministudio.Contracts.Vendors;

namespace Ministudio.Dispatch.Providers.Vendors.Veo;

/// <summary>
/// How a shot maps onto Veo's request on Vertex AI. The limits (lengths, the 8-second rule
/// with reference images and above 720p, aspect ratios, reference images) come from the vendor catalogue; reference
/// images ("asset") cannot be combined with a first frame.
/// </summary>
public static class VeoRequests
{

    /// <summary>1080p when the shot asks for at least 1080 lines on its short side, 720p otherwise.</summary>
    public static string ResolutionFor(ShotRequest request) => Math.Min(request.Width, request.Height) >= 1080 ? "1080p" : "720p";

    public static VeoInstance Instance(ShotRequest request, InputImage? firstFrame, IReadOnlyList<InputImage> references, VendorModel limits, string vendor)
    {
        VendorRequests.FirstFrameOrReferences(firstFrame, references, limits, vendor);
        if (references.Count > 0 && limits.ReferenceAspectRatios.Count > 0 && !limits.ReferenceAspectRatios.Contains(request.AspectRatio))
            throw new ProviderException(ProviderErrors.InvalidRequest, $"{vendor} takes reference images only for {string.Join(", ", limits.ReferenceAspectRatios)} videos.", retryable: false);
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
