using Ministudio.Prompt.Films;

namespace Ministudio.Prompt.Tests;

public sealed class PromptCompilerTests
{
    [Fact]
    public void Compiling_is_deterministic()
    {
        var first = PromptCompiler.Compile(FilmSamples.ThreeShots());
        var second = PromptCompiler.Compile(FilmSamples.ThreeShots());
        Assert.Equal(first.Shots.Select(s => s.Prompt), second.Shots.Select(s => s.Prompt));
        Assert.Equal(first.Shots.Select(s => s.Request), second.Shots.Select(s => s.Request), new RequestComparer());
    }

    [Fact]
    public void Sections_come_in_order_and_only_with_content()
    {
        var shots = PromptCompiler.Compile(FilmSamples.ThreeShots()).Shots;
        Assert.Equal(
            """
            CONSISTENCY: Keep every character exactly as described below: same face, hair, eyes, skin and build in every shot.
            CHARACTER Mira: hair short silver bob; eyes green; skin olive; face heart-shaped; build slight; traits freckles, round glasses
            SHOT: slow push-in
            STYLE: watercolor, soft washes, muted light
            ACTION: Mira climbs the spiral stairs
            NARRATION: Every night she climbed to the lamp.
            """.ReplaceLineEndings("\n"),
            shots[0].Prompt);
        Assert.Equal(
            """
            STORY SO FAR: Every night she climbed to the lamp.
            CONSISTENCY: Keep every character exactly as described below: same face, hair, eyes, skin and build in every shot.
            CHARACTER Theo: hair curly black hair; eyes brown; build tall
            SHOT: slow pan to the right
            STYLE: watercolor, soft washes, muted light
            ACTION: Theo waits at the door
            CONTINUITY: Continue seamlessly from the previous shot: same characters, wardrobe, lighting and style.
            """.ReplaceLineEndings("\n"),
            shots[1].Prompt);
        // The local renderer takes the negative prompt as a field, so it is not repeated in the text.
        Assert.Equal("text, watermarks", shots[0].Request.NegativePrompt);
    }

    [Fact]
    public void Only_characters_present_in_a_shot_appear_and_keep_their_slot()
    {
        var shots = PromptCompiler.Compile(FilmSamples.ThreeShots()).Shots;
        Assert.DoesNotContain("Theo", shots[0].Prompt);
        Assert.Equal(["Theo"], shots[1].Request.Characters.Select(c => c.Name));
        Assert.Equal([0, 1], shots[2].Request.Characters.Select(c => c.Slot));
        Assert.Equal(1, shots[1].Request.Characters[0].Slot);
        Assert.Equal(shots[0].Request.Characters[0].Identity, shots[2].Request.Characters[0].Identity);
    }

    [Theory]
    [InlineData("16:9", 1280, 720)]
    [InlineData("9:16", 720, 1280)]
    [InlineData("1:1", 720, 720)]
    public void Requests_carry_the_size_of_the_aspect_ratio(string aspectRatio, int width, int height)
    {
        var request = PromptCompiler.Compile(FilmSamples.ThreeShots() with { AspectRatio = aspectRatio }).Shots[0].Request;
        Assert.Equal((width, height, 24), (request.Width, request.Height, request.Fps));
        Assert.Equal(aspectRatio, request.AspectRatio);
    }

    [Fact]
    public void Shots_get_distinct_seeds_and_a_film_without_seed_gets_a_stable_one()
    {
        var film = FilmSamples.ThreeShots() with { Seed = null };
        var seeds = PromptCompiler.Compile(film).Shots.Select(s => s.Request.Seed).ToList();
        Assert.Equal(seeds.Count, seeds.Distinct().Count());
        Assert.Equal(seeds, PromptCompiler.Compile(film).Shots.Select(s => s.Request.Seed));
        Assert.NotEqual(seeds, PromptCompiler.Compile(film with { Title = "Another film" }).Shots.Select(s => s.Request.Seed));
        var pinned = film with { Shots = [film.Shots![0] with { Seed = 42 }, .. film.Shots.Skip(1)] };
        Assert.Equal(42, PromptCompiler.Compile(pinned).Shots[0].Request.Seed);
    }

