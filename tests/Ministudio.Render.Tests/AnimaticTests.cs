using Ministudio.Contracts;
using Ministudio.Contracts.Render;
using Ministudio.Render.Rendering;

namespace Ministudio.Render.Tests;

/// <summary>The animatic's framing, environment and speech marks, measured on drawn frames.</summary>
public sealed class AnimaticTests
{
    private const int Width = 320, Height = 180;

    [Fact]
    public void Every_shot_type_the_compiler_accepts_is_framed_and_no_other()
    {
        Assert.Equal(ShotTypes.All.Keys.Order(), ShotFraming.ShotTypesFramed.Order());
    }

    [Fact]
    public void Wider_shot_types_draw_the_figure_smaller()
    {
        string[] widestFirst = ["EWS", "WS", "FS", "MWS", "MS", "MCU", "CU", "ECU"];
        var extents = widestFirst.Select(type => (type, Extent: FigureOf(Shot(type, FigureTests.Mira)))).ToList();
        var seen = string.Join(", ", extents.Select(e => $"{e.type} {e.Extent.Pixels} px, {e.Extent.Height} high"));

        // Pixel extent grows shot by shot; while the whole figure is in frame, so does its height.
        for (var i = 1; i < extents.Count; i++)
            Assert.True(extents[i].Extent.Pixels > extents[i - 1].Extent.Pixels * 1.2, $"{extents[i].type} should show more of the figure than {extents[i - 1].type}: {seen}");
        Assert.True(extents[0].Extent.Height < extents[1].Extent.Height && extents[1].Extent.Height < extents[2].Extent.Height, seen);
        Assert.True(extents[^1].Extent.Pixels > 10 * extents[1].Extent.Pixels, $"an extreme close-up fills far more of the frame than a wide shot: {seen}");
    }

    [Fact]
    public void A_close_shot_shows_only_the_speaker_centred_and_a_wide_one_everyone()
    {
        var close = Shot("CU", FigureTests.Mira, FigureTests.Theo);
        close.Speech.Add(new SpeechSpan { Speaker = "Theo", StartSeconds = 1.5, EndSeconds = 1.9 });
        var placed = ShotFraming.Place(close, Width, Height);
        Assert.Equal(["Theo"], placed.Select(f => f.Character.Name));
        Assert.InRange(placed[0].Bounds.MidX, Width / 2 - 1, Width / 2 + 1);

        Assert.Equal(["Mira", "Theo"], ShotFraming.Place(Shot("WS", FigureTests.Mira, FigureTests.Theo), Width, Height).Select(f => f.Character.Name));
        var overShoulder = ShotFraming.Place(Shot("OTS", FigureTests.Mira, FigureTests.Theo), Width, Height);
        Assert.Equal([("Mira", false), ("Theo", true)], overShoulder.Select(f => (f.Character.Name, f.FromBehind)));
    }

    [Fact]
    public void The_time_of_day_sets_the_light()
    {
        double Luma(string time)
        {
            var request = Shot("FS", FigureTests.Mira);
            Lit(request, time);
            return FrameMeasures.Luminance(FrameMeasures.Frame(request, 0));
        }
        var (noon, sunset, dusk, night) = (Luma("noon"), Luma("golden hour"), Luma("dusk"), Luma("late at night"));
        Assert.True(noon > sunset && sunset > dusk && dusk > night, $"noon {noon:F1} > golden hour {sunset:F1} > dusk {dusk:F1} > night {night:F1}");
        Assert.True(night < 0.5 * noon, $"night is dark: {night:F1} against noon {noon:F1}");

        double Warmth(string time)
        {
            var request = Shot("FS", FigureTests.Mira);
            Lit(request, time);
            return FrameMeasures.Mean(FrameMeasures.Frame(request, 0), (r, _, b) => r - b);
        }
        Assert.True(Warmth("sunset") > Warmth("midday") + 8, $"a sunset casts warm light: {Warmth("sunset"):F1} against {Warmth("midday"):F1}");
    }

