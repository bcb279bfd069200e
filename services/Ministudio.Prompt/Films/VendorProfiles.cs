using Ministudio.Contracts.Vendors;

namespace Ministudio.Prompt.Films;

/// <summary>
/// What a provider (a vendor, or a chain dispatch routes along) accepts, read from the vendor catalogue: how long a
/// prompt may be, which aspect ratios it makes, whether it takes a negative prompt as a separate field, and the model
/// a shot is sent to with its clip lengths and reference-image limit. The compiler fits every shot to it.
/// </summary>
public sealed record VendorProfile(
    string Name,
    int MaxPromptChars,
    IReadOnlySet<string> AspectRatios,
    bool NegativePromptField,
    bool FirstFrameExcludesReferences,
    VendorEntry? Vendor,
    VendorModel Limits)
{
    /// <summary>
    /// The model a shot is sent to and its limits: for a vendor, the one dispatch picks by the same catalogue rule
    /// (<see cref="Limits"/> are its default model's); for a chain, no one model but the limits every member meets.
    /// </summary>
    public (string? Name, VendorModel Limits) ModelFor(bool firstFrame, bool references)
    {
        if (Vendor is null) return (null, Limits);
        var name = Vendor.ModelFor(firstFrame, references, configuredModel: null);
        return (name, Vendor.Models.GetValueOrDefault(name) ?? Limits);
    }

    /// <summary>The clip lengths a plain shot gets (no references, 720p, no first frame).</summary>
    public IReadOnlyList<double> Durations => ModelFor(false, false).Limits.AllowedDurations();

    /// <summary>The catalogue's duration rule (<see cref="VendorModel.SnapDuration(double, IReadOnlyList{double})"/>) for a plain shot; a shot longer than the provider makes gets its longest length.</summary>
    public double SnapDuration(double seconds) => SnapDuration(seconds, firstFrame: false, references: false, shortSide: 0);

    public double SnapDuration(double seconds, bool firstFrame, bool references, int shortSide)
    {
        var limits = ModelFor(firstFrame, references).Limits;
        var allowed = limits.AllowedDurations(references, shortSide);
        return limits.SnapDuration(seconds, allowed) ?? limits.Longest(allowed);
    }

    public int MaxReferenceImages(bool firstFrame) => ModelFor(firstFrame, references: true).Limits.MaxReferenceImages;
}

/// <summary>Profiles of the providers films may name, built from the vendor catalogue (<see cref="VendorCatalogue.Shipped"/>).</summary>
public static class VendorProfiles
{
    public static readonly IReadOnlyDictionary<string, VendorProfile> All = Build(VendorCatalogue.Shipped);

    public static VendorProfile For(string? provider) => All.TryGetValue(provider ?? Providers.Local, out var profile) ? profile : All[Providers.Local];

    /// <summary>
    /// A provider a film may no longer ask for: a vendor whose model is retired on <paramref name="today"/>, with the
    /// day it went and what to ask for instead. Chains never are: routing passes over retired models.
    /// </summary>
    public static (DateOnly RetiredOn, string? Replacement)? Retirement(string provider, DateOnly today) =>
        All.GetValueOrDefault(provider)?.Vendor is { } vendor && vendor.Models.GetValueOrDefault(vendor.DefaultModel) is { RetiresOn: { } retires } model && model.StateOn(today) == ModelState.Retired
            ? (retires, model.Replacement)
            : null;

    private static Dictionary<string, VendorProfile> Build(VendorCatalogue catalogue)
    {
        var profiles = new Dictionary<string, VendorProfile>(StringComparer.Ordinal);
        foreach (var (name, vendor) in catalogue.Vendors)
        {
            var model = vendor.Models[vendor.DefaultModel];
            profiles[name] = new(name, vendor.MaxPromptChars, model.AspectRatios.ToHashSet(), model.NegativePromptField ?? vendor.NegativePromptField,
                vendor.FirstFrameExcludesReferences, vendor, model);
        }
        // A chain: whichever vendor takes the shot must accept it, so the tightest limits of its members apply. Lengths
        // are left to the member that takes the shot (each snaps up by the same rule), within the shortest maximum.
        foreach (var (name, members) in catalogue.Chains)
        {
            var vendors = members.Select(m => (Vendor: catalogue.Vendors[m], Model: catalogue.Vendors[m].Models[catalogue.Vendors[m].DefaultModel])).ToList();
            var aspects = vendors.Select(v => (IEnumerable<string>)v.Model.AspectRatios).Aggregate((a, b) => a.Intersect(b)).ToHashSet();
            var limits = new VendorModel
            {
                MaxDurationSeconds = vendors.Min(v => v.Model.Longest(v.Model.Durations)),
                AspectRatios = [.. aspects],
                MaxReferenceImages = vendors.Min(v => v.Model.MaxReferenceImages),
            };
            profiles[name] = new(name, vendors.Min(v => v.Vendor.MaxPromptChars), aspects,
                vendors.All(v => v.Model.NegativePromptField ?? v.Vendor.NegativePromptField), vendors.Any(v => v.Vendor.FirstFrameExcludesReferences), null, limits);
        }
        return profiles;
    }
}
