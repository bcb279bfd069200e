namespace Ministudio.Dispatch.Providers.Vendors.Replicate;

/// <summary>Replicate settings (<c>Dispatch:Vendors:replicate</c>); Model is "owner/name".</summary>
public sealed class ReplicateOptions : VendorOptions
{
    /// <summary>
    /// Seconds to ask Replicate to hold the create call open (<c>Prefer: wait=N</c>, 1–60) so a quick model answers at
    /// once; 0 polls from the start.
    /// </summary>
    public int WaitSeconds { get; set; } = 5;

    /// <summary>Optional HTTPS URL Replicate calls on task events; polling stays the source of truth.</summary>
    public Uri? Webhook { get; set; }

    /// <summary>Which events reach <see cref="Webhook"/> (start, output, logs, completed); empty means Replicate's default.</summary>
    public List<string> WebhookEvents { get; set; } = [];

    /// <summary>
    /// Per-model input names, keyed by "owner/name". A configured entry replaces the built-in one for that model
    /// whole (binding would otherwise merge into it); models in neither get <see cref="ReplicateModelInputs"/>' defaults.
    /// </summary>
    public Dictionary<string, ReplicateModelInputs> Models { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    private static readonly Dictionary<string, ReplicateModelInputs> BuiltInModels = new(StringComparer.OrdinalIgnoreCase)
    {
        // Replicate's Veo 3 takes its first frame as "image" (google/veo-3 API schema).
        ["google/veo-3"] = new() { FirstFrameImage = "image" },
        ["kwaivgi/kling-v2.1"] = new() { FirstFrameImage = "start_image" },
        ["minimax/video-01"] = new() { Seed = null, AspectRatio = null, NegativePrompt = null, Duration = null, ReferenceImage = "subject_reference" },
    };

    public ReplicateModelInputs InputsFor(string model) =>
        Models.TryGetValue(model, out var configured) ? configured
        : BuiltInModels.TryGetValue(model, out var builtIn) ? builtIn
        : new ReplicateModelInputs();
}

/// <summary>
/// Where a model wants each part of a shot in its <c>input</c> object; an empty name means the model does not take it
/// (and a shot that needs it, like a first frame, fails as invalid rather than silently losing it).
/// </summary>
public sealed class ReplicateModelInputs
{
    /// <summary>A pinned version id: the call goes to /v1/predictions with it instead of the model's latest.</summary>
    public string? Version { get; set; }

    public string Prompt { get; set; } = "prompt";
    public string? NegativePrompt { get; set; } = "negative_prompt";
    public string? Seed { get; set; } = "seed";
    public string? AspectRatio { get; set; } = "aspect_ratio";
    public string? Duration { get; set; } = "duration";
    public string? FirstFrameImage { get; set; } = "first_frame_image";

    /// <summary>One reference image (the first of the shot's), for models with a subject/character reference input.</summary>
    public string? ReferenceImage { get; set; }

    /// <summary>Clip lengths of a model the vendor catalogue does not list; empty passes the requested seconds through (rounded up).</summary>
    public List<int> AllowedDurations { get; set; } = [];
}
