using System.Diagnostics;

namespace Ministudio.Compose.Tests;

/// <summary>Makes solid-colour test clips with ffmpeg's lavfi colour source, the way the renderer makes silent clips.</summary>
internal static class Clips
{
    public static async Task<string> SolidAsync(string folder, string colour, double seconds, int width = 640, int height = 360)
    {
        var path = Path.Combine(folder, $"{colour}-{seconds}s.mp4");
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true };
        foreach (var argument in new[] { "-v", "error", "-y", "-f", "lavfi", "-i", $"color=c={colour}:s={width}x{height}:r=24:d={seconds}",
                     "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", path })
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, errors);
        return path;
    }
}
