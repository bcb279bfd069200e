using System.Text.Json;
using Ministudio.Contracts;
using Ministudio.Prompt.Films;

namespace Ministudio.Prompt.Tests;

/// <summary>
/// What the local renderer's animatic needs reaches its request (shot type, the environment in force, when each line is
/// spoken); vendors that read those facts in the prompt get requests, and cache keys, exactly as before.
/// </summary>
public sealed class AnimaticRequestTests
{
    private static readonly EnvironmentSpec Lighthouse = new(null, " lighthouse gallery ", null, null, ["#102040", "#F0C060"], null, "wind", "dusk", null);

    private static FilmSpec Film(string provider) => FilmSamples.ThreeShots() with
    {
        Provider = provider,
        Environment = Lighthouse,
        Shots =
        [
            FilmSamples.Shot("Mira climbs the spiral stairs", 3, camera: "crane-up") with { ShotType = "ws" },
            FilmSamples.Shot("Theo waits at the door", 2, characters: ["Theo"]) with
            {
                ShotType = "cu", State = new StateChange(null, new EnvironmentState("night", null, null)),
                Environment = Lighthouse with { Palette = null },
            },
        ],
    };

    [Fact]
    public void The_animatic_gets_the_shot_type_the_environment_in_force_and_every_camera_move_as_written()
    {
        var film = PromptCompiler.Compile(Film(Providers.Local));
        var (first, second) = (film.Shots[0].Request, film.Shots[1].Request);

        Assert.Equal(("WS", "CU"), (first.ShotType, second.ShotType));
        var place = first.Environment!;
        Assert.Equal(("lighthouse gallery", "dusk", "wind", (string?)null), (place.Location, place.TimeOfDay, place.Weather, place.Lighting));
        Assert.Equal(["#102040", "#F0C060"], place.Palette);
        // The state change holds from the second shot on; a place without its own palette is painted in the style's.
        Assert.Equal("night", second.Environment!.TimeOfDay);
        Assert.Equal(film.Shots[1].Request.Style.Palette, second.Environment.Palette);
        // The renderer draws every move: none is mapped to another or refused.
        Assert.Equal("crane-up", first.CameraMove);
        Assert.DoesNotContain(film.Warnings, w => w.Code.StartsWith("camera.", StringComparison.Ordinal));
        // Speech was not measured (no lines): nothing to mark.
        Assert.Null(first.Speech);
    }

    [Fact]
    public void A_vendor_request_carries_none_of_it_and_serializes_as_before()
    {
        var request = PromptCompiler.Compile(Film("veo")).Shots[1].Request;
        Assert.Equal((null, null, null), (request.ShotType, request.Environment, request.Speech));
        var json = JsonSerializer.Serialize(request, JsonSerializerOptions.Web);
        Assert.DoesNotContain("\"shotType\"", json);
        Assert.DoesNotContain("\"environment\"", json);
        Assert.DoesNotContain("\"speech\"", json);
    }

    [Fact]
    public void Measured_speech_reaches_its_shot_and_a_long_shot_splits_it_over_its_parts()
    {
        IReadOnlyList<IReadOnlyList<SpokenSpan>> speech = [[], [new SpokenSpan("Theo", 0.2, 1.4)]];
        var film = PromptCompiler.Compile(Film(Providers.Local), speech: speech);
        Assert.Empty(film.Shots[0].Request.Speech!);
        Assert.Equal([new SpokenSpan("Theo", 0.2, 1.4)], film.Shots[1].Request.Speech!);

        // A line over the join of two 5 s parts: the first part has its start, the second its end, each from its own first frame.
        IReadOnlyList<SpokenSpan> line = [new SpokenSpan("Mira", 4.5, 6.25), new SpokenSpan("Theo", 7, 8)];
        Assert.Equal([new SpokenSpan("Mira", 4.5, 5)], Animatic.Speech(line, 0, 5)!);
        Assert.Equal([new SpokenSpan("Mira", 0, 1.25), new SpokenSpan("Theo", 2, 3)], Animatic.Speech(line, 5, 5)!);
        Assert.Null(Animatic.Speech(null, 0, 5));
    }
}
