namespace Ministudio.Prompt.Films;

/// <summary>A shot's cinematography: its own fields over its profile's, the camera as its provider is told it.</summary>
public sealed record ShotLook(string? ShotType, CompiledCamera Camera, string? Lens, string? Aperture, string? Composition, string? LightingSetup,
    int? Kelvin, string? EvolutionStage, string? Grade);

/// <summary>How a shot looks: its cinematography fields over its profile's, its camera in its provider's words, its grade and where it stands in a style evolution.</summary>
public static class ShotLooks
{
    /// <summary>The shot's cinematography: its fields, else its profile's; the evolution stage of the run it is in.</summary>
    public static ShotLook Of(FilmSpec spec, IReadOnlyList<ShotSpec> shots, int index, string provider)
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
        return new ShotLook(shot.ShotType ?? profile?.ShotType, Cinematography.Camera(move, provider), shot.Lens ?? profile?.Lens,
            shot.Aperture ?? profile?.Aperture, shot.Composition ?? profile?.Composition, shot.LightingSetup ?? profile?.LightingSetup,
            kelvin, stage, shot.Grade ?? spec.Grade);
    }
}
