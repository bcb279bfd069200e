using System.Security.Cryptography;
using System.Text;
using Ministudio.Contracts;
using Ministudio.Contracts.Vendors;

namespace Ministudio.Prompt.Films;

/// <summary>Something the compiler changed to fit a provider, reported on the job instead of silently applied.</summary>
public sealed record CompileWarning(int Shot, string Code, string Message);

/// <summary>
/// One shot as compiled: its prompt, the complete request a provider receives, the continuity chain it belongs to
/// (shots of one chain follow each other; different chains are independent) and the state in force during it.
/// <c>Shot</c> is the film's shot it makes: a shot longer than its provider makes is made as <c>Parts</c> chained
/// parts (<c>Part</c> 1, 2, …), each opening on the previous part's last frame.
/// </summary>
public sealed record CompiledShot(int Index, int Chain, string Prompt, ShotRequest Request, int Shot, int Part, int Parts, ShotState State);

public sealed record CompiledFilm(IReadOnlyList<CompiledShot> Shots, IReadOnlyList<CompileWarning> Warnings);

/// <summary>
/// Turns a validated, library-resolved film into one self-contained prompt per shot (per part of a long shot). Pure and
/// deterministic: the same spec always yields the same text, so identical shots hit the result cache. Sections come in
/// a fixed order and only when they have content; when a provider's limit is exceeded the least important sections go
/// first, never the action.
/// </summary>
public static class PromptCompiler
{
    // Priority decides what is dropped first when a prompt is too long; the action (100) is never dropped.
    private const int ActionPriority = 100;

    private sealed record Section(string Heading, string Body, int Priority);

    /// <summary>A shot's cinematography: its own fields over its profile's, the camera as its provider is told it.</summary>
    private sealed record Look(string? ShotType, CompiledCamera Camera, string? Lens, string? Aperture, string? Composition, string? LightingSetup,
        int? Kelvin, string? EvolutionStage, string? Grade);

