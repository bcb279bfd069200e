using SkiaSharp;

namespace Ministudio.Render.Rendering;

/// <summary>
/// The light of a time of day: how bright the scene is and the colour the light casts over it. Baked once into the
/// scenery and the figures as a colour filter, so it costs nothing per frame.
/// </summary>
public sealed record SceneLight(string Name, float Brightness, SKColor Cast, float CastStrength)
{
    public static readonly SceneLight Day = new("day", 1f, SKColors.White, 0f);

    // First match wins, so "before dawn" and "late afternoon" read as the words that set the light.
    private static readonly (string[] Words, SceneLight Light)[] Table =
    [
        (["midnight", "night", "moonlit", "moonlight", "starlit", "darkness"], new("night", 0.32f, new SKColor(0x2A, 0x3C, 0x78), 0.35f)),
        (["blue hour", "twilight", "dusk", "evening", "nightfall"], new("dusk", 0.6f, new SKColor(0x6A, 0x4C, 0x9A), 0.28f)),
        (["golden hour", "sunset", "sundown"], new("sunset", 0.85f, new SKColor(0xF0, 0x8A, 0x3C), 0.3f)),
        (["dawn", "sunrise", "daybreak", "first light"], new("dawn", 0.8f, new SKColor(0xF2, 0xA0, 0x9A), 0.25f)),
        (["morning"], new("morning", 0.97f, new SKColor(0xFF, 0xE8, 0xC8), 0.12f)),
        (["noon", "midday", "afternoon", "daylight", "day"], Day),
    ];

    /// <summary>The light of a time of day in words (night, dusk, golden hour, …); daylight when none is given or known.</summary>
    public static SceneLight Of(string? timeOfDay)
    {
        if (string.IsNullOrWhiteSpace(timeOfDay)) return Day;
        foreach (var (words, light) in Table)
            if (words.Any(word => timeOfDay.Contains(word, StringComparison.OrdinalIgnoreCase))) return light;
        return Day;
    }

    /// <summary>The light as a colour filter: every channel dimmed to the brightness and pulled towards the cast; null in plain daylight.</summary>
    public SKColorFilter? Filter(float extraDimming = 1f)
    {
        var keep = Brightness * extraDimming * (1 - CastStrength);
        if (keep >= 0.999f && CastStrength <= 0) return null;
        var cast = Brightness * extraDimming * CastStrength;
        return SKColorFilter.CreateColorMatrix(
        [
            keep, 0, 0, 0, cast * Cast.Red / 255f,
            0, keep, 0, 0, cast * Cast.Green / 255f,
            0, 0, keep, 0, cast * Cast.Blue / 255f,
            0, 0, 0, 1, 0,
        ]);
    }
}
