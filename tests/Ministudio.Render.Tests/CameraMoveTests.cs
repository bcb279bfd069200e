using Ministudio.Contracts;
using Ministudio.Contracts.Render;
using Ministudio.Render.Rendering;

namespace Ministudio.Render.Tests;

/// <summary>
/// Every camera move the prompt compiler accepts is drawn, and moves the picture the way the move would: measured on
/// the frames, the scenery (the shot drawn without characters) and the figures (the difference the characters make)
/// separately, from the first frame to the last.
/// </summary>
public sealed class CameraMoveTests
{
    private const int Width = 192, Height = 108;

    // How content moves on screen, first frame to last: -1 left/up/smaller, +1 right/down/larger, 0 still.
    // Layers: a lens move (pan, tilt, zoom) moves both alike; a camera move (dolly, truck, pedestal, crane) moves the
    // near figures more than the far scenery; an orbit or a tracking shot holds the subject while the scenery slides.
    public static TheoryData<string, int, int, int, int, int, int, string> Expectations => new()
    {
        // move,          far x, y, scale, near x, y, scale, layers
        { "static",          0,  0,  0,      0,  0,  0, "together" },
        { "pan-left",        1,  0,  0,      1,  0,  0, "together" },
        { "pan-right",      -1,  0,  0,     -1,  0,  0, "together" },
        { "tilt-up",         0,  1,  0,      0,  1,  0, "together" },
        { "tilt-down",       0, -1,  0,      0, -1,  0, "together" },
        { "zoom-in",         0,  0,  1,      0,  0,  1, "together" },
        { "zoom-out",        0,  0, -1,      0,  0, -1, "together" },
        { "push-in",         0,  0,  1,      0,  0,  1, "parallax" },
        { "pull-out",        0,  0, -1,      0,  0, -1, "parallax" },
        { "dolly-in",        0,  0,  1,      0,  0,  1, "parallax" },
        { "dolly-out",       0,  0, -1,      0,  0, -1, "parallax" },
        { "truck-left",      1,  0,  0,      1,  0,  0, "parallax" },
        { "truck-right",    -1,  0,  0,     -1,  0,  0, "parallax" },
        { "pedestal-up",     0,  1,  0,      0,  1,  0, "parallax" },
        { "pedestal-down",   0, -1,  0,      0, -1,  0, "parallax" },
        { "crane-up",        0,  1, -1,      0,  1, -1, "parallax" },
        { "crane-down",      0, -1,  1,      0, -1,  1, "parallax" },
        { "orbit-left",     -1,  0,  0,      0,  0,  0, "subject held" },
        { "orbit-right",     1,  0,  0,      0,  0,  0, "subject held" },
        { "tracking",       -1,  0,  0,      0,  0,  0, "subject held" },
    };

    [Fact]
    public void Every_camera_move_the_compiler_accepts_is_drawn_and_no_other()
    {
        Assert.Equal(CameraMoves.All.Keys.Order(), CameraPath.Moves.Order());
        var measured = Expectations.Select(row => row.Data.Item1).Concat(["handheld", "rack-focus"]);
        Assert.Equal(CameraMoves.All.Keys.Order(), measured.Order());
    }

    [Theory]
    [MemberData(nameof(Expectations))]
    public void The_move_shifts_and_scales_the_scenery_and_the_figures_its_way(string move, int farX, int farY, int farScale, int nearX, int nearY, int nearScale, string layers)
    {
        var request = Shot(move);
        var bare = FrameMeasures.WithoutCharacters(request);
        var far = FrameMeasures.Motion(FrameMeasures.Frame(bare, 0), FrameMeasures.LastFrame(bare), Width);
        var before = FrameMeasures.Figures(FrameMeasures.Frame(request, 0), FrameMeasures.Frame(bare, 0), Width);
        var after = FrameMeasures.Figures(FrameMeasures.LastFrame(request), FrameMeasures.LastFrame(bare), Width);
        // The figures' shift is what is left of their move once their growth about the frame centre is taken out.
        var scale = after.Height / (double)before.Height;
        var near = (Scale: scale, Dx: (after.CentreX - (Width / 2.0 + scale * (before.CentreX - Width / 2.0))) / Width,
            Dy: (after.CentreY - (Height / 2.0 + scale * (before.CentreY - Height / 2.0))) / Height);
        var seen = $"{move}: scenery ×{far.Scale:F3} ({far.Dx:F3}, {far.Dy:F3}), figures ×{near.Scale:F3} ({near.Dx:F3}, {near.Dy:F3})";

        AssertDirection(farX, far.Dx, "scenery x", seen);
        AssertDirection(farY, far.Dy, "scenery y", seen);
        AssertDirection(farScale, far.Scale - 1, "scenery scale", seen);
        AssertDirection(nearX, near.Dx, "figures x", seen);
        AssertDirection(nearY, near.Dy, "figures y", seen);
        AssertDirection(nearScale, near.Scale - 1, "figures scale", seen);
        var farTravel = Math.Abs(far.Dx) + Math.Abs(far.Dy) + Math.Abs(Math.Log(far.Scale));
        var nearTravel = Math.Abs(near.Dx) + Math.Abs(near.Dy) + Math.Abs(Math.Log(near.Scale));
        switch (layers)
        {
            case "together":
                Assert.True(Math.Abs(nearTravel - farTravel) <= 0.3 * Math.Max(farTravel, 0.02) + 0.01, $"a lens move moves both layers alike; {seen}");
                break;
            case "parallax":
                Assert.True(nearTravel > 1.5 * farTravel, $"moving the camera moves the near figures more than the far scenery; {seen}");
                break;
        }
    }