    /// <param name="today">The day lifecycle warnings are judged on (default: today, UTC).</param>
    public static CompiledFilm Compile(FilmSpec spec, DateOnly? today = null)
    {
        var day = today ?? DateOnly.FromDateTime(DateTime.UtcNow);
        VideoFormats.TryGetSize(spec.AspectRatio, out var size);
        var characters = spec.Characters ?? [];
        var shots = spec.Shots ?? [];
        var states = FilmStates.Track(spec);
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
            var state = states[index];
            var look = LookOf(spec, shots, index, provider);
            var at = compiled.Count;
            if (look.Camera.WarningCode is { } cameraCode) warnings.Add(new CompileWarning(at, cameraCode, look.Camera.Warning!));
            var shotState = new ShotState(present.Select(p => new CharacterInState(p.Character.Name!.Trim(), state.Characters[p.Character.Name!.Trim()])).ToList(), state.Environment);

            var references = References(present, environment, chained, spec.AspectRatio!, profile, at, warnings);
            var shortSide = Math.Min(size.Width, size.Height);
            var parts = LongShots.Parts(shot.DurationSeconds, chained, references is not null, shortSide, profile, at, warnings);
            for (var part = 1; part <= parts.Count; part++)
            {
                // Parts after the first continue the same shot: they open on the previous part's last frame.
                var continues = part > 1 || chained;
                var sections = Sections(spec, shot, present, state, environment, look, index > 0 && chained && part == 1 ? shots[index - 1].Narration : null,
                    continues ? (part, parts.Count, chained) : null, profile);
                var prompt = Fit(sections, profile, compiled.Count, warnings);
                if (!profile.AspectRatios.Contains(spec.AspectRatio!))
                    warnings.Add(new CompileWarning(compiled.Count, "aspect_ratio.unsupported",
                        $"{provider} makes {string.Join(", ", profile.AspectRatios)}; dispatch will not send a {spec.AspectRatio} shot to it (provider.unsupported) rather than stretch a clip."));
                if (Retiring(profile, continues, references is not null && part == 1, day) is { } retiring)
                    warnings.Add(new CompileWarning(compiled.Count, "provider.retiring", retiring));

                compiled.Add(new CompiledShot(compiled.Count, chain, prompt, new ShotRequest(
                    Provider: provider,
                    Prompt: prompt,
                    Action: shot.Action!.Trim(),
                    AspectRatio: spec.AspectRatio!,
                    Width: size.Width,
                    Height: size.Height,
                    Fps: VideoFormats.FramesPerSecond,
                    DurationSeconds: parts[part - 1],
                    // Every part of a shot has the shot's seed: the parts are one take.
                    Seed: shot.Seed ?? filmSeed + index,
                    CameraMove: look.Camera.Move,
                    NegativePrompt: profile.NegativePromptField ? Clean(spec.Style?.NegativePrompt) : null,
                    Style: style,
                    Characters: present.Select(p => new ShotCharacter(p.Character.Name!, p.Slot, IdentityEntries(p.Character.Identity))).ToArray(),
                    ReferenceImages: part == 1 ? references : null), index, part, parts.Count, shotState));
            }
        }
        return new CompiledFilm(compiled, warnings);
    }

    /// <summary>The shot's cinematography: its fields, else its profile's; the evolution stage of the run it is in.</summary>
    private static Look LookOf(FilmSpec spec, IReadOnlyList<ShotSpec> shots, int index, string provider)
    {
        var shot = shots[index];
        var profile = shot.Profile is { } name ? Cinematography.Catalogue.Profiles.GetValueOrDefault(name) : null;
        var move = shot.Camera ?? profile?.Camera ?? Cinematography.DefaultCamera(index);
        string? stage = null;
        var kelvin = shot.ColourTemperature ?? profile?.ColourTemperature;
        if (shot.Evolution is { } evolutionName && Cinematography.Catalogue.Evolutions.GetValueOrDefault(evolutionName) is { } evolution)
        {
            // The run: the consecutive shots around this one that name the same evolution.
            var first = index;
            while (first > 0 && shots[first - 1].Evolution == evolutionName) first--;
            var last = index;
            while (last < shots.Count - 1 && shots[last + 1].Evolution == evolutionName) last++;
            var (words, evolvedKelvin) = Cinematography.Evolve(evolution, index - first, last - first + 1);
            stage = $"{words} ({evolutionName}, shot {index - first + 1} of {last - first + 1})";
            kelvin = shot.ColourTemperature ?? evolvedKelvin;
        }
        return new Look(shot.ShotType ?? profile?.ShotType, Cinematography.Camera(move, provider), shot.Lens ?? profile?.Lens,
            shot.Aperture ?? profile?.Aperture, shot.Composition ?? profile?.Composition, shot.LightingSetup ?? profile?.LightingSetup,
            kelvin, stage, shot.Grade ?? spec.Grade);
    }

    private static List<Section> Sections(
        FilmSpec spec, ShotSpec shot, List<(CharacterSpec Character, int Slot)> present, StateAtShot state, EnvironmentSpec? environment,
        Look look, string? previousNarration, (int Part, int Parts, bool Chained)? continuation, VendorProfile profile)
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
            Add($"STATE {character.Name!.Trim()}", Join("; ", StateEntries(state.Characters[character.Name!.Trim()], character.MotionNotes)), 60);
        Add("ENVIRONMENT", EnvironmentText(environment), 70);
        Add("SHOT", Join(", ", [Cinematography.ShotTypeWords(look.ShotType), look.Camera.Words, Cinematography.LensWords(look.Lens),
            Cinematography.ApertureWords(look.Aperture), Cinematography.CompositionWords(look.Composition)]), 80);
        Add("LIGHTING", Join(", ", [shot.Lighting, Cinematography.LightingSetupWords(look.LightingSetup), state.Environment.Lighting,
            state.Environment.TimeOfDay, state.Environment.Weather, look.EvolutionStage, Cinematography.KelvinWords(look.Kelvin)]), 45);
        Add("STYLE", Join(", ", [StyleText(spec.Style), look.Grade is { } grade && Ministudio.Contracts.ColourGrades.All.TryGetValue(grade, out var preset) ? preset.Words : null]), 50);
        Add("ACTION", shot.Action, ActionPriority);
        Add("DIALOGUE", Join(" ", (shot.Dialogue ?? []).Select(d => DialogueText(d, present))), 55);
        Add("NARRATION", shot.Narration, 40);
        Add("ACTING", shot.ActingNotes, 35);
        if (continuation is { } c) Add("CONTINUITY", ContinuityText(c.Part, c.Parts, c.Chained, state.Changes), 10);
        // Vendors without a negative-prompt field get it in the text, as the last thing to drop.
        if (!profile.NegativePromptField) Add("AVOID", spec.Style?.NegativePrompt, 5);
        return sections;
    }

    /// <summary>How a shot follows the one before: seamlessly, with what changes in it, or as the next part of one long take.</summary>
    private static string ContinuityText(int part, int parts, bool chained, IReadOnlyList<string> changes)
    {
        if (part > 1)
            return $"Part {part} of {parts} of one continuous shot: continue exactly from the previous part's last frame, same camera, no cut.";
        var text = "Continue seamlessly from the previous shot: same characters, wardrobe, lighting and style";
        var whole = changes.Count > 0 ? $"{text}, except what changes in this shot: {string.Join("; ", changes)}." : $"{text}.";
        return parts > 1 ? $"{whole} Part 1 of {parts} of one continuous shot." : whole;
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

    private static IEnumerable<string> StateEntries(CharacterState state, string? motionNotes)
    {
        (string Key, string? Value)[] fields =
        [
            ("wearing", state.Clothing), ("carrying", state.Equipment), ("emotion", state.Emotion), ("posture", state.Posture),
            ("motion", motionNotes),
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
