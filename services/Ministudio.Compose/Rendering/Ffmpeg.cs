using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Ministudio.Compose.Rendering;

/// <summary>A composition that cannot be made, with a stable code for the job's error.</summary>
public sealed class CompositionException(string code, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Code { get; } = code;
}

/// <summary>
/// What ffprobe says about a media file; the video fields are empty when it has no video stream. AudioFormat is the
/// first audio stream's codec, sample rate and channel count ("aac/48000/2"), null when there is no audio.
/// </summary>
public sealed record MediaInfo(
    double DurationSeconds, string? Codec, int Width, int Height, string? PixelFormat, string? FrameRate, string? TimeBase, bool HasAudio,
    string? AudioFormat = null)
{
    public bool HasVideo => Codec is not null;

    /// <summary>The frame rate as a number (r_frame_rate is a fraction such as 24000/1001).</summary>
    public double FramesPerSecond => FrameRate?.Split('/') is [var n, var d] && double.TryParse(n, CultureInfo.InvariantCulture, out var num)
        && double.TryParse(d, CultureInfo.InvariantCulture, out var den) && den > 0 ? num / den : 0;
}

/// <summary>
/// Runs ffmpeg and ffprobe from an argument list (Process.ArgumentList: no shell, no string to split or inject into),
/// in the job's folder so every name on the command line is a short generated relative name.
/// </summary>
public static class Ffmpeg
{
    // Inputs are files in the job folder: refuse every other protocol (http, concat:, subfile, data, pipe, ...).
    public static readonly IReadOnlyList<string> LocalOnly = ["-protocol_whitelist", "file"];

    /// <summary>
    /// Runs ffmpeg to the end; reports progress as the share of <paramref name="expectedSeconds"/> written. Cancelling
    /// <paramref name="ct"/> kills ffmpeg at once (no grace period: a cancelled film is never used).
    /// </summary>
    public static async Task RunAsync(IReadOnlyList<string> arguments, string folder, double expectedSeconds, IProgress<double>? progress, CancellationToken ct)
    {
        var start = new ProcessStartInfo("ffmpeg")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["-hide_banner", "-nostdin", "-nostats", "-v", "error", "-y", "-progress", "pipe:1"]) start.ArgumentList.Add(argument);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);

        using var process = Process.Start(start) ?? throw new CompositionException("compose.ffmpeg_failed", "ffmpeg did not start.");
        process.StandardInput.Close();
        var errors = ReadTailAsync(process.StandardError);
        await using var kill = ct.Register(() => Kill(process));
        string? line;
        while ((line = await process.StandardOutput.ReadLineAsync(CancellationToken.None)) is not null)
        {
            if (progress is not null && expectedSeconds > 0 && line.StartsWith("out_time_us=", StringComparison.Ordinal)
                && long.TryParse(line.AsSpan("out_time_us=".Length), CultureInfo.InvariantCulture, out var microseconds) && microseconds >= 0)
                progress.Report(Math.Clamp(microseconds / 1e6 / expectedSeconds, 0, 1));
        }
        await process.WaitForExitAsync(CancellationToken.None);
        ct.ThrowIfCancellationRequested();
        if (process.ExitCode != 0)
            throw new CompositionException("compose.ffmpeg_failed", $"ffmpeg failed ({process.ExitCode}): {(await errors).Trim()}");
    }

    /// <summary>Streams, duration and codec parameters of a file in <paramref name="folder"/>, by its relative name.</summary>
    public static async Task<MediaInfo> ProbeAsync(string name, string folder, CancellationToken ct)
    {
        var start = new ProcessStartInfo("ffprobe")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["-v", "error", .. LocalOnly, "-show_entries",
                     "stream=codec_type,codec_name,width,height,pix_fmt,r_frame_rate,time_base,sample_rate,channels:format=duration", "-of", "json", name])
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new CompositionException("compose.ffmpeg_failed", "ffprobe did not start.");
        await using var kill = ct.Register(() => Kill(process));
        var errors = ReadTailAsync(process.StandardError);
        var json = await process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        await process.WaitForExitAsync(CancellationToken.None);
        ct.ThrowIfCancellationRequested();
        if (process.ExitCode != 0) throw new CompositionException("compose.ffmpeg_failed", $"ffprobe could not read {name}: {(await errors).Trim()}");

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var duration = root.TryGetProperty("format", out var format) && format.TryGetProperty("duration", out var d)
            && double.TryParse(d.GetString(), CultureInfo.InvariantCulture, out var seconds) ? seconds : 0;
        JsonElement? video = null;
        string? audioFormat = null;
        var hasAudio = false;
        foreach (var stream in root.TryGetProperty("streams", out var streams) ? streams.EnumerateArray() : default)
        {
            var type = stream.TryGetProperty("codec_type", out var t) ? t.GetString() : null;
            if (type == "video" && video is null) video = stream.Clone();
            if (type == "audio" && !hasAudio)
                audioFormat = $"{Field(stream, "codec_name")}/{Field(stream, "sample_rate")}/{Field(stream, "channels")}";
            hasAudio |= type == "audio";
        }
        string? Text(string property) => video is { } v && v.TryGetProperty(property, out var value) ? value.GetString() : null;
        int Number(string property) => video is { } v && v.TryGetProperty(property, out var value) ? value.GetInt32() : 0;
        return new MediaInfo(duration, Text("codec_name"), Number("width"), Number("height"), Text("pix_fmt"), Text("r_frame_rate"), Text("time_base"), hasAudio, audioFormat);
    }

    private static string Field(JsonElement stream, string property) =>
        stream.TryGetProperty(property, out var value) ? value.ToString() : "";

    public static string Number(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    /// <summary>The last few kilobytes of stderr: enough to say what failed without holding a runaway log.</summary>
    private static async Task<string> ReadTailAsync(StreamReader reader)
    {
        var tail = new StringBuilder();
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer, CancellationToken.None)) > 0)
        {
            tail.Append(buffer, 0, read);
            if (tail.Length > 8192) tail.Remove(0, tail.Length - 4096);
        }
        return tail.ToString();
    }
}
