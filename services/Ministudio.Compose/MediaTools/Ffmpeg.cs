using System.Globalization;
using System.Text.Json;
using Ministudio.Platform;

namespace Ministudio.Compose.MediaTools;

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
    /// <summary>
    /// Runs ffmpeg to the end; reports progress as the share of <paramref name="expectedSeconds"/> written. Cancelling
    /// <paramref name="ct"/> kills ffmpeg at once (no grace period: a cancelled film is never used).
    /// </summary>
    public static async Task RunAsync(IReadOnlyList<string> arguments, string folder, double expectedSeconds, IProgress<double>? progress, CancellationToken ct)
    {
        var result = await ToolProcess.RunAsync("ffmpeg", ["-hide_banner", "-nostdin", "-nostats", "-v", "error", "-y", "-progress", "pipe:1", .. arguments], ct,
            onOutputLine: line =>
            {
                if (progress is not null && expectedSeconds > 0 && line.StartsWith("out_time_us=", StringComparison.Ordinal)
                    && long.TryParse(line.AsSpan("out_time_us=".Length), CultureInfo.InvariantCulture, out var microseconds) && microseconds >= 0)
                    progress.Report(Math.Clamp(microseconds / 1e6 / expectedSeconds, 0, 1));
            },
            workingDirectory: folder);
        if (result.ExitCode != 0)
            throw new CompositionException("compose.ffmpeg_failed", $"ffmpeg failed ({result.ExitCode}): {result.StandardError.Trim()}");
    }

    /// <summary>Streams, duration and codec parameters of a file in <paramref name="folder"/>, by its relative name.</summary>
    public static async Task<MediaInfo> ProbeAsync(string name, string folder, CancellationToken ct)
    {
        var result = await ToolProcess.RunAsync("ffprobe", ["-v", "error", .. ToolProcess.LocalOnly, "-show_entries",
            "stream=codec_type,codec_name,width,height,pix_fmt,r_frame_rate,time_base,sample_rate,channels:format=duration", "-of", "json", name], ct,
            workingDirectory: folder);
        if (result.ExitCode != 0) throw new CompositionException("compose.ffmpeg_failed", $"ffprobe could not read {name}: {result.StandardError.Trim()}");
        var json = result.StandardOutput;

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

    /// <summary>The length of a local audio file in seconds, from its first audio stream.</summary>
    public static async Task<double> AudioDurationAsync(string path, CancellationToken ct)
    {
        var result = await ToolProcess.RunAsync("ffprobe",
            [.. ToolProcess.LocalOnly, "-v", "error", "-select_streams", "a:0", "-show_entries", "format=duration", "-of", "default=nw=1:nk=1", path], ct);
        return result.ExitCode == 0 && double.TryParse(result.StandardOutput.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            ? seconds
            : throw new InvalidDataException($"ffprobe could not read {Path.GetFileName(path)}: {ToolProcess.Tail(result.StandardError)}");
    }

    /// <summary>Decodes any audio ffmpeg reads into 16-bit PCM WAV with a correct header (streamed WAVs often lack one).</summary>
    public static async Task ToWavAsync(string input, string output, CancellationToken ct)
    {
        var result = await ToolProcess.RunAsync("ffmpeg",
            ["-nostdin", "-v", "error", "-y", .. ToolProcess.LocalOnly, "-i", input, "-vn", "-c:a", "pcm_s16le", "-f", "wav", output], ct);
        if (result.ExitCode != 0) throw new InvalidDataException($"ffmpeg could not decode {Path.GetFileName(input)}: {ToolProcess.Tail(result.StandardError)}");
    }
}
