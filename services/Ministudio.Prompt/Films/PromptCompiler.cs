using System.Security.Cryptography;
using System.Text;
using Ministudio.Contracts;
using Ministudio.Contracts.Vendors;

namespace Ministudio.Prompt.Films;

/// <summary>Something the compiler changed to fit a provider, reported on the job instead of silently applied.</summary>
public sealed record CompileWarning(int Shot, string Code, string Message);

/// <summary>
/// One shot as compiled: its prompt, the complete request a provider receives, and the continuity chain it belongs
/// to (shots of one chain follow each other; different chains are independent).
/// </summary>
public sealed record CompiledShot(int Index, int Chain, string Prompt, ShotRequest Request);

public sealed record CompiledFilm(IReadOnlyList<CompiledShot> Shots, IReadOnlyList<CompileWarning> Warnings);

/// <summary>
/// Turns a validated, library-resolved film into one self-contained prompt per shot. Pure and deterministic: the same
/// spec always yields the same text, so identical shots hit the result cache. Sections come in a fixed order and only
/// when they have content; when a provider's limit is exceeded the least important sections go first, never the action.
/// </summary>
public static class PromptCompiler
{
    // Priority decides what is dropped first when a prompt is too long; the action (100) is never dropped.
    private const int ActionPriority = 100;

    private sealed record Section(string Heading, string Body, int Priority);

    /// <param name="today">The day lifecycle warnings are judged on (default: today, UTC).</param>
    public static CompiledFilm Compile(FilmSpec spec, DateOnly? today = null)
    {
        var day = today ?? DateOnly.FromDateTime(DateTime.UtcNow);
        VideoFormats.TryGetSize(spec.AspectRatio, out var size);
        var characters = spec.Characters ?? [];
        var shots = spec.Shots ?? [];
        var filmSeed = spec.Seed ?? StableSeed(spec.Title ?? "");
        var style = new ShotStyle(spec.Style?.Name ?? StylePacks.Default, StylePacks.PaletteOf(spec.Style));
        var warnings = new List<CompileWarning>();
        var compiled = new List<CompiledShot>(shots.Count);
        var chain = 0;

        for (var index = 0; index < shots.Count; index++)
        {
            var shot = shots[index];
            var environment = shot.Environment ?? spec.Environment;
            // A shot continues the previous one unless it opts out or the location changes.
            var chained = index > 0 && shot.Continuity != false && SameLocation(environment, shots[index - 1].Environment ?? spec.Environment);
            if (index > 0 && !chained) chain++;

            var provider = shot.Provider ?? spec.Provider ?? Providers.Local;
            var profile = VendorProfiles.For(provider);
            var present = PresentCharacters(characters, shot);
            var camera = shot.Camera ?? CameraMoves.Default(index);
            var sections = Sections(spec, shot, present, environment, camera, chained ? shots[index - 1].Narration : null, chained, profile);
            var prompt = Fit(sections, profile, index, warnings);

            var references = References(present, environment, chained, spec.AspectRatio!, profile, index, warnings);
            var duration = Duration(shot.DurationSeconds, chained, references is not null, Math.Min(size.Width, size.Height), profile, index, warnings);
            if (!profile.AspectRatios.Contains(spec.AspectRatio!))
                warnings.Add(new CompileWarning(index, "aspect_ratio.unsupported",
                    $"{provider} makes {string.Join(", ", profile.AspectRatios)}; dispatch will not send a {spec.AspectRatio} shot to it (provider.unsupported) rather than stretch a clip."));
            if (Retiring(profile, chained, references is not null, day) is { } retiring)
                warnings.Add(new CompileWarning(index, "provider.retiring", retiring));

            compiled.Add(new CompiledShot(index, chain, prompt, new ShotRequest(
                Provider: provider,
                Prompt: prompt,
                Action: shot.Action!.Trim(),
                AspectRatio: spec.AspectRatio!,
                Width: size.Width,
                Height: size.Height,
                Fps: VideoFormats.FramesPerSecond,
                DurationSeconds: duration,
                Seed: shot.Seed ?? filmSeed + index,
                CameraMove: camera,
                NegativePrompt: profile.NegativePromptField ? Clean(spec.Style?.NegativePrompt) : null,
                Style: style,
                Characters: present.Select(p => new ShotCharacter(p.Character.Name!, p.Slot, IdentityEntries(p.Character.Identity))).ToArray(),
                ReferenceImages: references)));
        }
        return new CompiledFilm(compiled, warnings);
    }