    [Fact]
    public void A_location_change_starts_a_new_chain_without_story_context()
    {
        var film = FilmSamples.ThreeShots() with { Environment = new EnvironmentSpec(null, "lighthouse stairwell", null, null, null, null, null, null, null) };
        var outside = new EnvironmentSpec(null, "rocky shore", ["the lighthouse"], null, null, "storm light", "rain", "night", null);
        film = film with { Shots = [film.Shots![0], film.Shots[1], film.Shots[2] with { Environment = outside }] };

        var shots = PromptCompiler.Compile(film).Shots;
        Assert.Equal([0, 0, 1], shots.Select(s => s.Chain));
        Assert.Contains("CONTINUITY:", shots[1].Prompt);
        Assert.DoesNotContain("CONTINUITY:", shots[2].Prompt);
        Assert.DoesNotContain("STORY SO FAR:", shots[2].Prompt);
        Assert.Contains("ENVIRONMENT: rocky shore; always visible: the lighthouse", shots[2].Prompt);
        Assert.Contains("LIGHTING: storm light, night, rain", shots[2].Prompt);
    }

    [Fact]
    public void Scenes_stand_for_their_shots_with_the_scene_environment()
    {
        var stairs = new EnvironmentSpec(null, "stairwell", null, null, null, null, null, null, null);
        var shore = new EnvironmentSpec(null, "rocky shore", null, null, null, null, null, null, null);
        var film = FilmSamples.ThreeShots() with
        {
            Shots = null,
            Scenes =
            [
                new SceneSpec(stairs, [FilmSamples.Shot("Mira climbs", 2), FilmSamples.Shot("Theo waits", 2)]),
                new SceneSpec(shore, [FilmSamples.Shot("Waves crash", 2, characters: []), FilmSamples.Shot("Lamp on the cliff", 2, characters: []) with { Environment = stairs }]),
            ],
        };
        var (flat, errors) = Scenes.Flatten(film);
        Assert.Empty(errors);
        Assert.Equal(["stairwell", "stairwell", "rocky shore", "stairwell"], flat.Shots!.Select(s => s.Environment!.Location));
        Assert.Equal([0, 0, 1, 2], PromptCompiler.Compile(flat).Shots.Select(s => s.Chain));
        Assert.Equal("film.shots_and_scenes", Assert.Single(Scenes.Flatten(film with { Shots = [FilmSamples.Shot("x", 1)] }).Errors).Code);
    }

    [Fact]
    public void A_shot_can_opt_out_of_continuity()
    {
        var film = FilmSamples.ThreeShots();
        film = film with { Shots = [film.Shots![0], film.Shots[1] with { Continuity = false }, film.Shots[2]] };
        var shots = PromptCompiler.Compile(film).Shots;
        Assert.Equal([0, 1, 1], shots.Select(s => s.Chain));
        Assert.DoesNotContain("STORY SO FAR:", shots[1].Prompt);
    }

    [Fact]
    public void Vendors_get_durations_they_make_and_say_so()
    {
        var film = FilmSamples.ThreeShots() with { Provider = "veo" };
        var compiled = PromptCompiler.Compile(film);
        Assert.Equal([4.0, 4.0, 4.0], compiled.Shots.Select(s => s.Request.DurationSeconds));
        Assert.Equal(["duration.snapped", "duration.snapped"], compiled.Warnings.Select(w => w.Code));
        Assert.Equal([0, 1], compiled.Warnings.Select(w => w.Shot));
        Assert.Contains("3 s became 4 s", compiled.Warnings[0].Message);
    }

    [Fact]
    public void Vendors_without_a_negative_field_get_it_in_the_text()
    {
        var shot = PromptCompiler.Compile(FilmSamples.ThreeShots() with { Provider = "runway" }).Shots[0];
        Assert.Null(shot.Request.NegativePrompt);
        Assert.EndsWith("AVOID: text, watermarks", shot.Prompt);
    }

