using Ministudio.Prompt.Films;

namespace Ministudio.Prompt.Tests;

internal static class FilmSamples
{
    public static readonly CharacterSpec Mira = Character("Mira", new CharacterIdentity("short silver bob", "green", "olive", "heart-shaped", "slight", ["freckles", "round glasses"]));
    public static readonly CharacterSpec Theo = Character("Theo", new CharacterIdentity("curly black hair", "brown", null, null, "tall", null));

    public static CharacterSpec Character(string name, CharacterIdentity? identity = null) => new(null, name, identity, null, null, null);

    public static ShotSpec Shot(string action, double seconds, string? narration = null, string? camera = null, IReadOnlyList<string>? characters = null) =>
        new(action, seconds, null, camera, null, null, narration, null, null, characters, null, null, null, null);

    public static FilmSpec ThreeShots() => new(
        Title: "The Lighthouse",
        AspectRatio: "16:9",
        Provider: "local",
        Seed: 7,
        Style: new StyleSpec(null, "watercolor", ["soft washes", "muted light"], null, null, "text, watermarks"),
        Characters: [Mira, Theo],
        Environment: null,
        Shots:
        [
            Shot("Mira climbs the spiral stairs", 3, "Every night she climbed to the lamp.", "push-in", ["Mira"]),
            Shot("Theo waits at the door", 2, characters: ["Theo"]),
            Shot("Mira and Theo light the lamp together", 4, camera: "static"),
        ]);
}
