using Ministudio.Contracts.Render;
using SkiaSharp;

namespace Ministudio.Render.Rendering;

/// <summary>
/// The scenery of a shot, painted once, larger than the frame by <see cref="CameraPath.Overscan"/> so the camera can
/// travel over it: a sky-to-ground gradient in the environment's palette (else the style's), soft shapes and a row of
/// hard-edged buildings seeded by the shot, and the ground the figures stand on, all in the time of day's light.
/// </summary>
public static class SceneBackdrop
{
    private static readonly SKColor[] FallbackPalette = [new(0x20, 0x30, 0x40), new(0xE0, 0xC0, 0x90)];

    /// <summary>The colours the scenery is painted with: the environment's palette when it has one, else the style's.</summary>
    public static SKColor[] PaletteOf(RenderShotRequest request)
    {
        var written = request.Environment?.Palette is { Count: > 0 } place ? place : request.Style?.Palette;
        var colours = (written ?? []).Select(hex => SKColor.TryParse(hex, out var colour) ? colour : SKColors.Gray).ToArray();
        return colours.Length > 0 ? colours : FallbackPalette;
    }

    /// <summary>The frame-sized backdrop at its rest position is the middle of this bitmap.</summary>
    public static SKBitmap Paint(RenderShotRequest request, int frameWidth, int frameHeight, SceneLight light)
    {
        var width = (int)(frameWidth * CameraPath.Overscan);
        var height = (int)(frameHeight * CameraPath.Overscan);
        var palette = PaletteOf(request);
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        using (var surface = new SKBitmap(bitmap.Info))
        {
            using (var scene = new SKCanvas(surface)) PaintScene(scene, request.Seed, palette, width, height, frameHeight);
            // The light falls on everything: the scene goes through its colour filter once, onto the backdrop.
            using var lit = new SKPaint { ColorFilter = light.Filter() };
            canvas.DrawBitmap(surface, 0, 0, SKSamplingOptions.Default, lit);
        }
        return bitmap;
    }

    private static void PaintScene(SKCanvas canvas, long seed, SKColor[] palette, int width, int height, int frameHeight)
    {
        using (var gradient = new SKPaint())
        {
            gradient.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(0, height),
                [palette[0], palette[Math.Min(1, palette.Length - 1)]], SKShaderTileMode.Clamp);
            canvas.DrawRect(0, 0, width, height, gradient);
        }

        // Soft shapes seeded by the shot: different shots of one film get different scenery in the same palette.
        var random = new Random(unchecked((int)(seed ^ (seed >> 32))));
        using var blur = SKMaskFilter.CreateBlur(SKBlurStyle.Normal, Math.Max(width, height) / 60f);
        using var shape = new SKPaint { IsAntialias = true, MaskFilter = blur };
        for (var i = 0; i < 14; i++)
        {
            shape.Color = palette[random.Next(palette.Length)].WithAlpha((byte)random.Next(70, 170));
            var radius = (float)(random.NextDouble() * 0.16 + 0.04) * Math.Max(width, height);
            canvas.DrawCircle((float)random.NextDouble() * width, (float)random.NextDouble() * height, radius, shape);
        }

        // The ground line sits where the figures stand in a full shot (0.8 of the frame, measured from the backdrop's middle).
        var horizon = height / 2f + frameHeight * 0.3f;
        shape.MaskFilter = null;
        // A skyline of hard-edged blocks with lit windows: it gives the camera's travel something to be seen against.
        for (var x = 0f; x < width;)
        {
            var blockWidth = (float)(random.NextDouble() * 0.06 + 0.03) * width;
            var blockHeight = (float)(random.NextDouble() * 0.3 + 0.08) * height;
            var colour = palette[random.Next(palette.Length)];
            shape.Color = new SKColor((byte)(colour.Red * 0.55), (byte)(colour.Green * 0.55), (byte)(colour.Blue * 0.6), 230);
            canvas.DrawRect(x, horizon - blockHeight, blockWidth - 2, blockHeight, shape);
            shape.Color = palette[^1].WithAlpha(200);
            for (var wy = horizon - blockHeight + blockWidth * 0.2f; wy < horizon - blockWidth * 0.3f; wy += blockWidth * 0.45f)
                for (var wx = x + blockWidth * 0.15f; wx < x + blockWidth - blockWidth * 0.3f; wx += blockWidth * 0.35f)
                    if (random.Next(3) > 0) canvas.DrawRect(wx, wy, blockWidth * 0.15f, blockWidth * 0.2f, shape);
            x += blockWidth;
        }
        shape.Color = palette[^1].WithAlpha(150);
        canvas.DrawRect(0, horizon, width, height - horizon, shape);
    }
}
