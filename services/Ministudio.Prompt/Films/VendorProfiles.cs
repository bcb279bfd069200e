namespace Ministudio.Prompt.Films;

/// <summary>
/// What a provider accepts: how long a prompt may be, which clip lengths and aspect ratios it makes, and whether it
/// takes a negative prompt as a separate field, how many reference images it conditions on and whether a first frame
/// and reference images can be combined. The compiler fits every shot to its provider's profile.
/// </summary>
public sealed record VendorProfile(
    string Name,
    int MaxPromptChars,
    IReadOnlyList<double> Durations,
    IReadOnlySet<string> AspectRatios,
    bool NegativePromptField,
    int MaxReferenceImages,
    bool FirstFrameExcludesReferences = false)
{
    /// <summary>The closest length the provider can make (itself when any length in range is fine).</summary>
    public double SnapDuration(double seconds) =>
        Durations.Count == 0 ? seconds : Durations.MinBy(d => (Math.Abs(d - seconds), d))!;
}

/// <summary>Profiles of the providers films may name. Limits follow each vendor's public API documentation.</summary>
public static class VendorProfiles
{
    private static readonly HashSet<string> AllRatios = ["16:9", "9:16", "1:1"];
    private static readonly HashSet<string> Wide = ["16:9", "9:16"];

    public static readonly IReadOnlyDictionary<string, VendorProfile> All = new Dictionary<string, VendorProfile>(StringComparer.Ordinal)
    {
        // Our own renderer: any length within the platform's limits, every format.
        ["local"] = new("local", 4000, [], AllRatios, NegativePromptField: true, MaxReferenceImages: 8),
        // Veo takes either a first frame or reference images for a generation, not both.
        ["veo"] = new("veo", 1024 * 4, [4, 6, 8], Wide, NegativePromptField: true, MaxReferenceImages: 3, FirstFrameExcludesReferences: true),
        ["sora"] = new("sora", 4000, [4, 8, 12], Wide, NegativePromptField: false, MaxReferenceImages: 1),
        ["runway"] = new("runway", 1000, [5, 10], AllRatios, NegativePromptField: false, MaxReferenceImages: 3),
        ["luma"] = new("luma", 5000, [5, 9], AllRatios, NegativePromptField: false, MaxReferenceImages: 4),
        ["kling"] = new("kling", 2500, [5, 10], AllRatios, NegativePromptField: true, MaxReferenceImages: 4),
        ["minimax"] = new("minimax", 2000, [6, 10], Wide, NegativePromptField: false, MaxReferenceImages: 1),
        ["gemini"] = new("gemini", 1024 * 4, [4, 6, 8], Wide, NegativePromptField: true, MaxReferenceImages: 3, FirstFrameExcludesReferences: true),
        ["fal"] = new("fal", 2000, [4, 6, 8], Wide, NegativePromptField: true, MaxReferenceImages: 0),
        ["replicate"] = new("replicate", 2000, [8], Wide, NegativePromptField: true, MaxReferenceImages: 0),
        ["mock"] = new("mock", 4000, [], AllRatios, NegativePromptField: true, MaxReferenceImages: 8),
        // Chains (dispatch's Dispatch:Chains): whichever vendor takes the shot must accept it, so the tightest limits
        // of the chain apply; every vendor in them makes 5 s and 8 s clips (snapping up where it must).
        ["auto"] = new("auto", 1000, [5, 8], Wide, NegativePromptField: false, MaxReferenceImages: 1, FirstFrameExcludesReferences: true),
        ["premium"] = new("premium", 1000, [5, 8], Wide, NegativePromptField: false, MaxReferenceImages: 3, FirstFrameExcludesReferences: true),
        ["standard"] = new("standard", 2000, [5, 8], Wide, NegativePromptField: false, MaxReferenceImages: 1),
        ["economy"] = new("economy", 1000, [5, 8], Wide, NegativePromptField: false, MaxReferenceImages: 1),
    };

    public static VendorProfile For(string? provider) => All.TryGetValue(provider ?? Providers.Local, out var profile) ? profile : All[Providers.Local];
}
