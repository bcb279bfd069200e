using Ministudio.Platform;

namespace Ministudio.Prompt.Films;

/// <summary>Scenes are a way of writing a film; the compiler works on the flat list of shots they stand for.</summary>
public static class Scenes
{
    /// <summary>Shots of all scenes in order, each taking its scene's environment unless it names its own.</summary>
    public static (FilmSpec Film, IReadOnlyList<FieldError> Errors) Flatten(FilmSpec spec)
    {
        if (spec.Scenes is null) return (spec, []);
        if (spec.Shots is not null)
            return (spec, [new FieldError("scenes", "film.shots_and_scenes", "Give either shots or scenes, not both.")]);

        var shots = spec.Scenes
            .Where(scene => scene is not null)
            .SelectMany(scene => (scene.Shots ?? []).Select(shot => shot is null ? shot! : shot with { Environment = shot.Environment ?? scene.Environment }))
            .ToList();
        return (spec with { Shots = shots, Scenes = null }, []);
    }
}
