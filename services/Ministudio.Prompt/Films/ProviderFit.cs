using Ministudio.Contracts.Vendors;

namespace Ministudio.Prompt.Films;

/// <summary>What a shot's provider takes of it: its reference images, and a warning when the model it goes to retires soon.</summary>
public static class ProviderFit
{
    /// <summary>
    /// The reference images a shot conditions on (its characters', then its environment's), within what the provider
    /// takes. Where a first frame and references exclude each other, a chained shot keeps its first frame: continuity
    /// with the previous shot is what the chain is for.
    /// </summary>
    public static IReadOnlyList<string>? References(
        List<(CharacterSpec Character, int Slot)> present, EnvironmentSpec? environment, bool chained, string aspectRatio, VendorProfile profile, int index, List<CompileWarning> warnings)
    {
        var references = present.SelectMany(p => p.Character.ReferenceImages ?? []).Concat(environment?.ReferenceImages ?? []).Distinct().ToList();
        if (references.Count == 0) return null;
        var (_, limits) = profile.ModelFor(chained, references: true);
        var max = limits.MaxReferenceImages;
        if (max == 0)
        {
            warnings.Add(new CompileWarning(index, "reference_images.unsupported", $"{profile.Name} takes no reference images; {references.Count} left out."));
            return null;
        }
        if (chained && profile.FirstFrameExcludesReferences)
        {
            warnings.Add(new CompileWarning(index, "reference_images.first_frame_chosen",
                $"{profile.Name} takes a first frame or reference images, not both: this shot continues the previous one, so it starts on its last frame and the {references.Count} reference images are left out."));
            return null;
        }
        if (limits.ReferenceAspectRatios.Count > 0 && !limits.ReferenceAspectRatios.Contains(aspectRatio))
        {
            warnings.Add(new CompileWarning(index, "reference_images.unsupported",
                $"{profile.Name} takes reference images only for {string.Join(", ", limits.ReferenceAspectRatios)} videos; {references.Count} left out of this {aspectRatio} shot."));
            return null;
        }
        if (references.Count > max)
        {
            warnings.Add(new CompileWarning(index, "reference_images.trimmed",
                $"{profile.Name} takes at most {max} reference images; kept the first {max} of {references.Count}."));
            references = references[..max];
        }
        return references;
    }

    /// <summary>A warning when the model a shot goes to retires within <see cref="VendorCatalogue.RetirementWarningDays"/> days.</summary>
    public static string? Retiring(VendorProfile profile, bool firstFrame, bool references, DateOnly today)
    {
        var (model, limits) = profile.ModelFor(firstFrame, references);
        if (model is null || limits.RetiresOn is not { } retires || retires > today.AddDays(VendorCatalogue.RetirementWarningDays)) return null;
        var instead = limits.Replacement is { } replacement ? $"; ask for '{replacement}' instead" : "";
        return $"{profile.Name} model {model} retires on {retires:yyyy-MM-dd}{instead}.";
    }
}
