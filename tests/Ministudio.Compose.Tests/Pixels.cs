namespace Ministudio.Compose.Tests;

/// <summary>Colour sums over RGB24 frames.</summary>
internal static class Pixels
{
    public static (int R, int G, int B) Average(byte[] rgb)
    {
        long r = 0, g = 0, b = 0;
        for (var i = 0; i < rgb.Length; i += 3) { r += rgb[i]; g += rgb[i + 1]; b += rgb[i + 2]; }
        var pixels = rgb.Length / 3;
        return ((int)(r / pixels), (int)(g / pixels), (int)(b / pixels));
    }

    public static byte[] Region(byte[] rgb, int frameWidth, (int X, int Y, int Width, int Height) region)
    {
        var result = new byte[region.Width * region.Height * 3];
        for (var row = 0; row < region.Height; row++)
            Array.Copy(rgb, ((region.Y + row) * frameWidth + region.X) * 3, result, row * region.Width * 3, region.Width * 3);
        return result;
    }
}

/// <summary>Whether a process with a path on its command line still runs (after a moment to exit).</summary>
internal static class Processes
{
    public static async Task<bool> StillRunningAsync(string pathPart)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            if (!Directory.EnumerateDirectories("/proc").Any(process => CommandLineOf(process).Contains(pathPart, StringComparison.Ordinal)
                    || WorkingDirectoryOf(process).StartsWith(pathPart, StringComparison.Ordinal))) return false;
            await Task.Delay(100);
        }
        return true;
    }

    private static string CommandLineOf(string processFolder)
    {
        try
        {
            return File.ReadAllText(Path.Combine(processFolder, "cmdline"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not a process folder, or the process ended while it was read.
            return "";
        }
    }

    private static string WorkingDirectoryOf(string processFolder)
    {
        try
        {
            return new DirectoryInfo(Path.Combine(processFolder, "cwd")).LinkTarget ?? "";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}
