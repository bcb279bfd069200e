using System.Text.RegularExpressions;
using Ministudio.Platform;

namespace Ministudio.Prompt.Films;

/// <summary>Checks specs before anything is stored or compiled; field names are the JSON paths a client sent.</summary>
public static partial class FilmValidator
{
    public const int MaxTitleLength = 200;
    public const int MaxActionLength = 1000;
    public const int MaxTextLength = 2000;
    public const int MaxCharacters = 16;

    /// <summary>A library-resolved film; every provider it may name can be compiled for and rendered.</summary>
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

        CheckProvider(spec.Provider, "provider", errors);
        FilmCinematography.CheckGrade(spec.Grade, "grade", errors);
        if (spec.Style is not null) errors.AddRange(ValidateStyle(spec.Style, "style.", requireName: false));
        if (spec.Environment is not null) errors.AddRange(ValidateEnvironment(spec.Environment, "environment.", requireLocation: false));

        var characters = spec.Characters ?? [];
        if (characters.Count > MaxCharacters)
            Fail("characters", "film.characters_too_many", $"At most {MaxCharacters} characters.");
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < characters.Count; i++)
        {
            if (characters[i] is not { } character)
            {
                Fail($"characters[{i}]", "film.character_required", "A character cannot be null.");
                continue;
            }
            errors.AddRange(ValidateCharacter(character, $"characters[{i}]."));
            if (!string.IsNullOrWhiteSpace(character.Name) && !names.Add(character.Name.Trim()))
                Fail($"characters[{i}].name", "film.character_name_duplicate", $"'{character.Name}' is defined twice.");
        }

        var shots = spec.Shots ?? [];
        if (shots.Count == 0)
            Fail("shots", "film.shots_empty", "A film needs at least one shot.");
        else if (shots.Count > VideoFormats.MaxShots)
            Fail("shots", "film.shots_too_many", $"At most {VideoFormats.MaxShots} shots.");

        var totalSeconds = shots.Sum(shot => shot is null || double.IsNaN(shot.DurationSeconds) ? 0 : shot.DurationSeconds);
        if (totalSeconds > VideoFormats.MaxFilmSeconds)
            Fail("shots", "film.duration_too_long", $"At most {VideoFormats.MaxFilmSeconds} seconds in all; the shots add up to {totalSeconds}.");

        for (var i = 0; i < shots.Count; i++)
        {
            if (shots[i] is not { } shot)
            {
                Fail($"shots[{i}]", "film.shot_required", "A shot cannot be null.");
                continue;
            }
            var at = $"shots[{i}]";
            if (string.IsNullOrWhiteSpace(shot.Action))
                Fail($"{at}.action", "film.shot_action_required", "Every shot needs an action.");
            else if (shot.Action.Length > MaxActionLength)
                Fail($"{at}.action", "film.shot_action_too_long", $"At most {MaxActionLength} characters.");
            if (shot.DurationSeconds is < VideoFormats.MinShotSeconds or > VideoFormats.MaxShotSeconds || double.IsNaN(shot.DurationSeconds))
                Fail($"{at}.durationSeconds", "film.shot_duration_out_of_range",
                    $"Between {VideoFormats.MinShotSeconds} and {VideoFormats.MaxShotSeconds} seconds.");
            FilmCinematography.Validate(shot, at, errors);
            FilmCinematography.ValidateState(shot.State, $"{at}.state", names, errors);
            CheckText(shot.Narration, $"{at}.narration", errors);
            CheckText(shot.ActingNotes, $"{at}.actingNotes", errors);
            CheckText(shot.Lens, $"{at}.lens", errors);
            CheckText(shot.Lighting, $"{at}.lighting", errors);
            CheckProvider(shot.Provider, $"{at}.provider", errors);
            if (shot.Environment is not null) errors.AddRange(ValidateEnvironment(shot.Environment, $"{at}.environment.", requireLocation: false));
            foreach (var present in shot.Characters ?? [])
            {
                if (!names.Contains(present ?? ""))
                    Fail($"{at}.characters", "film.shot_character_unknown", $"'{present}' is not one of the film's characters.");
            }
            var dialogue = shot.Dialogue ?? [];
            for (var d = 0; d < dialogue.Count; d++)
            {
                if (!names.Contains(dialogue[d]?.Speaker ?? ""))
                    Fail($"{at}.dialogue[{d}].speaker", "film.dialogue_speaker_unknown", $"'{dialogue[d]?.Speaker}' is not one of the film's characters.");
                if (string.IsNullOrWhiteSpace(dialogue[d]?.Line))
                    Fail($"{at}.dialogue[{d}].line", "film.dialogue_line_required", "A dialogue line needs words.");
                CheckText(dialogue[d]?.Line, $"{at}.dialogue[{d}].line", errors);
            }
        }
        errors.AddRange(FilmScores.Validate(spec));
        return errors;
    }

    public static IReadOnlyList<FieldError> ValidateCharacter(CharacterSpec character, string at)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(character.Name))
            errors.Add(new($"{at}name", "film.character_name_required", "Every character needs a name."));
        else if (character.Name.Length > MaxTitleLength)
            errors.Add(new($"{at}name", "film.character_name_too_long", $"At most {MaxTitleLength} characters."));
        CheckText(character.MotionNotes, $"{at}motionNotes", errors);
        return errors;
    }

    public static IReadOnlyList<FieldError> ValidateEnvironment(EnvironmentSpec environment, string at, bool requireLocation)
    {
        var errors = new List<FieldError>();
        if (requireLocation && string.IsNullOrWhiteSpace(environment.Location))
            errors.Add(new($"{at}location", "film.environment_location_required", "An environment needs a location."));
        CheckText(environment.Location, $"{at}location", errors);
        CheckPalette(environment.Palette, $"{at}palette", errors);
        return errors;
    }

    public static IReadOnlyList<FieldError> ValidateStyle(StyleSpec style, string at, bool requireName)
    {
        var errors = new List<FieldError>();
        if (requireName && string.IsNullOrWhiteSpace(style.Name))
            errors.Add(new($"{at}name", "film.style_name_required", "A style needs a name."));
        CheckText(style.NegativePrompt, $"{at}negativePrompt", errors);
        CheckPalette(style.Palette, $"{at}palette", errors);
        return errors;
    }

    private static void CheckProvider(string? provider, string field, List<FieldError> errors)
    {
        if (provider is not null && !VendorProfiles.All.ContainsKey(provider))
            errors.Add(new(field, "film.provider_unsupported", $"'{provider}' is not a provider; use one of {string.Join(", ", VendorProfiles.All.Keys)}."));
        else if (provider is not null && VendorProfiles.Retirement(provider, DateOnly.FromDateTime(DateTime.UtcNow)) is var (retiredOn, replacement))
            errors.Add(new(field, "provider.retired",
                $"{provider} was retired on {retiredOn:yyyy-MM-dd}{(replacement is null ? "" : $"; ask for '{replacement}' instead")}."));
    }

    internal static void CheckText(string? text, string field, List<FieldError> errors)
    {
        if (text is { Length: > MaxTextLength }) errors.Add(new(field, "film.text_too_long", $"At most {MaxTextLength} characters."));
    }

    private static void CheckPalette(IReadOnlyList<string>? palette, string field, List<FieldError> errors)
    {
        for (var i = 0; i < (palette?.Count ?? 0); i++)
        {
            if (!HexColour().IsMatch(palette![i] ?? ""))
                errors.Add(new($"{field}[{i}]", "film.palette_colour_invalid", "Colours are written #RRGGBB."));
        }
    }

    [GeneratedRegex("^#[0-9A-Fa-f]{6}$")]
    private static partial Regex HexColour();
}
