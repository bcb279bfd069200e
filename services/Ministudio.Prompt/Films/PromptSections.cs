namespace Ministudio.Prompt.Films;

/// <summary>
/// A shot's prompt as sections: each in a fixed order and only when it has content, each with the priority that decides
/// what goes first when the prompt is too long for its provider (never the action).
/// </summary>
public static class PromptSections
{
    // Priority decides what is dropped first when a prompt is too long; the action (100) is never dropped.
    private const int ActionPriority = 100;

    public sealed record Section(string Heading, string Body, int Priority);

    /// <summary>The sections of one shot's prompt (of one part, for a long shot), in their fixed order.</summary>
    public static List<Section> Of(
        FilmSpec spec, ShotSpec shot, List<(CharacterSpec Character, int Slot)> present, StateAtShot state, EnvironmentSpec? environment,
        ShotLook look, string? previousNarration, (int Part, int Parts, bool Chained)? continuation, VendorProfile profile)
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

    /// <summary>Joins the sections, dropping the least important ones until the provider's limit is met.</summary>
    public static string Fit(List<Section> sections, VendorProfile profile, int index, List<CompileWarning> warnings)
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

    public static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string? Join(string separator, IEnumerable<string?> parts)
    {
        var kept = parts.Select(Clean).OfType<string>().ToList();
        return kept.Count > 0 ? string.Join(separator, kept) : null;
    }
}
