using Ministudio.TestSupport;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Ministudio.Compose.Tests.Audio;

/// <summary>What ffprobe says about an audio stream: samples are exact for PCM WAV.</summary>
internal sealed record AudioStreamInfo(string Codec, int SampleRate, int Channels, long Samples);

/// <summary>
/// Makes test audio with ffmpeg's lavfi sources and measures results with ffmpeg's own filters (ebur128, volumedetect),
/// so tests never take the mixer's word for its numbers.
/// </summary>
internal static partial class AudioProbe
{
    /// <summary>A sine tone of the given frequency and length at amplitude 1/8, as a mono 48 kHz WAV.</summary>
    public static Task<string> ToneAsync(string folder, string name, double frequency, double seconds) =>
        RunToFileAsync(Path.Combine(folder, name), "-f", "lavfi", "-i",
            $"sine=f={Invariant(frequency)}:d={Invariant(seconds)}:sample_rate=48000", "-c:a", "pcm_s16le");

    /// <summary>Integrated loudness by ffmpeg's EBU R128 meter (ebur128), run here rather than taken from the mixer.</summary>
    public static async Task<double> IntegratedLoudnessAsync(string path)
    {
        var stderr = await ToolRun.StderrAsync("ffmpeg", ["-hide_banner", "-nostdin", "-i", path, "-af", "ebur128=framelog=verbose", "-f", "null", "-"]);
        var match = Integrated().Matches(stderr).LastOrDefault();
        Assert.NotNull(match);
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>Mean level in dBFS of a window of a file, after an optional filter (to isolate a band).</summary>
    public static async Task<double> MeanVolumeAsync(string path, double start, double length, string? filter = null)
    {
        var stderr = await ToolRun.StderrAsync("ffmpeg", ["-hide_banner", "-nostdin", "-ss", Invariant(start), "-t", Invariant(length), "-i", path,
            "-af", filter is null ? "volumedetect" : $"{filter},volumedetect", "-f", "null", "-"]);
        var match = MeanVolume().Match(stderr);
        Assert.True(match.Success, stderr);
        return match.Groups[1].Value == "-inf" ? double.NegativeInfinity : double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>The loudest sample in dBFS.</summary>
    public static async Task<double> MaxVolumeAsync(string path)
    {
        var stderr = await ToolRun.StderrAsync("ffmpeg", ["-hide_banner", "-nostdin", "-i", path, "-af", "volumedetect", "-f", "null", "-"]);
        var match = MaxVolume().Match(stderr);
        Assert.True(match.Success, stderr);
        return match.Groups[1].Value == "-inf" ? double.NegativeInfinity : double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    public static async Task<AudioStreamInfo> StreamAsync(string path)
    {
        var json = await ToolRun.StdoutAsync("ffprobe", ["-v", "error", "-select_streams", "a:0", "-show_entries",
            "stream=codec_name,sample_rate,channels,duration_ts", "-of", "json", path]);
        using var document = JsonDocument.Parse(json);
        var stream = document.RootElement.GetProperty("streams")[0];
        return new AudioStreamInfo(stream.GetProperty("codec_name").GetString()!,
            int.Parse(stream.GetProperty("sample_rate").GetString()!, CultureInfo.InvariantCulture),
            stream.GetProperty("channels").GetInt32(),
            stream.GetProperty("duration_ts").GetInt64());
    }

    /// <summary>How long the first audio stream runs, in seconds; null when the file has none.</summary>
    public static async Task<double?> AudioSecondsAsync(string path)
    {
        var json = await ToolRun.StdoutAsync("ffprobe", ["-v", "error", "-select_streams", "a:0", "-show_entries", "stream=duration", "-of", "json", path]);
        using var document = JsonDocument.Parse(json);
        var streams = document.RootElement.GetProperty("streams");
        return streams.GetArrayLength() == 0 ? null : double.Parse(streams[0].GetProperty("duration").GetString()!, CultureInfo.InvariantCulture);
    }

    /// <summary>Encodes lavfi audio into a file, returning its path.</summary>
    public static async Task<string> RunToFileAsync(string path, params string[] arguments)
    {
        await ToolRun.StderrAsync("ffmpeg", ["-hide_banner", "-nostdin", "-v", "error", "-y", .. arguments, path]);
        return path;
    }

    private static string Invariant(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"mean_volume: (-?[0-9.]+|-inf) dB")]
    private static partial Regex MeanVolume();

    [GeneratedRegex(@"Integrated loudness:\s+I:\s+(-?[0-9.]+) LUFS")]
    private static partial Regex Integrated();

    [GeneratedRegex(@"max_volume: (-?[0-9.]+|-inf) dB")]
    private static partial Regex MaxVolume();
}
