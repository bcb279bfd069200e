using Ministudio.Platform;

namespace Ministudio.Prompt.Films;

/// <summary>Scenes are a way of writing a film; the compiler works on the flat list of shots they stand for.</summary>
public static class Scenes
{
    /// <summary>
    /// Shots of all scenes in order, each taking its scene's environment, grade and evolution unless it names its own;
    /// a scene's state change happens with its first shot (the shot's own changes on top). A scene with dialogue
    /// coverage has each dialogue shot expanded (<see cref="DialogueCoverage"/>).
    /// </summary>
    public static (FilmSpec Film, IReadOnlyList<FieldError> Errors) Flatten(FilmSpec spec)
    {
        if (spec.Scenes is null) return (spec, []);
        if (spec.Shots is not null)
            return (spec, [new FieldError("scenes", "film.shots_and_scenes", "Give either shots or scenes, not both.")]);

        var errors = spec.Scenes
            .Select((scene, i) => (scene, i))
            .Where(s => s.scene?.Coverage is not (null or DialogueCoverage.Name))
            .Select(s => new FieldError($"scenes[{s.i}].coverage", "film.scene_coverage_unknown", $"'{s.scene.Coverage}' is not a coverage; use {DialogueCoverage.Name}."))
            .ToList();
        if (errors.Count > 0) return (spec, errors);

        var shots = spec.Scenes
            .Where(scene => scene is not null)
            .SelectMany(scene => (scene.Shots ?? []).Select((shot, i) => shot is null ? shot! : shot with
            {
                Environment = shot.Environment ?? scene.Environment,
                Grade = shot.Grade ?? scene.Grade,
                Evolution = shot.Evolution ?? scene.Evolution,
                State = i == 0 ? Merge(scene.State, shot.State) : shot.State,
            }).SelectMany(shot => scene.Coverage == DialogueCoverage.Name && shot is not null ? DialogueCoverage.Expand(shot, spec.Characters ?? []) : [shot!]))
            .ToList();
        return (spec with { Shots = shots, Scenes = null }, []);
    }

    private static StateChange? Merge(StateChange? scene, StateChange? shot) =>
        scene is null ? shot
        : shot is null ? scene
        : new StateChange(
            [.. scene.Characters ?? [], .. shot.Characters ?? []],
            scene.Environment is null ? shot.Environment
            : shot.Environment is null ? scene.Environment
            : new EnvironmentState(shot.Environment.TimeOfDay ?? scene.Environment.TimeOfDay, shot.Environment.Weather ?? scene.Environment.Weather,
                shot.Environment.Lighting ?? scene.Environment.Lighting));
}
