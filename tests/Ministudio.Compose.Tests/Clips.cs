using System.Diagnostics;

namespace Ministudio.Compose.Tests;

/// <summary>Makes silent 24 fps test clips with ffmpeg's lavfi sources, the way the renderer makes silent clips.</summary>
internal static class Clips
{
    /// <summary>One colour throughout, so a frame's colour tells which clip it came from.</summary>
    public static Task<string> SolidAsync(string folder, string colour, double seconds, int width = 640, int height = 360) =>
        EncodeAsync($"color=c={colour}:s={width}x{height}:r=24:d={seconds}", Path.Combine(folder, $"{colour}-{seconds}s.mp4"));

    /// <summary>A moving test pattern: costly enough to encode that a long one keeps ffmpeg busy for seconds.</summary>
    public static Task<string> PatternAsync(string folder, double seconds) =>
        EncodeAsync($"testsrc2=s=640x360:r=24:d={seconds}", Path.Combine(folder, $"pattern-{seconds}s.mp4"));

    private static async Task<string> EncodeAsync(string source, string path)
    {
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true };
        foreach (var argument in new[] { "-v", "error", "-y", "-f", "lavfi", "-i", source,
                     "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", path })
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, errors);
        return path;
    }
}
