using Ministudio.Prompt.Films;

namespace Ministudio.Prompt.Tests;

public sealed class FilmValidatorTests
{
    [Fact]
    public void A_complete_film_is_valid() => Assert.Empty(FilmValidator.Validate(FilmSamples.ThreeShots()));

    public static TheoryData<string, string, string> Invalid => new()
    {
        { "unknown aspect ratio", "aspectRatio", "film.aspect_ratio_unsupported" },
        { "zero shots", "shots", "film.shots_empty" },
        { "duration over the limit", "shots[1].durationSeconds", "film.shot_duration_out_of_range" },
        { "missing title", "title", "film.title_required" },
        { "unknown provider", "provider", "film.provider_unsupported" },
        { "unknown character in shot", "shots[0].characters", "film.shot_character_unknown" },
        { "duplicate character", "characters[2].name", "film.character_name_duplicate" },
        { "bad palette colour", "style.palette[0]", "film.palette_colour_invalid" },
        { "empty action", "shots[2].action", "film.shot_action_required" },
        { "unknown camera move", "shots[0].camera", "film.shot_camera_unsupported" },
        { "unknown shot type", "shots[0].shotType", "film.shot_type_unknown" },
        { "dialogue by a stranger", "shots[0].dialogue[0].speaker", "film.dialogue_speaker_unknown" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Each_rule_names_its_field_and_code(string broken, string field, string code)
    {
        var film = FilmSamples.ThreeShots();
        var shots = film.Shots!.ToList();
        film = broken switch
        {
            "unknown aspect ratio" => film with { AspectRatio = "4:3" },
            "zero shots" => film with { Shots = [] },
            "duration over the limit" => film with { Shots = [shots[0], shots[1] with { DurationSeconds = VideoFormats.MaxShotSeconds + 1 }, shots[2]] },
            "missing title" => film with { Title = " " },
            "unknown provider" => film with { Provider = "nonesuch" },
            "unknown character in shot" => film with { Shots = [shots[0] with { Characters = ["Nobody"] }, shots[1], shots[2]] },
            "duplicate character" => film with { Characters = [FilmSamples.Mira, FilmSamples.Theo, FilmSamples.Mira] },
            "bad palette colour" => film with { Style = film.Style! with { Palette = ["red"] } },
            "unknown shot type" => film with { Shots = [shots[0] with { ShotType = "XLS" }, shots[1], shots[2]] },
            "dialogue by a stranger" => film with { Shots = [shots[0] with { Dialogue = [new DialogueLine("Nobody", "Hello")] }, shots[1], shots[2]] },
            "empty action" => film with { Shots = [shots[0], shots[1], shots[2] with { Action = "" }] },
            "unknown camera move" => film with { Shots = [shots[0] with { Camera = "barrel-roll" }, shots[1], shots[2]] },
            _ => throw new ArgumentOutOfRangeException(nameof(broken)),
        };

        var error = Assert.Single(FilmValidator.Validate(film));
        Assert.Equal(field, error.Field);
        Assert.Equal(code, error.Code);
    }

    [Fact]
    public void Every_profiled_vendor_is_accepted_for_compiling_and_rendering_unless_it_is_retired()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        foreach (var vendor in VendorProfiles.All.Keys.Where(v => VendorProfiles.Retirement(v, today) is null))
            Assert.Empty(FilmValidator.Validate(FilmSamples.ThreeShots() with { Provider = vendor }));
        Assert.Equal(["sora"], VendorProfiles.All.Keys.Where(v => VendorProfiles.Retirement(v, today) is not null).Order());
    }

    [Fact]
    public void Every_error_is_reported_at_once()
    {
        var film = FilmSamples.ThreeShots() with { Title = null, AspectRatio = "21:9", Shots = [] };
        Assert.Equal(["film.title_required", "film.aspect_ratio_unsupported", "film.shots_empty"], FilmValidator.Validate(film).Select(e => e.Code));
    }

    [Fact]
    public void A_retired_vendor_is_refused_with_the_day_it_went_and_what_to_ask_for()
    {
        var error = Assert.Single(FilmValidator.Validate(FilmSamples.ThreeShots() with { Provider = "sora" }));
        Assert.Equal(("provider", "provider.retired"), (error.Field, error.Code));
        Assert.Contains("2026-09-24", error.Message);
        Assert.Contains("'standard'", error.Message);
    }
}
