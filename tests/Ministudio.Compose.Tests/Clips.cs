namespace Ministudio.Compose.Tests;

/// <summary>Makes silent test clips, stills and music with ffmpeg's lavfi sources, the way the renderer makes silent clips.</summary>
internal static class Clips
{
    /// <summary>One colour throughout, so a frame's colour tells which clip it came from.</summary>
    public static Task<string> SolidAsync(string folder, string colour, double seconds, int width = 640, int height = 360, int fps = 24) =>
        EncodeAsync($"color=c={colour}:s={width}x{height}:r={fps}:d={Seconds(seconds)}", Path.Combine(folder, $"{colour}-{seconds}s-{width}x{height}-{fps}.mp4"));

    /// <summary>A moving test pattern: costly enough to encode that a long one keeps ffmpeg busy for seconds.</summary>
    public static Task<string> PatternAsync(string folder, double seconds, int width = 640, int height = 360) =>
        EncodeAsync($"testsrc2=s={width}x{height}:r=24:d={Seconds(seconds)}", Path.Combine(folder, $"pattern-{seconds}s-{width}x{height}.mp4"));

    /// <summary>A still PNG of ffmpeg's test card.</summary>
    public static async Task<string> StillAsync(string folder, int width = 640, int height = 480)
    {
        var path = Path.Combine(folder, $"still-{width}x{height}.png");
        await FfmpegTool.RunAsync(["-f", "lavfi", "-i", $"testsrc=s={width}x{height}:d=1", "-frames:v", "1", path]);
        return path;
    }

    /// <summary>A deterministic music bed: a chord of three sines with a slow tremolo.</summary>
    public static async Task<string> MusicAsync(string folder, double seconds)
    {
        var path = Path.Combine(folder, $"music-{seconds}s.wav");
        await FfmpegTool.RunAsync(["-f", "lavfi", "-i",
            $"aevalsrc=0.2*(sin(2*PI*220*t)+sin(2*PI*277.18*t)+sin(2*PI*329.63*t))*(0.75+0.25*sin(2*PI*0.5*t)):s=48000:d={Seconds(seconds)}", "-ac", "2", path]);
        return path;
    }

    /// <summary>A solid clip with a sound track: a sine of one frequency, or one that jumps from the first to the second at 1 s.</summary>
    public static async Task<string> SoundingAsync(string folder, string colour, double seconds, double frequency, double? after1s = null, int width = 640, int height = 360)
    {
        var path = Path.Combine(folder, $"{colour}-{seconds}s-{width}x{height}-{frequency}-{after1s}Hz.mp4");
        var pitch = after1s is { } then ? $"if(lt(t,1),{Seconds(frequency)},{Seconds(then)})" : Seconds(frequency);
        await FfmpegTool.RunAsync(["-f", "lavfi", "-i", $"color=c={colour}:s={width}x{height}:r=24:d={Seconds(seconds)}",
            "-f", "lavfi", "-i", $"aevalsrc='0.25*sin(2*PI*{pitch}*t)':s=48000:d={Seconds(seconds)}",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-ac", "2", path]);
        return path;
    }

    private static async Task<string> EncodeAsync(string source, string path)
    {
        await FfmpegTool.RunAsync(["-f", "lavfi", "-i", source, "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", path]);
        return path;
    }

    private static string Seconds(double value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