    [Fact]
    public void Too_long_prompts_lose_their_least_important_sections_never_the_action()
    {
        var longTraits = Enumerable.Range(0, 60).Select(i => $"an elaborate stylistic trait number {i}").ToList();
        var film = FilmSamples.ThreeShots() with { Provider = "runway", Style = new StyleSpec(null, "baroque", longTraits, null, null, "blur") };
        var compiled = PromptCompiler.Compile(film);

        Assert.All(compiled.Shots, s => Assert.True(s.Prompt.Length <= 1000, $"{s.Prompt.Length} characters"));
        Assert.All(compiled.Shots, s => Assert.Contains("ACTION: ", s.Prompt));
        Assert.All(compiled.Shots, s => Assert.Contains("CHARACTER ", s.Prompt));
        var trimmed = compiled.Warnings.First(w => w.Code == "prompt.trimmed");
        Assert.Contains("STYLE", trimmed.Message);
    }

    [Fact]
    public void Dialogue_names_the_speaker_and_their_voice()
    {
        var mira = FilmSamples.Mira with { Voice = new VoiceSpec("en-GB-mira", "warm, low") };
        var film = FilmSamples.ThreeShots() with
        {
            Characters = [mira, FilmSamples.Theo],
            Shots = [FilmSamples.ThreeShots().Shots![0] with { Dialogue = [new DialogueLine("Mira", "The lamp is lit.")] }],
        };
        Assert.Contains("DIALOGUE: Mira (warm, low, voice en-GB-mira): \"The lamp is lit.\"", PromptCompiler.Compile(film).Shots[0].Prompt);
    }

    [Fact]
    public void Built_in_style_packs_are_data_with_palettes()
    {
        Assert.Superset(new HashSet<string>(["cinematic", "watercolor", "cyberpunk", "realistic", "documentary", "anime"]), StylePacks.BuiltIn.Keys.ToHashSet());
        Assert.All(StylePacks.BuiltIn.Values, pack =>
        {
            Assert.NotEmpty(pack.Traits!);
            Assert.Equal(4, pack.Palette!.Count);
            Assert.False(string.IsNullOrWhiteSpace(pack.NegativePrompt));
        });
        var derived = StylePacks.PaletteOf(new StyleSpec(null, "my house style", null, null, null, null));
        Assert.All(derived, colour => Assert.Matches("^#[0-9A-F]{6}$", colour));
        Assert.Equal(derived, StylePacks.PaletteOf(new StyleSpec(null, "my house style", null, null, null, null)));
    }

    private sealed class RequestComparer : IEqualityComparer<Contracts.ShotRequest>
    {
        public bool Equals(Contracts.ShotRequest? x, Contracts.ShotRequest? y) =>
            System.Text.Json.JsonSerializer.Serialize(x) == System.Text.Json.JsonSerializer.Serialize(y);

        public int GetHashCode(Contracts.ShotRequest obj) => System.Text.Json.JsonSerializer.Serialize(obj).GetHashCode();
    }

    [Fact]
    public void Veo_shots_with_reference_images_are_8_seconds()
    {
        var film = FilmSamples.ThreeShots() with { Provider = "veo", Characters = [FilmSamples.Mira with { ReferenceImages = [new string('a', 64)] }, FilmSamples.Theo] };
        var compiled = PromptCompiler.Compile(film);
        // Shot 0 carries Mira's reference (8 s only); shot 1 has no references (4 s); shot 2 continues shot 1 on its last frame.
        Assert.Equal([8.0, 4.0, 4.0], compiled.Shots.Select(s => s.Request.DurationSeconds));
        Assert.Contains("makes 8 s clips: 3 s became 8 s", compiled.Warnings[0].Message);
    }

    [Fact]
    public void A_model_retiring_within_30_days_is_a_warning_with_its_date_and_replacement()
    {
        var film = FilmSamples.ThreeShots() with { Provider = "sora" };
        var soon = PromptCompiler.Compile(film, today: new DateOnly(2026, 9, 1));
        var warning = Assert.Single(soon.Warnings, w => w is { Shot: 0, Code: "provider.retiring" });
        Assert.Contains("2026-09-24", warning.Message);
        Assert.Contains("'standard'", warning.Message);
        Assert.DoesNotContain(PromptCompiler.Compile(film, today: new DateOnly(2026, 8, 1)).Warnings, w => w.Code == "provider.retiring");
    }
}