    [Fact]
    public void The_environment_palette_paints_the_scenery_and_the_slate_names_the_place()
    {
        var styleOnly = Shot("FS");
        var placed = Shot("FS");
        placed.Environment = new EnvironmentLook { Location = "Red Canyon", Palette = { "#B03A22", "#E0703C", "#7A2A18" }, TimeOfDay = "noon" };
        var greenish = FrameMeasures.Frame(styleOnly, 0);
        var red = FrameMeasures.Frame(placed, 0);
        Assert.True(FrameMeasures.Mean(red, (r, g, _) => r - g) > FrameMeasures.Mean(greenish, (r, g, _) => r - g) + 40, "the place's palette wins over the style's");

        Assert.Equal("RED CANYON · NOON", SceneLabels.SlateText(placed.Environment));
        // The slate is white text on a dark box in the top left corner.
        var unlabelled = placed.Clone();
        unlabelled.Environment.Location = "";
        unlabelled.Environment.TimeOfDay = "";
        var withSlate = FrameMeasures.Frame(placed, 0);
        var without = FrameMeasures.Frame(unlabelled, 0);
        var changed = Changed(withSlate, without, 0, 0, Width / 2, Height / 6);
        Assert.True(changed > 300, $"the slate should be drawn top left; {changed} pixels changed");
        Assert.Equal(0, Changed(withSlate, without, Width / 2, Height / 6, Width, Height));
    }

    [Fact]
    public void The_speaker_is_marked_only_while_speaking_beside_its_own_figure()
    {
        var silent = Shot("FS", FigureTests.Mira, FigureTests.Theo);
        silent.DurationSeconds = 3;
        var speaking = silent.Clone();
        speaking.Speech.Add(new SpeechSpan { Speaker = "theo", StartSeconds = 1.0, EndSeconds = 2.0 });
        using var quiet = new ShotFrames(silent);
        using var talking = new ShotFrames(speaking);

        foreach (var (seconds, marked) in new[] { (0.0, false), (0.95, false), (1.0, true), (1.5, true), (1.9, true), (2.0, false), (2.9, false) })
        {
            var index = (int)Math.Round(seconds * silent.Fps);
            var a = quiet.Draw(index).ToArray();
            var b = talking.Draw(index).ToArray();
            var mark = FrameMeasures.Figures(b, a, Width);
            if (!marked)
            {
                Assert.True(mark.Pixels == 0, $"no mark at {seconds} s, found {mark.Pixels} px");
                continue;
            }
            Assert.True(mark.Pixels > 200, $"a mark at {seconds} s, found {mark.Pixels} px");
            var theo = ShotFraming.Place(speaking, Width, Height).Single(f => f.Character.Name == "Theo").Bounds;
            Assert.True(Math.Abs(mark.CentreX - theo.MidX) < Math.Abs(mark.CentreX - FrameLayout.SlotCentre(0) * Width), $"the mark stands by Theo, at x {mark.CentreX:F0}");
            Assert.True(mark.Bottom <= theo.Top + theo.Height / 3, "the mark is at head height");
            var yellow = FrameMeasures.Mean(b, (r, g, bl) => r > 230 && g > 190 && bl < 110 ? 1 : 0) * Width * Height;
            Assert.True(yellow > 20, $"the mark carries the speech colour ({yellow} px)");
        }
    }

    [Fact]
    public void A_speaker_who_is_not_in_the_shot_is_not_marked()
    {
        var request = Shot("FS", FigureTests.Mira);
        var silent = request.Clone();
        request.Speech.Add(new SpeechSpan { Speaker = "Narrator", StartSeconds = 0, EndSeconds = 2 });
        Assert.Equal(FrameMeasures.Frame(silent, 5), FrameMeasures.Frame(request, 5));
    }

    private static void Lit(RenderShotRequest request, string time)
    {
        request.Environment = new EnvironmentLook { TimeOfDay = time };
        request.Environment.Palette.Add(request.Style.Palette);
    }

    private static FigureExtent FigureOf(RenderShotRequest request) =>
        FrameMeasures.Figures(FrameMeasures.Frame(request, 0), FrameMeasures.Frame(FrameMeasures.WithoutCharacters(request), 0), Width);

    private static int Changed(byte[] a, byte[] b, int left, int top, int right, int bottom)
    {
        var changed = 0;
        for (var y = top; y < bottom; y++)
            for (var x = left; x < right; x++)
            {
                var i = (y * Width + x) * 4;
                if (a[i] != b[i] || a[i + 1] != b[i + 1] || a[i + 2] != b[i + 2]) changed++;
            }
        return changed;
    }

    private static RenderShotRequest Shot(string shotType, params CharacterLook[] characters)
    {
        var request = FigureTests.Request(seed: 4, action: "", camera: "static", characters);
        (request.Width, request.Height, request.Fps, request.ShotType) = (Width, Height, 12, shotType);
        return request;
    }
}
