using Ministudio.Contracts.Render;
using Ministudio.Render.Rendering;
using SkiaSharp;

namespace Ministudio.Render.Tests;

public sealed class FigureTests
{
    internal static CharacterLook Character(string name, int slot, params (string Key, string Value)[] identity)
    {
        var look = new CharacterLook { Name = name, Slot = slot };
        foreach (var (key, value) in identity) look.Identity[key] = value;
        return look;
    }

    internal static readonly CharacterLook Mira = Character("Mira", 0, ("hair", "short silver bob"), ("eyes", "green"), ("skin", "olive"));
    internal static readonly CharacterLook Theo = Character("Theo", 1, ("hair", "curly black hair"), ("eyes", "brown"));

    [Fact]
    public void The_same_identity_draws_the_same_figure()
    {
        using var first = FigureSprite.Draw(Mira, 180, 360);
        using var again = FigureSprite.Draw(Character("Mira", 3, ("skin", "olive"), ("eyes", "green"), ("hair", "short silver bob")), 180, 360);
        Assert.Equal(first.GetPixelSpan().ToArray(), again.GetPixelSpan().ToArray());
    }

    [Fact]
    public void A_different_identity_draws_a_different_figure()
    {
        using var mira = FigureSprite.Draw(Mira, 180, 360);
        using var otherHair = FigureSprite.Draw(Character("Mira", 0, ("hair", "long red hair"), ("eyes", "green"), ("skin", "olive")), 180, 360);
        Assert.NotEqual(mira.GetPixelSpan().ToArray(), otherHair.GetPixelSpan().ToArray());
    }

    [Theory]
    [InlineData(1280, 720)]
    [InlineData(720, 1280)]
    [InlineData(720, 720)]
    public void Figures_fit_in_the_frame_above_the_caption_and_do_not_overlap(int width, int height)
    {
        var caption = FrameLayout.CaptionBand(width, height);
        var slots = Enumerable.Range(0, 3).Select(slot => FrameLayout.FigureBounds(slot, width, height)).ToList();
        Assert.All(slots, bounds =>
        {
            Assert.InRange(bounds.Left, 0, width - bounds.Width);
            Assert.True(bounds.Top >= 0 && bounds.Bottom <= caption.Top, "figure must stand above the caption band");
        });
        Assert.False(slots[0].IntersectsWith(slots[1]));
    }

    [Fact]
    public void The_torso_core_is_covered_by_the_figure_for_any_identity()
    {
        foreach (var name in new[] { "Mira", "Theo", "Ada", "Bo", "Cy", "Di" })
        {
            using var sprite = FigureSprite.Draw(Character(name, 0, ("hair", name)), 180, 360);
            var core = FigureSprite.TorsoCore(180, 360);
            for (var y = core.Top; y < core.Bottom; y += 4)
                for (var x = core.Left; x < core.Right; x += 4)
                    Assert.Equal(255, sprite.GetPixel(x, y).Alpha);
        }
    }

    [Fact]
    public void Frames_of_different_shots_differ_while_the_figure_stays_identical()
    {
        // Cameras that hold the subject where it stands (a move of the lens or the camera moves the figure too).
        using var shotA = new ShotFrames(Request(seed: 1, action: "Mira climbs the stairs", camera: "static", Mira));
        using var shotB = new ShotFrames(Request(seed: 2, action: "Mira lights the lamp", camera: "orbit-left", Mira, Theo));
        var frameA = shotA.Draw(10).ToArray();
        var frameB = shotB.Draw(30).ToArray();
        Assert.NotEqual(frameA, frameB);

        var core = FrameLayout.FigureCore(0, 1280, 720);
        for (var y = core.Top; y < core.Bottom; y++)
        {
            var row = (y * 1280 + core.Left) * 4;
            Assert.Equal(frameA.AsSpan(row, core.Width * 4).ToArray(), frameB.AsSpan(row, core.Width * 4).ToArray());
        }
    }

    [Fact]
    public void Colour_words_in_the_identity_show_in_the_figure()
    {
        using var silver = FigureSprite.Draw(Character("Ada", 0, ("hair", "short silver bob")), 180, 360);
        using var black = FigureSprite.Draw(Character("Ada", 0, ("hair", "long black hair")), 180, 360);
        // The top of the head is hair.
        Assert.Equal(new SKColor(0xC8, 0xCC, 0xD2), silver.GetPixel(90, 30));
        Assert.Equal(new SKColor(0x1E, 0x1C, 0x1C), black.GetPixel(90, 30));
    }

    [Fact]
    public void The_action_is_written_as_a_caption()
    {
        using var withCaption = new ShotFrames(Request(seed: 5, action: "Mira lights the lamp", camera: "static"));
        using var without = new ShotFrames(Request(seed: 5, action: "", camera: "static"));
        var band = FrameLayout.CaptionBand(1280, 720);
        var a = withCaption.Draw(0).ToArray();
        var b = without.Draw(0).ToArray();
        var whiteInk = 0;
        for (var y = (int)band.Top; y < (int)band.Bottom; y++)
            for (var x = (int)band.Left; x < (int)band.Right; x++)
            {
                var i = (y * 1280 + x) * 4;
                if (a[i] > 240 && a[i + 1] > 240 && a[i + 2] > 240 && b[i] < 240) whiteInk++;
            }
        Assert.True(whiteInk > 500, $"expected white caption glyphs, found {whiteInk} pixels");
    }

    [Fact]
    public void The_camera_moves_the_background_over_time()
    {
        using var shot = new ShotFrames(Request(seed: 5, action: "", camera: "pan-right"));
        Assert.NotEqual(shot.Draw(0).ToArray(), shot.Draw(shot.FrameCount - 1).ToArray());
    }

    internal static RenderShotRequest Request(long seed, string action, string camera, params CharacterLook[] characters)
    {
        var request = new RenderShotRequest
        {
            JobId = Guid.NewGuid().ToString(), Width = 1280, Height = 720, Fps = 24, DurationSeconds = 2, Seed = seed, Action = action,
            CameraMove = camera, Style = new StyleLook { Name = "watercolor", Palette = { "#DCE8E0", "#9CC5A1", "#F2B5A0", "#6F8FAF" } },
        };
        request.Characters.Add(characters);
        return request;
    }
}
