using System.Text.Json;

namespace Ministudio.Contracts.Vendors;

/// <summary>Where a vendor model is in its life: in use, announced to go, or gone (never called).</summary>
public enum ModelState
{
    Active,
    Deprecated,
    Retired,
}

/// <summary>
/// What one vendor model makes, what a second of it costs and how long it lives. Mutable so that dispatch can bind a
/// deployment's <c>Dispatch:Catalogue</c> overrides onto the same shape.
/// </summary>
public sealed class VendorModel
{
    /// <summary>The clip lengths the model makes. Empty: any length up to <see cref="MaxDurationSeconds"/>.</summary>
    public List<double> Durations { get; set; } = [];

    /// <summary>The lengths allowed when the shot carries reference images (Veo 3.1: 8 s only); empty: <see cref="Durations"/>.</summary>
    public List<double> DurationsWithReferences { get; set; } = [];

    /// <summary>The lengths allowed above 720p (Veo 3.1: 8 s only at 1080p and 4k); empty: <see cref="Durations"/>.</summary>
    public List<double> DurationsAbove720p { get; set; } = [];

    /// <summary>Appended to the number where the vendor takes durations as strings such as "8s".</summary>
    public string? DurationSuffix { get; set; }

    public double MaxDurationSeconds { get; set; }

    /// <summary>Aspect ratios such as "16:9"; empty: any.</summary>
    public List<string> AspectRatios { get; set; } = [];

    /// <summary>The aspect ratios reference images may be used with (Veo: 16:9 only); empty: every one in <see cref="AspectRatios"/>.</summary>
    public List<string> ReferenceAspectRatios { get; set; } = [];

    /// <summary>The aspect ratios a shot without a first frame may have (MiniMax makes landscape only from text); empty: every one in <see cref="AspectRatios"/>.</summary>
    public List<string> TextAspectRatios { get; set; } = [];

    /// <summary>The largest short side in pixels (720 for 1280×720); 0: any.</summary>
    public int MaxShortSide { get; set; }

    public int MaxFps { get; set; }

    /// <summary>Takes a first frame (image-to-video), as continuity chains need.</summary>
    public bool FirstFrame { get; set; }

    /// <summary>Makes video only from a first frame (Runway's gen4 models); its vendor names a text-to-video model for the rest.</summary>
    public bool NeedsFirstFrame { get; set; }

    public int MaxReferenceImages { get; set; }

    public bool Audio { get; set; }

    /// <summary>Overrides the vendor's <see cref="VendorEntry.NegativePromptField"/> for this model.</summary>
    public bool? NegativePromptField { get; set; }

    /// <summary>Takes Kling's cfg_scale (v1.x models; v2.x refuse it).</summary>
    public bool CfgScale { get; set; }

    /// <summary>The vendor's list price; absent when unverified, and then the model is never called (fail closed).</summary>
    public decimal? PricePerSecondUsd { get; set; }

    public string? PriceSource { get; set; }

    public DateOnly? PriceCheckedOn { get; set; }

    public DateOnly? DeprecatedOn { get; set; }

    /// <summary>From this day on the vendor no longer serves the model: routing never sends a shot to it.</summary>
    public DateOnly? RetiresOn { get; set; }

    /// <summary>The provider (vendor or chain) a film should ask for instead once the model is gone.</summary>
    public string? Replacement { get; set; }

    public ModelState StateOn(DateOnly today) =>
        RetiresOn <= today ? ModelState.Retired
        : DeprecatedOn <= today ? ModelState.Deprecated
        : ModelState.Active;

    /// <summary>The lengths a shot may have on this model, given whether it carries reference images and its short side.</summary>
    public IReadOnlyList<double> AllowedDurations(bool references = false, int shortSide = 0) =>
        references && DurationsWithReferences.Count > 0 ? DurationsWithReferences
        : shortSide > 720 && DurationsAbove720p.Count > 0 ? DurationsAbove720p
        : Durations;

