using System.Security.Cryptography;
using System.Text;
using Ministudio.Contracts;

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
/// deterministic: the same spec always yields the same text, so identical shots hit the result cache. This is the walk
/// over the shots (chains, state, parts, the request); the shot's look (<see cref="ShotLooks"/>), its prompt's sections
/// (<see cref="PromptSections"/>) and what its provider takes (<see cref="ProviderFit"/>) each have their own file.
/// </summary>
public static class PromptCompiler
{
    /// <param name="today">The day lifecycle warnings are judged on (default: today, UTC).</param>
    /// <param name="speech">Per film shot, when its dialogue lines are spoken (<see cref="SpeechTiming"/>); null: not measured.</param>
    public static CompiledFilm Compile(FilmSpec spec, DateOnly? today = null, IReadOnlyList<IReadOnlyList<SpokenSpan>>? speech = null)
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
            var animatic = profile.Vendor?.Animatic == true;
            var present = PresentCharacters(characters, shot);
            var state = states[index];
            var look = ShotLooks.Of(spec, shots, index, provider);
            var at = compiled.Count;
            if (look.Camera.WarningCode is { } cameraCode) warnings.Add(new CompileWarning(at, cameraCode, look.Camera.Warning!));
            var shotState = new ShotState(present.Select(p => new CharacterInState(p.Character.Name!.Trim(), state.Characters[p.Character.Name!.Trim()])).ToList(), state.Environment);

            var references = ProviderFit.References(present, environment, chained, spec.AspectRatio!, profile, at, warnings);
            var shortSide = Math.Min(size.Width, size.Height);
            var parts = LongShots.Parts(shot.DurationSeconds, chained, references is not null, shortSide, profile, at, warnings);
            var partStart = 0.0;
            for (var part = 1; part <= parts.Count; part++)
            {
                // Parts after the first continue the same shot: they open on the previous part's last frame.
                var continues = part > 1 || chained;
                var sections = PromptSections.Of(spec, shot, present, state, environment, look, index > 0 && chained && part == 1 ? shots[index - 1].Narration : null,
                    continues ? (part, parts.Count, chained) : null, profile);
                var prompt = PromptSections.Fit(sections, profile, compiled.Count, warnings);
                if (!profile.AspectRatios.Contains(spec.AspectRatio!))
                    warnings.Add(new CompileWarning(compiled.Count, "aspect_ratio.unsupported",
                        $"{provider} makes {string.Join(", ", profile.AspectRatios)}; dispatch will not send a {spec.AspectRatio} shot to it (provider.unsupported) rather than stretch a clip."));
                if (ProviderFit.Retiring(profile, continues, references is not null && part == 1, day) is { } retiring)
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
                    NegativePrompt: profile.NegativePromptField ? PromptSections.Clean(spec.Style?.NegativePrompt) : null,
                    Style: style,
                    Characters: present.Select(p => new ShotCharacter(p.Character.Name!, p.Slot, PromptSections.IdentityEntries(p.Character.Identity))).ToArray(),
                    ReferenceImages: part == 1 ? references : null,
                    ShotType: animatic ? look.ShotType?.ToUpperInvariant() : null,
                    Environment: animatic ? Animatic.Environment(environment, state.Environment, style) : null,
                    Speech: animatic ? Animatic.Speech(speech?.ElementAtOrDefault(index), partStart, parts[part - 1]) : null), index, part, parts.Count, shotState));
                partStart += parts[part - 1];
            }
        }
        return new CompiledFilm(compiled, warnings);
    }

    private static List<(CharacterSpec Character, int Slot)> PresentCharacters(IReadOnlyList<CharacterSpec> characters, ShotSpec shot) =>
        characters
            .Select((character, slot) => (character, slot))
            .Where(c => shot.Characters is null || shot.Characters.Contains(c.character.Name!, StringComparer.OrdinalIgnoreCase))
            .ToList();

    private static bool SameLocation(EnvironmentSpec? a, EnvironmentSpec? b) =>
        string.Equals(PromptSections.Clean(a?.Location), PromptSections.Clean(b?.Location), StringComparison.OrdinalIgnoreCase);

    /// <summary>A film without a seed gets one from its title, so re-submitting it renders (and caches) identically.</summary>
    private static long StableSeed(string title) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes(title))) & int.MaxValue;
}
