using Ministudio.Prompt.Films;

namespace Ministudio.Prompt.Tests;

public sealed class PromptCompilerTests
{
    [Fact]
    public void Compiling_is_deterministic()
    {
        var first = PromptCompiler.Compile(FilmSamples.ThreeShots());
        var second = PromptCompiler.Compile(FilmSamples.ThreeShots());
        Assert.Equal(first.Select(s => s.Prompt), second.Select(s => s.Prompt));
        Assert.Equal(first.Select(s => s.Request.Seed), second.Select(s => s.Request.Seed));
    }

    [Fact]
    public void Sections_come_in_order_and_only_with_content()
    {
        var shots = PromptCompiler.Compile(FilmSamples.ThreeShots());
        Assert.Equal(
            """
            CONSISTENCY: Keep every character exactly as described below: same face, hair, eyes, skin and build in every shot.
            CHARACTER Mira: hair short silver bob; eyes green; skin olive; face heart-shaped; build slight; traits freckles, round glasses
            CAMERA: slow push-in
            STYLE: watercolor, soft washes, muted light
            ACTION: Mira climbs the spiral stairs
            NARRATION: Every night she climbed to the lamp.
            AVOID: text, watermarks
            """.ReplaceLineEndings("\n"),
            shots[0].Prompt);
        Assert.Equal(
            """
            STORY SO FAR: Every night she climbed to the lamp.
            CONSISTENCY: Keep every character exactly as described below: same face, hair, eyes, skin and build in every shot.
            CHARACTER Theo: hair curly black hair; eyes brown; build tall
            CAMERA: slow pan to the right
            STYLE: watercolor, soft washes, muted light
            ACTION: Theo waits at the door
            CONTINUITY: Continue seamlessly from the previous shot: same characters, wardrobe, lighting and style.
            AVOID: text, watermarks
            """.ReplaceLineEndings("\n"),
            shots[1].Prompt);
    }

    [Fact]
    public void Only_characters_present_in_a_shot_appear_and_keep_their_slot()
    {
        var shots = PromptCompiler.Compile(FilmSamples.ThreeShots());
        Assert.DoesNotContain("Theo", shots[0].Prompt);
        Assert.Equal(["Theo"], shots[1].Request.Characters.Select(c => c.Name));
        Assert.Equal([0, 1], shots[2].Request.Characters.Select(c => c.Slot));
        Assert.Equal(1, shots[1].Request.Characters[0].Slot);
        // The same identity reaches the renderer in every shot the character is in.
        Assert.Equal(shots[0].Request.Characters[0].Identity, shots[2].Request.Characters[0].Identity);
    }

    [Theory]
    [InlineData("16:9", 1280, 720)]
    [InlineData("9:16", 720, 1280)]
    [InlineData("1:1", 720, 720)]
    public void Requests_carry_the_size_of_the_aspect_ratio(string aspectRatio, int width, int height)
    {
        var request = PromptCompiler.Compile(FilmSamples.ThreeShots() with { AspectRatio = aspectRatio })[0].Request;
        Assert.Equal((width, height, 24), (request.Width, request.Height, request.Fps));
        Assert.Equal(aspectRatio, request.AspectRatio);
    }

    [Fact]
    public void Shots_get_distinct_seeds_and_a_film_without_seed_gets_a_stable_one()
    {
        var film = FilmSamples.ThreeShots() with { Seed = null };
        var seeds = PromptCompiler.Compile(film).Select(s => s.Request.Seed).ToList();
        Assert.Equal(seeds.Count, seeds.Distinct().Count());
        Assert.Equal(seeds, PromptCompiler.Compile(film).Select(s => s.Request.Seed));
        Assert.NotEqual(seeds, PromptCompiler.Compile(film with { Title = "Another film" }).Select(s => s.Request.Seed));
    }

    [Fact]
    public void Built_in_styles_have_palettes_and_unknown_styles_derive_one()
    {
        Assert.Equal(4, StylePalettes.For(new StyleSpec("cyberpunk", null, null, null)).Count);
        var derived = StylePalettes.For(new StyleSpec("my house style", null, null, null));
        Assert.All(derived, colour => Assert.Matches("^#[0-9A-F]{6}$", colour));
        Assert.Equal(derived, StylePalettes.For(new StyleSpec("my house style", null, null, null)));
        Assert.Equal(["#112233"], StylePalettes.For(new StyleSpec(null, null, ["#112233"], null)));
    }
}
