using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Ministudio.TestSupport;

/// <summary>What ffprobe says about a video stream.</summary>
public sealed record VideoInfo(string Codec, int Width, int Height, double FramesPerSecond, double DurationSeconds);

/// <summary>ffprobe/ffmpeg run with argument lists to inspect films.</summary>
public static class Media
{
    public static async Task<VideoInfo> ProbeAsync(string path)
    {
        var json = await ToolRun.StdoutAsync("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries",
            "stream=codec_name,width,height,avg_frame_rate:format=duration", "-of", "json", path]);
        using var document = JsonDocument.Parse(json);
        var stream = document.RootElement.GetProperty("streams")[0];
        var rate = stream.GetProperty("avg_frame_rate").GetString()!.Split('/');
        return new VideoInfo(
            stream.GetProperty("codec_name").GetString()!,
            stream.GetProperty("width").GetInt32(),
            stream.GetProperty("height").GetInt32(),
            double.Parse(rate[0], CultureInfo.InvariantCulture) / double.Parse(rate[1], CultureInfo.InvariantCulture),
            double.Parse(document.RootElement.GetProperty("format").GetProperty("duration").GetString()!, CultureInfo.InvariantCulture));
    }

    /// <summary>One decoded frame at a time as RGB24 bytes, row by row.</summary>
    public static async Task<byte[]> FrameAtAsync(string path, double seconds)
    {
        var output = Path.GetTempFileName();
        try
        {
            await ToolRun.StdoutAsync("ffmpeg", ["-v", "error", "-y", "-ss", seconds.ToString("0.###", CultureInfo.InvariantCulture), "-i", path,
                "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", output]);
            return await File.ReadAllBytesAsync(output);
        }
        finally
        {
            File.Delete(output);
        }
    }

    /// <summary>Mean absolute difference per channel (0–255) inside a rectangle of two RGB24 frames.</summary>
    public static double MeanDifference(byte[] a, byte[] b, int frameWidth, (int X, int Y, int Width, int Height) region)
    {
        long total = 0;
        for (var y = region.Y; y < region.Y + region.Height; y++)
        {
            for (var x = region.X; x < region.X + region.Width; x++)
            {
                var offset = (y * frameWidth + x) * 3;
                for (var c = 0; c < 3; c++) total += Math.Abs(a[offset + c] - b[offset + c]);
            }
        }
        return (double)total / (region.Width * region.Height * 3);
    }
}
