using System.Text;
using Ministudio.Platform;
using Ministudio.Prompt.Films;
using Ministudio.TestSupport;

namespace Ministudio.Prompt.Tests;

/// <summary>State that changes shot by shot, cinematography in each provider's vocabulary, long shots in parts.</summary>
public sealed class StatefulCompilerTests
{
    private static FilmSpec Film(params ShotSpec[] shots) => FilmSamples.ThreeShots() with
    {
        Characters = [FilmSamples.Mira with { State = new CharacterState("yellow raincoat", "lantern", "tired", null) }, FilmSamples.Theo],
        Environment = new EnvironmentSpec(null, "the lamp room", null, null, null, null, "clear", "dusk", null),
        Shots = shots,
    };

    private static ShotSpec Shot(string action, double seconds = 3, StateChange? state = null, bool? continuity = null, string? provider = null) =>
        FilmSamples.Shot(action, seconds, camera: "static", characters: ["Mira"]) with { State = state, Continuity = continuity, Provider = provider };

    private static StateChange Wearing(string clothing) => new([new CharacterStateChange("Mira", new CharacterState(clothing, null, null, null))], null);

    [Fact]
    public void A_state_change_holds_for_the_following_shots_until_changed_again()
    {
        var film = PromptCompiler.Compile(Film(
            Shot("Mira climbs"),
            Shot("Mira takes off her coat", state: Wearing("grey jumper")),
            Shot("Mira lights the lamp", continuity: false),
            Shot("Mira puts the coat back on", state: Wearing("yellow raincoat"))));

        Assert.Contains("STATE Mira: wearing yellow raincoat; carrying lantern; emotion tired", film.Shots[0].Prompt);
        Assert.Contains("STATE Mira: wearing grey jumper; carrying lantern; emotion tired", film.Shots[1].Prompt);
        Assert.Contains("STATE Mira: wearing grey jumper;", film.Shots[2].Prompt);
        Assert.Contains("STATE Mira: wearing yellow raincoat;", film.Shots[3].Prompt);
        Assert.Equal(["yellow raincoat", "grey jumper", "grey jumper", "yellow raincoat"], film.Shots.Select(s => s.State.Characters.Single().State.Clothing));
        // Inside a chain the change is allowed and said; the shot after it continues without one.
        Assert.Contains("CONTINUITY: Continue seamlessly from the previous shot: same characters, wardrobe, lighting and style, except what changes in this shot: " +
                        "Mira wearing grey jumper (was yellow raincoat).", film.Shots[1].Prompt);
        Assert.DoesNotContain("CONTINUITY", film.Shots[2].Prompt);
        Assert.Contains("Mira wearing yellow raincoat (was grey jumper)", film.Shots[3].Prompt);
    }

    [Fact]
    public void An_environment_change_sets_time_of_day_weather_and_lighting_from_its_shot_on()
    {
        var night = new StateChange(null, new EnvironmentState("night", "storm", null));
        var film = PromptCompiler.Compile(Film(Shot("Mira climbs"), Shot("The storm breaks", state: night), Shot("Mira waits")));
        Assert.Contains("LIGHTING: dusk, clear", film.Shots[0].Prompt);
        Assert.Contains("LIGHTING: night, storm", film.Shots[1].Prompt);
        Assert.Contains("LIGHTING: night, storm", film.Shots[2].Prompt);
        Assert.Contains("except what changes in this shot: time of day night (was dusk); weather storm (was clear).", film.Shots[1].Prompt);
        Assert.Equal("night", film.Shots[2].State.Environment.TimeOfDay);
    }

    [Fact]
    public void A_scene_state_change_happens_with_its_first_shot()
    {
        var spec = Film() with
        {
            Shots = null,
            Scenes =
            [
                new SceneSpec(null, [Shot("Mira climbs"), Shot("Mira waits")]),
                new SceneSpec(null, [Shot("Mira on the gallery"), Shot("Mira looks out")], Wearing("oilskin"), "noir", "tension-build"),
            ],
        };
        var (flat, errors) = Scenes.Flatten(spec);
        Assert.Empty(errors);
        var film = PromptCompiler.Compile(flat);
        Assert.Equal(["yellow raincoat", "yellow raincoat", "oilskin", "oilskin"], film.Shots.Select(s => s.State.Characters.Single().State.Clothing));
        Assert.Contains("black-and-white noir grade", film.Shots[2].Prompt);
        Assert.Contains("calm, even light (tension-build, shot 1 of 2)", film.Shots[2].Prompt);
        Assert.Contains("stark low-key light, maximum tension (tension-build, shot 2 of 2)", film.Shots[3].Prompt);
    }

