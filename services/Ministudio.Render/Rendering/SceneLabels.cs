using Ministudio.Contracts.Render;
using SkiaSharp;

namespace Ministudio.Render.Rendering;

/// <summary>
/// The animatic's annotations, each painted once: the slate naming where and when the shot happens (top left), and the
/// speech mark shown beside a character's head while it speaks its line.
/// </summary>
public static class SceneLabels
{
    /// <summary>The colour of the speech mark's border and dots: bright, so a viewer (and a test) sees who speaks.</summary>
    public static readonly SKColor SpeechMarkColour = new(0xFF, 0xD2, 0x3F);

    /// <summary>"LIGHTHOUSE · NIGHT · STORM ROLLING IN", or null when the shot says nothing about its place.</summary>
    public static string? SlateText(EnvironmentLook? environment)
    {
        if (environment is null) return null;
        var parts = new[] { environment.Location, environment.TimeOfDay, environment.Weather }.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p.Trim().ToUpperInvariant()).ToList();
        return parts.Count == 0 ? null : string.Join(" · ", parts);
    }

    /// <summary>Paints the slate at the top left of the frame; returns the area it covers.</summary>
    public static SKRectI DrawSlate(SKCanvas canvas, string text, int width, int height)
    {
        using var font = new SKFont(Caption.Typeface, Math.Max(10, Math.Min(width, height) * 0.035f));
        var margin = Math.Min(width, height) * 0.03f;
        var textWidth = Math.Min(font.MeasureText(text), width * 0.8f);
        var box = new SKRect(margin, margin, margin + textWidth + font.Size, margin + font.Size * 1.6f);
        using var shade = new SKPaint { Color = SKColors.Black.WithAlpha(150), IsAntialias = true };
        canvas.DrawRoundRect(box, font.Size * 0.3f, font.Size * 0.3f, shade);
        using var ink = new SKPaint { Color = SKColors.White, IsAntialias = true };
        canvas.Save();
        canvas.ClipRect(box);
        canvas.DrawText(text, box.Left + font.Size * 0.5f, box.Top + font.Size * 1.15f, SKTextAlign.Left, font, ink);
        canvas.Restore();
        return SKRectI.Ceiling(box);
    }

    /// <summary>A speech bubble with the speaker's name and three dots, sized to the frame; its tail is at the bottom left.</summary>
    public static SKBitmap SpeechMark(string speaker, int width, int height)
    {
        using var font = new SKFont(Caption.Typeface, Math.Max(10, Math.Min(width, height) * 0.032f));
        var name = speaker.Trim().ToUpperInvariant();
        var dots = font.Size * 1.8f;
        var bubble = new SKRect(0, 0, Math.Min(font.MeasureText(name), width * 0.4f) + dots + font.Size * 1.2f, font.Size * 1.8f);
        var tail = font.Size * 0.7f;
        var bitmap = new SKBitmap(new SKImageInfo((int)Math.Ceiling(bubble.Width) + 4, (int)Math.Ceiling(bubble.Height + tail) + 4, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.Transparent);
        canvas.Translate(2, 2);
        using var paint = new SKPaint { IsAntialias = true, Color = SKColors.White };
        using var builder = new SKPathBuilder();
        builder.AddRoundRect(bubble, bubble.Height * 0.4f, bubble.Height * 0.4f, SKPathDirection.Clockwise);
        builder.MoveTo(bubble.Left + tail, bubble.Bottom - 1);
        builder.LineTo(bubble.Left, bubble.Bottom + tail);
        builder.LineTo(bubble.Left + tail * 2, bubble.Bottom - 1);
        builder.Close();
        using var shape = builder.Detach();
        canvas.DrawPath(shape, paint);
        paint.Color = SpeechMarkColour;
        paint.Style = SKPaintStyle.Stroke;
        paint.StrokeWidth = Math.Max(2, font.Size * 0.15f);
        canvas.DrawPath(shape, paint);
        paint.Style = SKPaintStyle.Fill;
        paint.Color = new SKColor(0x22, 0x22, 0x22);
        canvas.Save();
        canvas.ClipRect(new SKRect(0, 0, bubble.Right - dots - font.Size * 0.3f, bubble.Bottom));
        canvas.DrawText(name, font.Size * 0.6f, bubble.MidY + font.Size * 0.36f, SKTextAlign.Left, font, paint);
        canvas.Restore();
        paint.Color = SpeechMarkColour.WithAlpha(255);
        for (var dot = 0; dot < 3; dot++)
            canvas.DrawCircle(bubble.Right - dots - font.Size * 0.1f + dot * font.Size * 0.55f + font.Size * 0.3f, bubble.MidY, font.Size * 0.18f, paint);
        return bitmap;
    }
}
