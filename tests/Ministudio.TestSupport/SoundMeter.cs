using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Ministudio.TestSupport;

/// <summary>A caption cue read back from a WebVTT or SRT file (seconds).</summary>
public sealed record Cue(double Start, double End, string Text);

/// <summary>A stretch ffmpeg's silencedetect found silent (seconds).</summary>
public sealed record Silence(double Start, double End);

/// <summary>What a film sounds like, measured with ffmpeg's own meters (ebur128, silencedetect) and ffprobe.</summary>
public static partial class SoundMeter
{
    /// <summary>The first audio stream's codec, or null when the file has none.</summary>
    public static async Task<string?> AudioCodecAsync(string path)
    {
        using var document = JsonDocument.Parse(await ToolRun.StdoutAsync("ffprobe", ["-v", "error", "-select_streams", "a:0", "-show_entries", "stream=codec_name", "-of", "json", path]));
        var streams = document.RootElement.GetProperty("streams");
        return streams.GetArrayLength() == 0 ? null : streams[0].GetProperty("codec_name").GetString();
    }

    /// <summary>A container tag (format level), such as comment.</summary>
    public static async Task<string?> TagAsync(string path, string tag)
    {
        using var document = JsonDocument.Parse(await ToolRun.StdoutAsync("ffprobe", ["-v", "error", "-show_entries", "format_tags", "-of", "json", path]));
        return document.RootElement.GetProperty("format").TryGetProperty("tags", out var tags) && tags.TryGetProperty(tag, out var value) ? value.GetString() : null;
    }

    /// <summary>Integrated loudness (LUFS) by ffmpeg's EBU R128 meter.</summary>
    public static async Task<double> IntegratedLoudnessAsync(string path)
    {
        var stderr = await ToolRun.StderrAsync("ffmpeg", ["-hide_banner", "-nostdin", "-i", path, "-vn", "-af", "ebur128", "-f", "null", "-"]);
        var match = Integrated().Matches(stderr).LastOrDefault() ?? throw new InvalidOperationException($"ebur128 printed no integrated loudness: {stderr}");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>Silent stretches (below <paramref name="noiseDb"/> for at least <paramref name="minSeconds"/>); one open at the end closes there.</summary>
    public static async Task<IReadOnlyList<Silence>> SilencesAsync(string path, double duration, double noiseDb = -50, double minSeconds = 0.3)
    {
        var stderr = await ToolRun.StderrAsync("ffmpeg", ["-hide_banner", "-nostdin", "-i", path, "-vn",
            "-af", $"silencedetect=noise={noiseDb.ToString(CultureInfo.InvariantCulture)}dB:d={minSeconds.ToString(CultureInfo.InvariantCulture)}", "-f", "null", "-"]);
        var silences = new List<Silence>();
        double? start = null;
        foreach (Match match in SilenceEvent().Matches(stderr))
        {
            var at = double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
            if (match.Groups[1].Value == "start") start = at;
            else if (start is { } began)
            {
                silences.Add(new Silence(began, at));
                start = null;
            }
        }
        if (start is { } open) silences.Add(new Silence(open, duration));
        return silences;
    }

    /// <summary>Whether something is heard in [from, to): no silent stretch covers the whole window.</summary>
    public static bool Heard(IReadOnlyList<Silence> silences, double from, double to) =>
        !silences.Any(s => s.Start <= from + 0.01 && s.End >= to - 0.01);

    /// <summary>How long a file's first audio stream lasts, by ffprobe.</summary>
    public static async Task<double> AudioSecondsAsync(string path)
    {
        using var document = JsonDocument.Parse(await ToolRun.StdoutAsync("ffprobe", ["-v", "error", "-select_streams", "a:0", "-show_entries", "stream=duration", "-of", "json", path]));
        return double.Parse(document.RootElement.GetProperty("streams")[0].GetProperty("duration").GetString()!, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Where captions part from the spoken words (film seconds, in order): every cue must start with its first word and
    /// end with its last, within <paramref name="tolerance"/>, and the cues must use up every word. Empty when they agree.
    /// </summary>
    public static IReadOnlyList<string> CueMismatches(IReadOnlyList<Cue> cues, IReadOnlyList<(double Start, double End)> words, double tolerance = 0.1)
    {
        var mismatches = new List<string>();
        var next = 0;
        foreach (var cue in cues)
        {
            var count = cue.Text.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Length;
            if (next + count > words.Count)
            {
                mismatches.Add($"cue '{cue.Text}' has more words than were spoken");
                return mismatches;
            }
            if (Math.Abs(cue.Start - words[next].Start) > tolerance) mismatches.Add($"cue '{cue.Text}' starts at {cue.Start:0.###}, its first word at {words[next].Start:0.###}");
            if (Math.Abs(cue.End - words[next + count - 1].End) > tolerance) mismatches.Add($"cue '{cue.Text}' ends at {cue.End:0.###}, its last word at {words[next + count - 1].End:0.###}");
            next += count;
        }
        if (next != words.Count) mismatches.Add($"{words.Count - next} spoken words have no cue");
        return mismatches;
    }

    /// <summary>The cues of a WebVTT or SRT file.</summary>
    public static IReadOnlyList<Cue> Cues(string captions) =>
        CueBlock().Matches(captions.Replace("\r\n", "\n"))
            .Select(m => new Cue(Seconds(m.Groups[1].Value), Seconds(m.Groups[2].Value), m.Groups[3].Value.Trim()))
            .ToList();

    private static double Seconds(string time)
    {
        var parts = time.Replace(',', '.').Split(':');
        return int.Parse(parts[0], CultureInfo.InvariantCulture) * 3600 + int.Parse(parts[1], CultureInfo.InvariantCulture) * 60
            + double.Parse(parts[2], CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"Integrated loudness:\s+I:\s+(-?[0-9.]+) LUFS")]
    private static partial Regex Integrated();

    [GeneratedRegex(@"silence_(start|end): (-?[0-9.]+)")]
    private static partial Regex SilenceEvent();

    [GeneratedRegex(@"(\d+:\d\d:\d\d[.,]\d{3}) --> (\d+:\d\d:\d\d[.,]\d{3})[^\n]*\n((?:.+\n?)+)")]
    private static partial Regex CueBlock();
}
