using SkiaSharp;

namespace Ministudio.Render.Rendering;

/// <summary>The action written in a band at the bottom of the frame, wrapped to at most three lines.</summary>
public static class Caption
{
    private const int MaxLines = 3;

    /// <summary>The platform font, shipped in the assembly; every text the renderer draws uses it.</summary>
    internal static readonly SKTypeface Typeface = LoadTypeface();

    public static void Draw(SKCanvas canvas, string text, SKRect band)
    {
        if (string.IsNullOrWhiteSpace(text)) return;
        using var font = new SKFont(Typeface, band.Height / (MaxLines + 0.6f));
        var lines = Wrap(text.Trim(), font, band.Width);
        var lineHeight = font.Size * 1.2f;

        using var shade = new SKPaint { Color = SKColors.Black.WithAlpha(140), IsAntialias = true };
        var blockHeight = lines.Count * lineHeight + font.Size * 0.4f;
        canvas.DrawRoundRect(new SKRect(band.Left, band.Bottom - blockHeight, band.Right, band.Bottom), 8, 8, shade);

        using var ink = new SKPaint { Color = SKColors.White, IsAntialias = true };
        var baseline = band.Bottom - blockHeight + font.Size * 1.1f;
        foreach (var line in lines)
        {
            canvas.DrawText(line, band.MidX, baseline, SKTextAlign.Center, font, ink);
            baseline += lineHeight;
        }
    }

    private static List<string> Wrap(string text, SKFont font, float width)
    {
        var lines = new List<string>();
        var current = "";
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = current.Length == 0 ? word : $"{current} {word}";
            if (font.MeasureText(candidate) <= width || current.Length == 0)
            {
                current = candidate;
                continue;
            }
            lines.Add(current);
            current = word;
        }
        if (current.Length > 0) lines.Add(current);
        if (lines.Count <= MaxLines) return lines;
        var kept = lines.Take(MaxLines).ToList();
        kept[^1] += "…";
        return kept;
    }

    private static SKTypeface LoadTypeface()
    {
        using var stream = typeof(Caption).Assembly.GetManifestResourceStream("Ministudio.Render.Fonts.DejaVuSans-Bold.ttf")
            ?? throw new InvalidOperationException("The caption font is not embedded in the render assembly.");
        return SKTypeface.FromStream(stream) ?? throw new InvalidOperationException("The caption font could not be read.");
    }
}
