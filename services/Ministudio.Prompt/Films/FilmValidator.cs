using System.Text.RegularExpressions;
using Ministudio.ServiceDefaults;

namespace Ministudio.Prompt.Films;

/// <summary>Checks a film spec before anything is stored; field names are the JSON paths a client sent.</summary>
public static partial class FilmValidator
{
    public const int MaxTitleLength = 200;
    public const int MaxActionLength = 1000;
    public const int MaxNarrationLength = 2000;
    public const int MaxCharacters = 16;

    public static IReadOnlyList<FieldError> Validate(FilmSpec spec)
    {
        var errors = new List<FieldError>();
        void Fail(string field, string code, string message) => errors.Add(new FieldError(field, code, message));

        if (string.IsNullOrWhiteSpace(spec.Title))
            Fail("title", "film.title_required", "A title is required.");
        else if (spec.Title.Length > MaxTitleLength)
            Fail("title", "film.title_too_long", $"At most {MaxTitleLength} characters.");

        if (!VideoFormats.TryGetSize(spec.AspectRatio, out _))
            Fail("aspectRatio", "film.aspect_ratio_unsupported",
                $"'{spec.AspectRatio}' is not supported; use one of {string.Join(", ", VideoFormats.AspectRatios)}.");

        if (spec.Provider is not null && !Providers.Known.Contains(spec.Provider))
            Fail("provider", "film.provider_unsupported",
                $"'{spec.Provider}' is not available; use one of {string.Join(", ", Providers.Known)}.");

        if (spec.Style?.Palette is { } palette)
        {
            for (var i = 0; i < palette.Count; i++)
            {
                if (!HexColour().IsMatch(palette[i] ?? ""))
                    Fail($"style.palette[{i}]", "film.palette_colour_invalid", "Colours are written #RRGGBB.");
            }
        }

        var characters = spec.Characters ?? [];
        if (characters.Count > MaxCharacters)
            Fail("characters", "film.characters_too_many", $"At most {MaxCharacters} characters.");
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < characters.Count; i++)
        {
            var name = characters[i]?.Name;
            if (string.IsNullOrWhiteSpace(name))
                Fail($"characters[{i}].name", "film.character_name_required", "Every character needs a name.");
            else if (!names.Add(name))
                Fail($"characters[{i}].name", "film.character_name_duplicate", $"'{name}' is defined twice.");
        }

        var shots = spec.Shots ?? [];
        if (shots.Count == 0)
            Fail("shots", "film.shots_empty", "A film needs at least one shot.");
        else if (shots.Count > VideoFormats.MaxShots)
            Fail("shots", "film.shots_too_many", $"At most {VideoFormats.MaxShots} shots.");

        for (var i = 0; i < shots.Count; i++)
        {
            var shot = shots[i];
            if (shot is null)
            {
                Fail($"shots[{i}]", "film.shot_required", "A shot cannot be null.");
                continue;
            }
            if (string.IsNullOrWhiteSpace(shot.Action))
                Fail($"shots[{i}].action", "film.shot_action_required", "Every shot needs an action.");
            else if (shot.Action.Length > MaxActionLength)
                Fail($"shots[{i}].action", "film.shot_action_too_long", $"At most {MaxActionLength} characters.");
            if (shot.DurationSeconds is < VideoFormats.MinShotSeconds or > VideoFormats.MaxShotSeconds || double.IsNaN(shot.DurationSeconds))
                Fail($"shots[{i}].durationSeconds", "film.shot_duration_out_of_range",
                    $"Between {VideoFormats.MinShotSeconds} and {VideoFormats.MaxShotSeconds} seconds.");
            if (shot.Narration is { Length: > MaxNarrationLength })
                Fail($"shots[{i}].narration", "film.shot_narration_too_long", $"At most {MaxNarrationLength} characters.");
            if (shot.Camera is not null && !CameraMoves.Known.Contains(shot.Camera))
                Fail($"shots[{i}].camera", "film.shot_camera_unsupported",
                    $"'{shot.Camera}' is not a camera move; use one of {string.Join(", ", CameraMoves.Known)}.");
            foreach (var present in shot.Characters ?? [])
            {
                if (!names.Contains(present ?? ""))
                    Fail($"shots[{i}].characters", "film.shot_character_unknown", $"'{present}' is not one of the film's characters.");
            }
        }

        return errors;
    }

    [GeneratedRegex("^#[0-9A-Fa-f]{6}$")]
    private static partial Regex HexColour();
}
