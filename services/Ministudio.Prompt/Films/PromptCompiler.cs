using System.Security.Cryptography;
using System.Text;
using Ministudio.Contracts;

namespace Ministudio.Prompt.Films;

/// <summary>One shot as compiled: the prompt text and the complete request a provider receives.</summary>
public sealed record CompiledShot(int Index, string Prompt, ShotRequest Request);

/// <summary>
/// Turns a validated film spec into one self-contained prompt per shot. Pure and deterministic: the same spec
/// always yields the same text, so identical shots hit the result cache. Sections appear in a fixed order and
/// only when they have content.
/// </summary>
public static class PromptCompiler
{
    public static IReadOnlyList<CompiledShot> Compile(FilmSpec spec)
    {
        VideoFormats.TryGetSize(spec.AspectRatio, out var size);
        var characters = spec.Characters ?? [];
        var shots = spec.Shots ?? [];
        var filmSeed = spec.Seed ?? StableSeed(spec.Title ?? "");
        var style = new ShotStyle(spec.Style?.Name ?? "cinematic", StylePalettes.For(spec.Style));
        var provider = spec.Provider ?? Providers.Local;

        var compiled = new List<CompiledShot>(shots.Count);
        for (var index = 0; index < shots.Count; index++)
        {
            var shot = shots[index];
            var present = PresentCharacters(characters, shot);
            var camera = shot.Camera ?? CameraMoves.Default(index);
            var previousNarration = index > 0 ? shots[index - 1].Narration : null;
            var prompt = ComposePrompt(spec, shot, present, camera, previousNarration, index);

            var request = new ShotRequest(
                Provider: provider,
                Prompt: prompt,
                Action: shot.Action!.Trim(),
                AspectRatio: spec.AspectRatio!,
                Width: size.Width,
                Height: size.Height,
                Fps: VideoFormats.FramesPerSecond,
                DurationSeconds: shot.DurationSeconds,
                Seed: filmSeed + index,
                CameraMove: camera,
                Style: style,
                Characters: present.Select(p => new ShotCharacter(p.Character.Name!, p.Slot, IdentityEntries(p.Character.Identity))).ToArray());
            compiled.Add(new CompiledShot(index, prompt, request));
        }
        return compiled;
    }

    private static List<(CharacterSpec Character, int Slot)> PresentCharacters(IReadOnlyList<CharacterSpec> characters, ShotSpec shot) =>
        characters
            .Select((character, slot) => (character, slot))
            .Where(c => shot.Characters is null || shot.Characters.Contains(c.character.Name!, StringComparer.OrdinalIgnoreCase))
            .ToList();

    private static string ComposePrompt(
        FilmSpec spec, ShotSpec shot, List<(CharacterSpec Character, int Slot)> present, string camera, string? previousNarration, int index)
    {
        var sections = new List<string>();
        void Section(string heading, string? body)
        {
            if (!string.IsNullOrWhiteSpace(body)) sections.Add($"{heading}: {body.Trim()}");
        }

        Section("STORY SO FAR", previousNarration);
        if (present.Count > 0)
        {
            Section("CONSISTENCY", "Keep every character exactly as described below: same face, hair, eyes, skin and build in every shot.");
            foreach (var (character, _) in present)
                Section($"CHARACTER {character.Name!.Trim()}", string.Join("; ", IdentityEntries(character.Identity).Select(e => $"{e.Key} {e.Value}")));
        }
        Section("CAMERA", CameraWords(camera));
        Section("STYLE", StyleText(spec.Style));
        Section("ACTION", shot.Action);
        Section("NARRATION", shot.Narration);
        if (index > 0)
            Section("CONTINUITY", "Continue seamlessly from the previous shot: same characters, wardrobe, lighting and style.");
        Section("AVOID", spec.Style?.NegativePrompt);
        return string.Join("\n", sections);
    }

    /// <summary>Identity fields in a fixed order, empty ones left out.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> IdentityEntries(CharacterIdentity? identity)
    {
        if (identity is null) return [];
        var entries = new List<KeyValuePair<string, string>>();
        void Add(string key, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value)) entries.Add(new(key, value.Trim()));
        }
        Add("hair", identity.Hair);
        Add("eyes", identity.Eyes);
        Add("skin", identity.Skin);
        Add("face", identity.Face);
        Add("build", identity.Build);
        Add("traits", identity.Traits is { Count: > 0 } traits ? string.Join(", ", traits.Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t.Trim())) : null);
        return entries;
    }

    private static string CameraWords(string camera) => camera switch
    {
        "push-in" => "slow push-in",
        "pan-left" => "slow pan to the left",
        "pan-right" => "slow pan to the right",
        "static" => "locked-off static camera",
        _ => camera,
    };

    private static string? StyleText(StyleSpec? style)
    {
        if (style is null) return null;
        var parts = new List<string>();
        if (!string.IsNullOrWhiteSpace(style.Name)) parts.Add(style.Name.Trim());
        if (style.Traits is { Count: > 0 } traits) parts.AddRange(traits.Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t.Trim()));
        return parts.Count > 0 ? string.Join(", ", parts) : null;
    }

    /// <summary>A film without a seed gets one from its title, so re-submitting it renders (and caches) identically.</summary>
    private static long StableSeed(string title) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes(title))) & int.MaxValue;
}
