using Ministudio.Prompt.Films;

namespace Ministudio.Prompt.Tests;

internal static class FilmSamples
{
    public static readonly CharacterSpec Mira = new("Mira", new CharacterIdentity("short silver bob", "green", "olive", "heart-shaped", "slight", ["freckles", "round glasses"]));
    public static readonly CharacterSpec Theo = new("Theo", new CharacterIdentity("curly black hair", "brown", null, null, "tall", null));

    public static FilmSpec ThreeShots() => new(
        Title: "The Lighthouse",
        AspectRatio: "16:9",
        Provider: "local",
        Seed: 7,
        Style: new StyleSpec("watercolor", ["soft washes", "muted light"], null, "text, watermarks"),
        Characters: [Mira, Theo],
        Shots:
        [
            new ShotSpec("Mira climbs the spiral stairs", 3, "Every night she climbed to the lamp.", "push-in", ["Mira"]),
            new ShotSpec("Theo waits at the door", 2, null, null, ["Theo"]),
            new ShotSpec("Mira and Theo light the lamp together", 4, null, "static", null),
        ]);
}
