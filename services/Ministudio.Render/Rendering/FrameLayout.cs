using SkiaSharp;

namespace Ministudio.Render.Rendering;

/// <summary>
/// Where things stand in a frame. A figure's place depends only on its character slot and the frame size, never on
/// the shot or the camera, so the same character occupies the same pixels in every shot of a film.
/// </summary>
public static class FrameLayout
{
    // Horizontal centres, as fractions of the width, for slots 0, 1, 2, …; later slots wrap around.
    private static readonly float[] SlotCentres = [0.3f, 0.7f, 0.5f, 0.12f, 0.88f];

    /// <summary>Figure size: tall enough to read, small enough to leave room for the caption in every aspect ratio.</summary>
    public static SKSizeI FigureSize(int width, int height)
    {
        var figureHeight = Even(Math.Min(width, height) * 0.5f);
        return new SKSizeI(Even(figureHeight * 0.5f), figureHeight);
    }

    /// <summary>Where a slot's figure stands across the frame, as a fraction of its width.</summary>
    public static float SlotCentre(int slot) => SlotCentres[slot % SlotCentres.Length];

    /// <summary>The ground line figures of wide and full shots stand on (the scenery's horizon is drawn there).</summary>
    public static int GroundLine(int height) => (int)(height * 0.8f);

    /// <summary>The figure's place in a full shot (and a shot without a type).</summary>
    public static SKRectI FigureBounds(int slot, int width, int height)
    {
        var size = FigureSize(width, height);
        var centre = SlotCentre(slot) * width;
        var left = Math.Clamp((int)(centre - size.Width / 2f), 0, width - size.Width);
        var bottom = GroundLine(height);
        return new SKRectI(left, bottom - size.Height, left + size.Width, bottom);
    }

    /// <summary>A rectangle inside the figure's torso that the figure always covers completely.</summary>
    public static SKRectI FigureCore(int slot, int width, int height)
    {
        var bounds = FigureBounds(slot, width, height);
        var torso = FigureSprite.TorsoCore(bounds.Width, bounds.Height);
        return new SKRectI(bounds.Left + torso.Left, bounds.Top + torso.Top, bounds.Left + torso.Right, bounds.Top + torso.Bottom);
    }

    /// <summary>The band at the bottom of the frame where the action caption is written.</summary>
    public static SKRect CaptionBand(int width, int height) => new(width * 0.06f, height * 0.83f, width * 0.94f, height * 0.97f);

    private static int Even(float value) => (int)(value / 2) * 2;
}