    [Fact]
    public void Dialogue_coverage_makes_a_two_shot_and_an_over_the_shoulder_shot_per_line_framing_the_speaker()
    {
        var talk = FilmSamples.Shot("They talk by the lens", 9, characters: ["Mira", "Theo"]) with
            { Dialogue = [new DialogueLine("Theo", "Did you see it?"), new DialogueLine("Mira", "I did.")] };
        var (flat, errors) = Scenes.Flatten(Film() with { Shots = null, Scenes = [new SceneSpec(null, [talk], Coverage: "dialogue")] });
        Assert.Empty(errors);
        var shots = flat.Shots!;
        Assert.Equal(["TWO", "OTS", "OTS"], shots.Select(s => s.ShotType));
        Assert.Equal([3.0, 3.0, 3.0], shots.Select(s => s.DurationSeconds));
        Assert.Null(shots[0].Dialogue);
        Assert.Equal(["Theo", "Mira"], shots.Skip(1).Select(s => s.Dialogue!.Single().Speaker));
        Assert.StartsWith("Theo speaks, framed facing the camera over Mira's shoulder.", shots[1].Action);
        Assert.StartsWith("Mira speaks, framed facing the camera over Theo's shoulder.", shots[2].Action);
        Assert.All(shots.Skip(1), s => Assert.Equal((false, "cut"), (s.Continuity, s.Transition!.Type)));
        var compiled = PromptCompiler.Compile(flat);
        Assert.Contains("SHOT: over-the-shoulder shot", compiled.Shots[1].Prompt);
        Assert.Contains("DIALOGUE: Theo: \"Did you see it?\"", compiled.Shots[1].Prompt);

        var (_, unknown) = Scenes.Flatten(Film() with { Shots = null, Scenes = [new SceneSpec(null, [talk], Coverage: "action")] });
        Assert.Equal("scenes[0].coverage film.scene_coverage_unknown", $"{unknown.Single().Field} {unknown.Single().Code}");
    }

    [Fact]
    public void A_shot_longer_than_its_provider_makes_is_made_in_chained_parts_with_one_seed()
    {
        var film = PromptCompiler.Compile(Film(Shot("Mira climbs", 3), Shot("The long watch", 20, provider: "veo")), new DateOnly(2026, 12, 2));
        var parts = film.Shots.Where(s => s.Shot == 1).ToList();
        Assert.Equal([8.0, 8.0, 4.0], parts.Select(p => p.Request.DurationSeconds));
        Assert.Equal([1, 2, 3], parts.Select(p => p.Part));
        Assert.All(parts, p => Assert.Equal(3, p.Parts));
        Assert.Single(parts.Select(p => p.Request.Seed).Distinct());
        Assert.Single(parts.Select(p => p.Chain).Distinct());
        Assert.Contains("Part 2 of 3 of one continuous shot", parts[1].Prompt);
        Assert.Contains(film.Warnings, w => w is { Shot: 1, Code: "shot.split" } && w.Message.Contains("8 + 8 + 4", StringComparison.Ordinal));
        Assert.Equal([0, 1, 2, 3], film.Shots.Select(s => s.Index));
    }

    [Fact]
    public void A_long_shot_on_a_renderer_without_fixed_lengths_is_split_evenly()
    {
        var film = PromptCompiler.Compile(Film(Shot("The long watch", 61, provider: "mock")));
        Assert.Equal([30.5, 30.5], film.Shots.Select(p => p.Request.DurationSeconds));
    }

    [Fact]
    public void The_score_of_a_long_shot_gives_its_lines_to_the_first_part_and_joins_the_others_with_a_cut()
    {
        var spec = Film(Shot("Mira climbs") with { Narration = "She climbed." }, Shot("The long watch", 20, provider: "veo") with { Narration = "She watched.", Grade = "cool-modern" });
        var film = PromptCompiler.Compile(spec);
        var score = FilmScores.ScoreOf(spec, film.Shots.Select(s => (s.Shot, s.Part)).ToList());
        Assert.Equal(4, score.Shots.Count);
        Assert.Equal("She watched.", score.Shots[1].Lines.Single().Text);
        Assert.NotNull(score.Shots[1].Transition);
        Assert.All(score.Shots.Skip(2), s => Assert.True(s is { Continues: true, Transition: null, Lines.Count: 0, Grade: "cool-modern" }));
    }