    private static List<Section> Sections(
        FilmSpec spec, ShotSpec shot, List<(CharacterSpec Character, int Slot)> present, EnvironmentSpec? environment,
        string camera, string? previousNarration, bool chained, VendorProfile profile)
    {
        var sections = new List<Section>();
        void Add(string heading, string? body, int priority)
        {
            if (Clean(body) is { } text) sections.Add(new Section(heading, text, priority));
        }

        Add("STORY SO FAR", previousNarration, 20);
        if (present.Count > 0)
            Add("CONSISTENCY", "Keep every character exactly as described below: same face, hair, eyes, skin and build in every shot.", 30);
        foreach (var (character, _) in present)
            Add($"CHARACTER {character.Name!.Trim()}", Join("; ", IdentityEntries(character.Identity).Select(e => $"{e.Key} {e.Value}")), 90);
        foreach (var (character, _) in present)
            Add($"STATE {character.Name!.Trim()}", Join("; ", StateEntries(character)), 60);
        Add("ENVIRONMENT", EnvironmentText(environment), 70);
        Add("SHOT", Join(", ", [ShotTypes.Words(shot.ShotType), CameraMoves.Words(camera), Clean(shot.Lens) is { } lens ? $"{lens} lens" : null]), 80);
        Add("LIGHTING", Join(", ", [shot.Lighting, environment?.Lighting, environment?.TimeOfDay, environment?.Weather]), 45);
        Add("STYLE", StyleText(spec.Style), 50);
        Add("ACTION", shot.Action, ActionPriority);
        Add("DIALOGUE", Join(" ", (shot.Dialogue ?? []).Select(d => DialogueText(d, present))), 55);
        Add("NARRATION", shot.Narration, 40);
        Add("ACTING", shot.ActingNotes, 35);
        if (chained) Add("CONTINUITY", "Continue seamlessly from the previous shot: same characters, wardrobe, lighting and style.", 10);
        // Vendors without a negative-prompt field get it in the text, as the last thing to drop.
        if (!profile.NegativePromptField) Add("AVOID", spec.Style?.NegativePrompt, 5);
        return sections;
    }