    [Fact]
    public void A_handheld_camera_wanders_a_little_in_both_directions()
    {
        var bare = FrameMeasures.WithoutCharacters(Shot("handheld"));
        using var frames = new ShotFrames(bare);
        var first = frames.Draw(0).ToArray();
        var motions = Enumerable.Range(1, 5).Select(k => FrameMeasures.Motion(first, frames.Draw(k * (frames.FrameCount - 1) / 5).ToArray(), Width)).ToList();
        Assert.Contains(motions, m => Math.Abs(m.Dx) >= 1.0 / Width);
        Assert.Contains(motions, m => Math.Abs(m.Dy) >= 1.0 / Height);
        Assert.All(motions, m => Assert.True(Math.Abs(m.Dx) <= 0.06 && Math.Abs(m.Dy) <= 0.06 && Math.Abs(m.Scale - 1) < 0.03, $"a shake, not a move: {m}"));
    }

    [Fact]
    public void A_rack_focus_moves_the_sharpness_from_the_figures_to_the_scenery()
    {
        var request = Shot("rack-focus");
        request.Width = 384;
        request.Height = 216;
        using var frames = new ShotFrames(request);
        var first = frames.Draw(0).ToArray();
        var last = frames.Draw(frames.FrameCount - 1).ToArray();
        var figure = FrameMeasures.Figures(first, FrameMeasures.Frame(FrameMeasures.WithoutCharacters(request), 0), 384);
        double Scenery(byte[] frame) => FrameMeasures.Sharpness(frame, 384, 0, 0, 384, figure.Top - 4);
        // Inside a face nothing of the scenery shows: the eyes' edges are the figure's own.
        var head = ShotFraming.Place(request, 384, 216)[0];
        var (eyes, reach) = (head.Head, (int)(head.Bounds.Height * 0.06f));
        double Face(byte[] frame) => FrameMeasures.Sharpness(frame, 384, (int)eyes.X - 2 * reach, (int)eyes.Y - reach, (int)eyes.X + 2 * reach, (int)eyes.Y + reach);

        Assert.True(Scenery(last) > 1.3 * Scenery(first), $"scenery sharpens: {Scenery(first):F2} → {Scenery(last):F2}");
        Assert.True(Face(first) > 1.3 * Face(last), $"figures soften: {Face(first):F2} → {Face(last):F2}");
    }

    [Fact]
    public void Every_path_keeps_the_camera_inside_the_painted_scenery()
    {
        foreach (var move in CameraPath.Moves)
            for (var t = 0f; t <= 1f; t += 0.05f)
            {
                var far = CameraPath.Of(move)(t).Far;
                var margin = (CameraPath.Overscan - 1) / 2;
                Assert.True(far.Zoom >= 1, $"{move} at {t}: zoom {far.Zoom}");
                Assert.True(Math.Abs(far.X) + 0.5f / far.Zoom <= 0.5f + margin + 1e-4f && Math.Abs(far.Y) + 0.5f / far.Zoom <= 0.5f + margin + 1e-4f, $"{move} at {t}: {far}");
            }
    }

    private static RenderShotRequest Shot(string move)
    {
        var request = FigureTests.Request(seed: 21, action: "", camera: move, FigureTests.Mira, FigureTests.Theo);
        (request.Width, request.Height, request.Fps) = (Width, Height, 12);
        return request;
    }

    private static void AssertDirection(int expected, double measured, string what, string seen)
    {
        // A scale is a ratio of measured sizes, a pixel or two less exact than a shift.
        var (still, moving) = what.EndsWith("scale", StringComparison.Ordinal) ? (0.025, 0.04) : (0.012, 0.02);
        if (expected == 0) Assert.True(Math.Abs(measured) <= still, $"{what} should hold still; {seen}");
        else Assert.True(Math.Sign(measured) == expected && Math.Abs(measured) >= moving, $"{what} should move {(expected > 0 ? "+" : "-")}; {seen}");
    }
}