    [Theory]
    [InlineData("profile", "film.shot_profile_unknown")]
    [InlineData("aperture", "film.shot_aperture_unknown")]
    [InlineData("composition", "film.shot_composition_unknown")]
    [InlineData("lightingSetup", "film.shot_lighting_setup_unknown")]
    [InlineData("camera", "film.shot_camera_unsupported")]
    [InlineData("grade", "film.grade_unknown")]
    [InlineData("evolution", "film.shot_evolution_unknown")]
    public void Unknown_cinematography_is_a_field_error_with_a_stable_code(string field, string code)
    {
        var shot = Shot("Mira climbs");
        shot = field switch
        {
            "profile" => shot with { Profile = "wes-anderson" },
            "aperture" => shot with { Aperture = "f/0.7" },
            "composition" => shot with { Composition = "chaos" },
            "lightingSetup" => shot with { LightingSetup = "disco" },
            "camera" => shot with { Camera = "barrel-roll" },
            "grade" => shot with { Grade = "sepia-ish" },
            _ => shot with { Evolution = "sunrise-to-sunset" },
        };
        var error = Assert.Single(FilmValidator.Validate(Film(shot)));
        Assert.Equal(new FieldError($"shots[0].{field}", code, error.Message), error);
    }

    [Fact]
    public void State_changes_name_film_characters_and_change_something()
    {
        var errors = FilmValidator.Validate(Film(
            Shot("a", state: new StateChange([new CharacterStateChange("Nobody", new CharacterState("hat", null, null, null))], null)),
            Shot("b", state: new StateChange([new CharacterStateChange("Mira", new CharacterState(null, null, null, null))], new EnvironmentState(null, null, null))),
            Shot("c") with { ColourTemperature = 90000 }));
        Assert.Equal(["shots[0].state.characters[0].name film.state_character_unknown", "shots[1].state.characters[0].state film.state_change_empty",
            "shots[1].state.environment film.state_change_empty", "shots[2].colourTemperature film.shot_colour_temperature_out_of_range"],
            errors.Select(e => $"{e.Field} {e.Code}"));
    }

    [Fact]
    public void Every_vendor_profile_has_a_camera_vocabulary_that_covers_every_move()
    {
        var catalogue = Cinematography.Catalogue;
        Assert.Equal(10, catalogue.Profiles.Count);
        foreach (var vocabulary in catalogue.Vocabularies.Values)
        {
            Assert.All(vocabulary.Vendors, v => Assert.Contains(v, VendorProfiles.All.Keys));
            Assert.All(vocabulary.Moves.Keys.Concat(vocabulary.Mapped.Keys), m => Assert.Contains(m, catalogue.CameraMoves.Keys));
            Assert.All(vocabulary.Mapped.Values, m => Assert.Contains(m, vocabulary.Moves.Keys));
        }
        foreach (var profile in catalogue.Profiles.Values)
        {
            Assert.Contains(profile.Camera!, catalogue.CameraMoves.Keys);
            Assert.Contains(profile.ShotType!, catalogue.ShotTypes.Keys);
            Assert.Contains(profile.Lens!, catalogue.Lenses.Keys);
            Assert.Contains(profile.Aperture!, catalogue.Apertures.Keys);
            Assert.Contains(profile.Composition!, catalogue.Compositions.Keys);
            Assert.Contains(profile.LightingSetup!, catalogue.LightingSetups.Keys);
        }
    }

    /// <summary>
    /// samples/golden/camera-moves.txt: every camera move for every provider profile, as its request names it, the
    /// words its prompt says, and the warning when it is mapped or refused. Regenerate with UPDATE_GOLDEN=1.
    /// </summary>
    [Fact]
    public async Task Every_camera_move_compiles_in_every_provider_profile_to_its_golden()
    {
        var moves = Cinematography.Catalogue.CameraMoves.Keys.ToList();
        var text = new StringBuilder();
        foreach (var provider in VendorProfiles.All.Keys.Order(StringComparer.Ordinal))
        {
            text.AppendLine($"## {provider} ({Cinematography.VocabularyFor(provider).About})");
            var spec = Film([.. moves.Select(move => FilmSamples.Shot($"the {move} shot", 4, camera: move, characters: []) with { Continuity = false })]) with
                { Provider = provider, Environment = null };
            var film = PromptCompiler.Compile(spec, new DateOnly(2026, 12, 2));
            foreach (var shot in film.Shots)
            {
                var words = shot.Prompt.Split('\n').FirstOrDefault(l => l.StartsWith("SHOT: ", StringComparison.Ordinal))?["SHOT: ".Length..] ?? "(none)";
                var warning = film.Warnings.FirstOrDefault(w => w.Shot == shot.Index && w.Code.StartsWith("camera.", StringComparison.Ordinal));
                text.AppendLine($"{moves[shot.Shot]} -> {shot.Request.CameraMove}: {words}{(warning is null ? "" : $"  [{warning.Code}: {warning.Message}]")}");
            }
            text.AppendLine();
        }
        var actual = text.ToString().ReplaceLineEndings("\n");
        var golden = Path.Combine(Repository.Root, "samples", "golden", "camera-moves.txt");
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1") await File.WriteAllTextAsync(golden, actual, TestContext.Current.CancellationToken);
        Assert.Equal(await File.ReadAllTextAsync(golden, TestContext.Current.CancellationToken), actual);
    }
}