    /// <summary>
    /// The reference images a shot conditions on (its characters', then its environment's), within what the provider
    /// takes. Where a first frame and references exclude each other, a chained shot keeps its first frame: continuity
    /// with the previous shot is what the chain is for.
    /// </summary>
    private static IReadOnlyList<string>? References(
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

    /// <summary>The catalogue's one duration rule: the shortest length the shot's model makes that covers it (dispatch and billing snap the same way).</summary>
    private static double Duration(double seconds, bool firstFrame, bool references, int shortSide, VendorProfile profile, int index, List<CompileWarning> warnings)
    {
        var duration = profile.SnapDuration(seconds, firstFrame, references, shortSide);
        if (duration != seconds)
        {
            var allowed = profile.ModelFor(firstFrame, references).Limits.AllowedDurations(references, shortSide);
            var makes = allowed.Count > 0 ? $"makes {string.Join(", ", allowed)} s clips" : $"makes clips of at most {duration} s";
            warnings.Add(new CompileWarning(index, "duration.snapped", $"{profile.Name} {makes}: {seconds} s became {duration} s."));
        }
        return duration;
    }

    /// <summary>A warning when the model a shot goes to retires within <see cref="VendorCatalogue.RetirementWarningDays"/> days.</summary>
    private static string? Retiring(VendorProfile profile, bool firstFrame, bool references, DateOnly today)
    {
        var (model, limits) = profile.ModelFor(firstFrame, references);
        if (model is null || limits.RetiresOn is not { } retires || retires > today.AddDays(VendorCatalogue.RetirementWarningDays)) return null;
        var instead = limits.Replacement is { } replacement ? $"; ask for '{replacement}' instead" : "";
        return $"{profile.Name} model {model} retires on {retires:yyyy-MM-dd}{instead}.";
    }

    /// <summary>Joins the sections, dropping the least important ones until the provider's limit is met.</summary>
    private static string Fit(List<Section> sections, VendorProfile profile, int index, List<CompileWarning> warnings)
    {
        var kept = new List<Section>(sections);
        var dropped = new List<string>();
        while (Render(kept).Length > profile.MaxPromptChars && kept.Any(s => s.Priority < ActionPriority))
        {
            var least = kept.Where(s => s.Priority < ActionPriority).MinBy(s => s.Priority)!;
            kept.Remove(least);
            dropped.Add(least.Heading);
        }
        if (dropped.Count > 0)
            warnings.Add(new CompileWarning(index, "prompt.trimmed",
                $"{profile.Name} takes at most {profile.MaxPromptChars} characters: dropped {string.Join(", ", dropped)}."));
        var prompt = Render(kept);
        if (prompt.Length > profile.MaxPromptChars)
            warnings.Add(new CompileWarning(index, "prompt.too_long", $"The action alone exceeds {profile.Name}'s {profile.MaxPromptChars} characters."));
        return prompt;
    }

    private static string Render(IEnumerable<Section> sections) => string.Join("\n", sections.Select(s => $"{s.Heading}: {s.Body}"));

    private static List<(CharacterSpec Character, int Slot)> PresentCharacters(IReadOnlyList<CharacterSpec> characters, ShotSpec shot) =>
        characters
            .Select((character, slot) => (character, slot))
            .Where(c => shot.Characters is null || shot.Characters.Contains(c.character.Name!, StringComparer.OrdinalIgnoreCase))
            .ToList();

    /// <summary>Identity fields in a fixed order, empty ones left out.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> IdentityEntries(CharacterIdentity? identity)
    {
        if (identity is null) return [];
        var entries = new List<KeyValuePair<string, string>>();
        void Add(string key, string? value)
        {
            if (Clean(value) is { } text) entries.Add(new(key, text));
        }
        Add("hair", identity.Hair);
        Add("eyes", identity.Eyes);
        Add("skin", identity.Skin);
        Add("face", identity.Face);
        Add("build", identity.Build);
        Add("traits", Join(", ", identity.Traits ?? []));
        return entries;
    }

    private static IEnumerable<string> StateEntries(CharacterSpec character)
    {
        var state = character.State;
        (string Key, string? Value)[] fields =
        [
            ("wearing", state?.Clothing), ("carrying", state?.Equipment), ("emotion", state?.Emotion), ("posture", state?.Posture),
            ("motion", character.MotionNotes),
        ];
        return fields.Where(f => Clean(f.Value) is not null).Select(f => $"{f.Key} {f.Value!.Trim()}");
    }

    private static string? EnvironmentText(EnvironmentSpec? environment)
    {
        if (environment is null) return null;
        return Join("; ", [
            environment.Location,
            Clean(environment.Architecture) is { } architecture ? $"architecture {architecture}" : null,
            Join(", ", environment.FixedElements ?? []) is { } elements ? $"always visible: {elements}" : null,
            Join(", ", environment.Palette ?? []) is { } palette ? $"palette {palette}" : null,
            Clean(environment.Composition) is { } composition ? $"composition {composition}" : null,
        ]);
    }

    private static string? StyleText(StyleSpec? style)
    {
        if (style is null) return null;
        return Join(", ", [style.Name, .. style.Traits ?? [], .. (style.References ?? []).Select(r => $"in the manner of {r.Trim()}")]);
    }

    private static string? DialogueText(DialogueLine line, List<(CharacterSpec Character, int Slot)> present)
    {
        if (Clean(line.Line) is not { } text) return null;
        var speaker = present.Select(p => p.Character).FirstOrDefault(c => string.Equals(c.Name, line.Speaker, StringComparison.OrdinalIgnoreCase));
        var voice = speaker?.Voice is { } v ? Join(", ", [v.Profile, Clean(v.VoiceId) is { } id ? $"voice {id}" : null]) : null;
        return $"{line.Speaker?.Trim()}{(voice is null ? "" : $" ({voice})")}: \"{text}\"";
    }

    private static bool SameLocation(EnvironmentSpec? a, EnvironmentSpec? b) =>
        string.Equals(Clean(a?.Location), Clean(b?.Location), StringComparison.OrdinalIgnoreCase);

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string? Join(string separator, IEnumerable<string?> parts)
    {
        var kept = parts.Select(Clean).OfType<string>().ToList();
        return kept.Count > 0 ? string.Join(separator, kept) : null;
    }

    /// <summary>A film without a seed gets one from its title, so re-submitting it renders (and caches) identically.</summary>
    private static long StableSeed(string title) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes(title))) & int.MaxValue;
}