    public IReadOnlyList<double> AllowedDurations(ShotRequest request) =>
        AllowedDurations(request.ReferenceImages is { Count: > 0 }, Math.Min(request.Width, request.Height));

    /// <summary>
    /// The platform's one duration rule, used by the prompt compiler, every vendor adapter and billing: a shot gets the
    /// shortest length the model makes that covers it (the timeline trims a clip, it cannot stretch one). Null when the
    /// shot is longer than anything the model makes.
    /// </summary>
    public double? SnapDuration(double seconds, IReadOnlyList<double> allowed)
    {
        const double Slack = 0.01;
        if (allowed.Count == 0) return MaxDurationSeconds <= 0 || seconds <= MaxDurationSeconds + Slack ? seconds : null;
        foreach (var length in allowed.Order())
            if (length >= seconds - Slack) return length;
        return null;
    }

    public double? SnapDuration(ShotRequest request) => SnapDuration(request.DurationSeconds, AllowedDurations(request));

    /// <summary>The longest clip the model makes under the given rules; 0: no limit.</summary>
    public double Longest(IReadOnlyList<double> allowed) => allowed.Count > 0 ? allowed.Max() : MaxDurationSeconds;

    /// <summary>Why this model cannot make <paramref name="request"/>, or null when it can.</summary>
    public string? Refusal(ShotRequest request)
    {
        var allowed = AllowedDurations(request);
        if (SnapDuration(request.DurationSeconds, allowed) is null) return $"clips of at most {Longest(allowed)} s";
        if (AspectRatios.Count > 0 && !AspectRatios.Contains(request.AspectRatio)) return $"aspect ratios {string.Join(", ", AspectRatios)} only";
        var references = request.ReferenceImages?.Count ?? 0;
        if (references > MaxReferenceImages) return $"at most {MaxReferenceImages} reference images";
        if (references > 0 && ReferenceAspectRatios.Count > 0 && !ReferenceAspectRatios.Contains(request.AspectRatio))
            return $"reference images with {string.Join(", ", ReferenceAspectRatios)} only";
        if (request.FirstFrameClip is null && TextAspectRatios.Count > 0 && !TextAspectRatios.Contains(request.AspectRatio))
            return $"{string.Join(", ", TextAspectRatios)} only without a first frame";
        if (MaxShortSide > 0 && Math.Min(request.Width, request.Height) > MaxShortSide) return $"at most {MaxShortSide}p";
        if (MaxFps > 0 && request.Fps > MaxFps) return $"at most {MaxFps} fps";
        if (request.FirstFrameClip is not null && !FirstFrame) return "no first-frame (image-to-video) input";
        if (request.FirstFrameClip is null && NeedsFirstFrame) return "video only from a first frame";
        return null;
    }
}

/// <summary>One vendor: how it is reached, its documentation, the prompt it takes and its models.</summary>
public sealed class VendorEntry
{
    /// <summary>The endpoints the adapter calls, in words.</summary>
    public string? Api { get; set; }

    /// <summary>The documentation the entry was checked against, and when.</summary>
    public string? Docs { get; set; }

    public DateOnly? CheckedOn { get; set; }

    public string DefaultModel { get; set; } = "";

    /// <summary>The model for shots without a first frame, where the default model needs one (Runway).</summary>
    public string? TextToVideoModel { get; set; }

    /// <summary>The model for shots conditioned on reference images without a first frame (Kling's multi-image-to-video).</summary>
    public string? ReferenceModel { get; set; }

    public int MaxPromptChars { get; set; } = 2000;

    /// <summary>Takes a negative prompt as a separate field; otherwise the compiler writes it into the prompt.</summary>
    public bool NegativePromptField { get; set; }

    /// <summary>Takes a first frame or reference images in one generation, not both (Veo).</summary>
    public bool FirstFrameExcludesReferences { get; set; }

