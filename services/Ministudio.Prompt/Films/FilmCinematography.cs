using Ministudio.Contracts;
using Ministudio.Platform;

namespace Ministudio.Prompt.Films;

/// <summary>Checks a shot's cinematography, grade, evolution and state changes against the catalogue (<see cref="Cinematography"/>, <see cref="ColourGrades"/>).</summary>
public static class FilmCinematography
{
    public static void Validate(ShotSpec shot, string at, List<FieldError> errors)
    {
        var catalogue = Cinematography.Catalogue;
        Check(shot.Profile, catalogue.Profiles.Keys, $"{at}.profile", "film.shot_profile_unknown", "a cinematography profile", errors);
        if (shot.ShotType is not null && !catalogue.ShotTypes.ContainsKey(shot.ShotType))
            errors.Add(new($"{at}.shotType", "film.shot_type_unknown", $"'{shot.ShotType}' is not a shot type; use one of {string.Join(", ", catalogue.ShotTypes.Keys)}."));
        Check(shot.Camera, catalogue.CameraMoves.Keys, $"{at}.camera", "film.shot_camera_unsupported", "a camera move", errors);
        Check(shot.Aperture, catalogue.Apertures.Keys, $"{at}.aperture", "film.shot_aperture_unknown", "an aperture", errors);
        Check(shot.Composition, catalogue.Compositions.Keys, $"{at}.composition", "film.shot_composition_unknown", "a composition", errors);
        Check(shot.LightingSetup, catalogue.LightingSetups.Keys, $"{at}.lightingSetup", "film.shot_lighting_setup_unknown", "a lighting setup", errors);
        Check(shot.Evolution, catalogue.Evolutions.Keys, $"{at}.evolution", "film.shot_evolution_unknown", "a style evolution", errors);
        CheckGrade(shot.Grade, $"{at}.grade", errors);
        if (shot.ColourTemperature is { } kelvin && kelvin is < Cinematography.MinKelvin or > Cinematography.MaxKelvin)
            errors.Add(new($"{at}.colourTemperature", "film.shot_colour_temperature_out_of_range",
                $"A colour temperature is {Cinematography.MinKelvin} to {Cinematography.MaxKelvin} kelvin (3200 tungsten, 5600 daylight)."));
        FilmValidator.CheckText(shot.Lens, $"{at}.lens", errors);
        FilmValidator.CheckText(shot.Lighting, $"{at}.lighting", errors);
    }

    public static void CheckGrade(string? grade, string field, List<FieldError> errors) =>
        Check(grade, ColourGrades.All.Keys, field, "film.grade_unknown", "a colour grade", errors);

    /// <summary>A state change names characters of the film and changes something.</summary>
    public static void ValidateState(StateChange? change, string at, IReadOnlySet<string> characters, List<FieldError> errors)
    {
        if (change is null) return;
        var changes = change.Characters ?? [];
        for (var i = 0; i < changes.Count; i++)
        {
            var field = $"{at}.characters[{i}]";
            if (changes[i] is not { } character || !characters.Contains(character.Name?.Trim() ?? ""))
                errors.Add(new($"{field}.name", "film.state_character_unknown", $"'{changes[i]?.Name}' is not one of the film's characters."));
            else if (character.State is not { } state || (state.Clothing ?? state.Equipment ?? state.Emotion ?? state.Posture) is null)
                errors.Add(new($"{field}.state", "film.state_change_empty", "A state change names at least one of clothing, equipment, emotion, posture."));
            else
                foreach (var (name, text) in new[] { ("clothing", state.Clothing), ("equipment", state.Equipment), ("emotion", state.Emotion), ("posture", state.Posture) })
                    FilmValidator.CheckText(text, $"{field}.state.{name}", errors);
        }
        if (change.Environment is { } environment)
        {
            if ((environment.TimeOfDay ?? environment.Weather ?? environment.Lighting) is null)
                errors.Add(new($"{at}.environment", "film.state_change_empty", "An environment change names at least one of timeOfDay, weather, lighting."));
            FilmValidator.CheckText(environment.TimeOfDay, $"{at}.environment.timeOfDay", errors);
            FilmValidator.CheckText(environment.Weather, $"{at}.environment.weather", errors);
            FilmValidator.CheckText(environment.Lighting, $"{at}.environment.lighting", errors);
        }
    }

    private static void Check(string? value, IEnumerable<string> known, string field, string code, string what, List<FieldError> errors)
    {
        if (value is null || known.Contains(value, StringComparer.Ordinal)) return;
        errors.Add(new(field, code, $"'{value}' is not {what}; use one of {string.Join(", ", known)}."));
    }
}
