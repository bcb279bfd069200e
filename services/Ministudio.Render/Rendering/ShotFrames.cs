using Ministudio.Contracts.Render;
using SkiaSharp;

namespace Ministudio.Render.Rendering;

/// <summary>
/// Draws the frames of one shot: a seeded background from the style palette that the camera moves over, the figures
/// of the characters present (fixed per slot), and the action as a caption. Deterministic for a given request.
/// </summary>
public sealed class ShotFrames : IDisposable
{
    // The background is painted larger than the frame so the camera can pan and push in without showing an edge.
    private const float Overscan = 1.25f;

    // A chained shot starts on the previous shot's true last frame and dissolves into its own scene over half a second.
    private readonly SKBitmap? _firstFrame;
    private readonly int _blendFrames;
    private readonly RenderShotRequest _request;
    private readonly SKBitmap _background;
    private readonly SKBitmap _foreground;
    private readonly SKBitmap _frame;
    private readonly SKCanvas _canvas;
    // Bilinear sampling keeps the slow camera move smooth; figures are drawn 1:1 and need none.
    private static readonly SKSamplingOptions Linear = new(SKFilterMode.Linear);

    public ShotFrames(RenderShotRequest request, SKBitmap? firstFrame = null)
    {
        _request = request;
        _firstFrame = firstFrame;
        Width = request.Width;
        Height = request.Height;
        FrameCount = (int)Math.Round(request.DurationSeconds * request.Fps);
        _blendFrames = firstFrame is null ? 0 : Math.Max(1, Math.Min(request.Fps / 2, FrameCount / 2));
        _background = PaintBackground(request, (int)(Width * Overscan), (int)(Height * Overscan));
        _foreground = PaintForeground(request);
        _frame = new SKBitmap(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        _canvas = new SKCanvas(_frame);
    }

    public int Width { get; }
    public int Height { get; }
    public int FrameCount { get; }

    /// <summary>Draws frame <paramref name="index"/> and returns its RGBA pixels (valid until the next call).</summary>
    public ReadOnlySpan<byte> Draw(int index)
    {
        var t = FrameCount > 1 ? index / (float)(FrameCount - 1) : 0;
        _canvas.Clear(SKColors.Black);
        _canvas.DrawBitmap(_background, CameraSource(t), new SKRect(0, 0, Width, Height), Linear, null);
        _canvas.DrawBitmap(_foreground, 0, 0, SKSamplingOptions.Default, null);
        if (_firstFrame is not null && index < _blendFrames)
        {
            using var fade = new SKPaint { Color = SKColors.White.WithAlpha((byte)Math.Round(255 * (1 - index / (float)_blendFrames))) };
            _canvas.DrawBitmap(_firstFrame, new SKRect(0, 0, Width, Height), Linear, fade);
        }
        _canvas.Flush();
        return _frame.GetPixelSpan();
    }

    /// <summary>The part of the background the camera sees at time t (0..1).</summary>
    private SKRect CameraSource(float t)
    {
        float bgWidth = _background.Width, bgHeight = _background.Height;
        var eased = t * t * (3 - 2 * t);
        // Zoom, horizontal and vertical travel (-1..1 of the slack) for each move the prompt catalogue lets this renderer do.
        var (zoom, pan, tilt) = _request.CameraMove switch
        {
            "static" => (1f, 0f, 0f),
            "push-in" => (1f + 0.18f * eased, 0f, 0f),
            "pull-out" => (1.18f - 0.18f * eased, 0f, 0f),
            "zoom-in" => (1f + 0.3f * eased, 0f, 0f),
            "zoom-out" => (1.3f - 0.3f * eased, 0f, 0f),
            "pan-left" => (1.05f, -eased, 0f),
            "pan-right" => (1.05f, eased, 0f),
            "tilt-up" => (1.1f, 0f, -eased),
            "tilt-down" => (1.1f, 0f, eased),
            "handheld" => (1.06f, Shake(t, 0), Shake(t, 1)),
            _ => (1f + 0.06f * eased, 0.2f * eased, 0f),
        };
        var viewWidth = bgWidth / Overscan / zoom;
        var viewHeight = bgHeight / Overscan / zoom;
        var slack = (bgWidth - viewWidth) / 2;
        var slackY = (bgHeight - viewHeight) / 2;
        var left = slack + pan * slack;
        var top = slackY + tilt * slackY;
        return new SKRect(left, top, left + viewWidth, top + viewHeight);
    }

    /// <summary>A small, smooth, deterministic wander (a few frequencies per axis) for the handheld camera.</summary>
    private static float Shake(float t, int axis) =>
        0.12f * MathF.Sin(t * 11.3f + axis * 1.7f) + 0.07f * MathF.Sin(t * 23.9f + axis * 0.4f) + 0.04f * MathF.Sin(t * 41.1f + axis * 2.9f);

    private static SKBitmap PaintBackground(RenderShotRequest request, int width, int height)
    {
        var palette = request.Style?.Palette.Select(ParseColour).ToArray() is { Length: > 0 } colours ? colours : [new SKColor(0x20, 0x30, 0x40), new SKColor(0xE0, 0xC0, 0x90)];
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bitmap);
        using (var gradient = new SKPaint())
        {
            gradient.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(0, height),
                [palette[0], palette[Math.Min(1, palette.Length - 1)]], SKShaderTileMode.Clamp);
            canvas.DrawRect(0, 0, width, height, gradient);
        }

        // Soft shapes seeded by the shot: different shots of one film get different scenery in the same palette.
        var random = new Random(unchecked((int)(request.Seed ^ (request.Seed >> 32))));
        using var blur = SKMaskFilter.CreateBlur(SKBlurStyle.Normal, Math.Max(width, height) / 60f);
        using var shape = new SKPaint { IsAntialias = true, MaskFilter = blur };
        for (var i = 0; i < 14; i++)
        {
            shape.Color = palette[random.Next(palette.Length)].WithAlpha((byte)random.Next(70, 170));
            var radius = (float)(random.NextDouble() * 0.16 + 0.04) * Math.Max(width, height);
            canvas.DrawCircle((float)random.NextDouble() * width, (float)random.NextDouble() * height, radius, shape);
        }
        // A horizon line grounds the figures.
        shape.MaskFilter = null;
        shape.Color = palette[^1].WithAlpha(110);
        canvas.DrawRect(0, height * 0.74f, width, height * 0.26f, shape);
        return bitmap;
    }

    /// <summary>Figures and caption do not move, so they are painted once onto a transparent layer.</summary>
    private SKBitmap PaintForeground(RenderShotRequest request)
    {
        var layer = new SKBitmap(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(layer);
        canvas.Clear(SKColors.Transparent);
        foreach (var character in request.Characters)
        {
            var bounds = FrameLayout.FigureBounds(character.Slot, Width, Height);
            using var sprite = FigureSprite.Draw(character, bounds.Width, bounds.Height);
            canvas.DrawBitmap(sprite, bounds.Left, bounds.Top, SKSamplingOptions.Default, null);
        }
        Caption.Draw(canvas, request.Action, FrameLayout.CaptionBand(Width, Height));
        return layer;
    }

    private static SKColor ParseColour(string hex) => SKColor.TryParse(hex, out var colour) ? colour : SKColors.Gray;

    public void Dispose()
    {
        _canvas.Dispose();
        _frame.Dispose();
        _foreground.Dispose();
        _background.Dispose();
    }
}