    /// <summary>
    /// Draws an animatic from the request's fields (shot type, environment, speech timing): the procedural renderer.
    /// The compiler fills those fields only for such vendors; the others read the same facts in the prompt.
    /// </summary>
    public bool Animatic { get; set; }

    public Dictionary<string, VendorModel> Models { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The model a shot is sent to: the text-to-video model for a shot without a first frame where the vendor names one,
    /// the reference model for a shot with references and no first frame where it names one, else the configured model
    /// (<c>Dispatch:Vendors:{vendor}:Model</c>) or the default. Routing prices and checks the same model the adapter calls.
    /// </summary>
    public string ModelFor(ShotRequest request, string? configuredModel) =>
        ModelFor(request.FirstFrameClip is not null, request.ReferenceImages is { Count: > 0 }, configuredModel);

    public string ModelFor(bool firstFrame, bool references, string? configuredModel)
    {
        if (!firstFrame && TextToVideoModel is { Length: > 0 } text) return text;
        if (!firstFrame && references && ReferenceModel is { Length: > 0 } reference) return reference;
        return configuredModel ?? DefaultModel;
    }
}

/// <summary>
/// The vendor catalogue: every vendor's models, limits, prices with their source, lifecycle, and the chains films may
/// name, and the speech vendors' prices. One data file (<c>contracts/Ministudio.Contracts/Vendors/vendors.json</c>) read by
/// prompt, dispatch and compose.
/// </summary>
public sealed class VendorCatalogue
{
    /// <summary>How many days ahead a film is warned that a model it uses retires.</summary>
    public const int RetirementWarningDays = 30;

    public Dictionary<string, List<string>> Chains { get; set; } = new(StringComparer.Ordinal);

    public Dictionary<string, VendorEntry> Vendors { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The text-to-speech vendors compose speaks with, by engine name (espeak, openai, google, elevenlabs), and their prices.</summary>
    public Dictionary<string, SpeechVendorEntry> Speech { get; set; } = new(StringComparer.Ordinal);

    private static readonly Lazy<VendorCatalogue> ShippedCatalogue = new(Load);

    /// <summary>The catalogue this build ships with.</summary>
    public static VendorCatalogue Shipped => ShippedCatalogue.Value;

    public VendorModel? Model(string vendor, string model) => Vendors.GetValueOrDefault(vendor)?.Models.GetValueOrDefault(model);

    /// <summary>The vendor's default model and its entry.</summary>
    public (string Model, VendorModel? Entry) DefaultOf(string vendor) =>
        Vendors.GetValueOrDefault(vendor) is { } entry ? (entry.DefaultModel, entry.Models.GetValueOrDefault(entry.DefaultModel)) : (vendor, null);

    public static VendorCatalogue Parse(Stream json)
    {
        var catalogue = JsonSerializer.Deserialize<VendorCatalogue>(json, JsonSerializerOptions.Web)
            ?? throw new InvalidOperationException("The vendor catalogue is empty.");
        // Ordinal keys: vendor and model names are case-sensitive identifiers.
        catalogue.Vendors = new(catalogue.Vendors, StringComparer.Ordinal);
        catalogue.Chains = new(catalogue.Chains, StringComparer.Ordinal);
        foreach (var vendor in catalogue.Vendors.Values) vendor.Models = new(vendor.Models, StringComparer.Ordinal);
        catalogue.Speech = new(catalogue.Speech, StringComparer.Ordinal);
        foreach (var vendor in catalogue.Speech.Values) vendor.Models = new(vendor.Models, StringComparer.Ordinal);
        return catalogue;
    }

    private static VendorCatalogue Load()
    {
        using var stream = typeof(VendorCatalogue).Assembly.GetManifestResourceStream("Ministudio.Contracts.Vendors.vendors.json")
            ?? throw new InvalidOperationException("The vendor catalogue is not embedded in Ministudio.Contracts.");
        return Parse(stream);
    }
}
