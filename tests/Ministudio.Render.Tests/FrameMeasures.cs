using Ministudio.Contracts.Render;
using Ministudio.Render.Rendering;

namespace Ministudio.Render.Tests;

/// <summary>Where the figures are in a frame: their pixel count, bounding box and centre (pixels that differ from the scenery alone).</summary>
public sealed record FigureExtent(int Pixels, int Left, int Top, int Right, int Bottom, double CentreX, double CentreY)
{
    public int Height => Bottom - Top + 1;
}

/// <summary>
/// Measures on drawn frames, independent of how the renderer draws them: figure extent (a frame against the same shot
/// drawn without its characters), mean luminance and colour, and the motion of the content between two frames (the
/// scale and shift that best map one onto the other).
/// </summary>
public static class FrameMeasures
{
    public static byte[] Frame(RenderShotRequest request, int index)
    {
        using var frames = new ShotFrames(request);
        return frames.Draw(index).ToArray();
    }

    public static byte[] LastFrame(RenderShotRequest request)
    {
        using var frames = new ShotFrames(request);
        return frames.Draw(frames.FrameCount - 1).ToArray();
    }

    public static RenderShotRequest WithoutCharacters(RenderShotRequest request)
    {
        var bare = request.Clone();
        bare.Characters.Clear();
        bare.Speech.Clear();
        return bare;
    }

    /// <summary>The pixels where <paramref name="frame"/> differs from <paramref name="scenery"/> by more than a trace.</summary>
    public static FigureExtent Figures(byte[] frame, byte[] scenery, int width)
    {
        var height = frame.Length / 4 / width;
        int pixels = 0, left = width, top = height, right = -1, bottom = -1;
        double sumX = 0, sumY = 0;
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var i = (y * width + x) * 4;
                var difference = Math.Abs(frame[i] - scenery[i]) + Math.Abs(frame[i + 1] - scenery[i + 1]) + Math.Abs(frame[i + 2] - scenery[i + 2]);
                if (difference < 24) continue;
                pixels++;
                sumX += x;
                sumY += y;
                (left, right, top, bottom) = (Math.Min(left, x), Math.Max(right, x), Math.Min(top, y), Math.Max(bottom, y));
            }
        return pixels == 0 ? new FigureExtent(0, 0, 0, -1, -1, double.NaN, double.NaN) : new FigureExtent(pixels, left, top, right, bottom, sumX / pixels, sumY / pixels);
    }

    /// <summary>Mean Rec. 601 luma of a frame, 0..255.</summary>
    public static double Luminance(byte[] frame) => Mean(frame, (r, g, b) => 0.299 * r + 0.587 * g + 0.114 * b);

    public static double Mean(byte[] frame, Func<byte, byte, byte, double> of)
    {
        double sum = 0;
        for (var i = 0; i < frame.Length; i += 4) sum += of(frame[i], frame[i + 1], frame[i + 2]);
        return sum / (frame.Length / 4);
    }

    /// <summary>
    /// How content moved from <paramref name="before"/> to <paramref name="after"/>: a point at p is seen at
    /// centre + Scale·(p − centre) + (Dx, Dy), with the shift in fractions of the frame's width and height. Found by
    /// searching for the least mean difference, coarse then fine.
    /// </summary>
    public static (double Scale, double Dx, double Dy) Motion(byte[] before, byte[] after, int width)
    {
        var height = before.Length / 4 / width;
        var a = Grey(before);
        var b = Grey(after);
        (double Scale, int Dx, int Dy, double Cost) best = (1, 0, 0, double.MaxValue);
        void Try(double scale, int dx, int dy, int step)
        {
            var cost = Cost(a, b, width, height, scale, dx, dy, step);
            if (cost < best.Cost) best = (scale, dx, dy, cost);
        }
        var reachX = width * 3 / 10;
        var reachY = height * 3 / 10;
        for (var scale = 0.8; scale <= 1.401; scale += 0.02)
            for (var dx = -reachX; dx <= reachX; dx += 2)
                for (var dy = -reachY; dy <= reachY; dy += 2)
                    Try(scale, dx, dy, 6);
        var (coarseScale, coarseX, coarseY, _) = best;
        best = (1, 0, 0, double.MaxValue);
        for (var scale = coarseScale - 0.02; scale <= coarseScale + 0.0201; scale += 0.004)
            for (var dx = coarseX - 2; dx <= coarseX + 2; dx++)
                for (var dy = coarseY - 2; dy <= coarseY + 2; dy++)
                    Try(scale, dx, dy, 2);
        return (best.Scale, best.Dx / (double)width, best.Dy / (double)height);
    }

    /// <summary>Sharpness of a region: mean absolute difference between horizontal neighbours.</summary>
    public static double Sharpness(byte[] frame, int width, int left, int top, int right, int bottom)
    {
        var grey = Grey(frame);
        double sum = 0;
        var count = 0;
        for (var y = top; y < bottom; y++)
            for (var x = left; x < right - 1; x++)
            {
                sum += Math.Abs(grey[y * width + x + 1] - grey[y * width + x]);
                count++;
            }
        return sum / count;
    }

    private static double Cost(float[] a, float[] b, int width, int height, double scale, int dx, int dy, int step)
    {
        double cx = width / 2.0, cy = height / 2.0, sum = 0;
        var count = 0;
        for (var y = step / 2; y < height; y += step)
            for (var x = step / 2; x < width; x += step)
            {
                // Where this pixel of the later frame was in the earlier one.
                var sx = (int)Math.Round(cx + (x - cx - dx) / scale);
                var sy = (int)Math.Round(cy + (y - cy - dy) / scale);
                if (sx < 0 || sy < 0 || sx >= width || sy >= height) continue;
                sum += Math.Abs(b[y * width + x] - a[sy * width + sx]);
                count++;
            }
        // Too little overlap proves nothing.
        return count * step * step < width * height / 4 ? double.MaxValue : sum / count;
    }

    private static float[] Grey(byte[] frame)
    {
        var grey = new float[frame.Length / 4];
        for (var i = 0; i < grey.Length; i++) grey[i] = 0.299f * frame[i * 4] + 0.587f * frame[i * 4 + 1] + 0.114f * frame[i * 4 + 2];
        return grey;
    }
}
