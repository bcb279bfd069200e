using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ministudio.Compose.MediaTools;
using Ministudio.Platform;

namespace Ministudio.Compose.Audio;

/// <summary>
/// Mixes a film's audio with ffmpeg in six short runs: (1) one filtergraph places speech and sounds with adelay, loops
/// and trims the music bed, fades it, ducks it under speech with sidechaincompress and sums everything with amix
/// (normalize=0, so gains are ours); (2) loudnorm measures that mix; (3) loudnorm applies the measured values in linear
/// mode, padded and trimmed to the exact sample count; (4) the reference ebur128 meter checks it, (5) one last gain
/// closes any gap left and (6) ebur128 measures what was written. ffmpeg gets an argument list, opens local files only,
/// and every input must lie inside the job folder.
/// </summary>
public sealed partial class AudioMixer(ComposeOptions options) : IAudioMixer
{
    public const int SampleRate = 48000;
    public const double TruePeakLimit = -1.5;
    public const double MaxDurationSeconds = 6 * 3600;

    /// <summary>ebur128's floor: what it reports for silence.</summary>
    private const double SilenceLufs = -70;

    /// <summary>
    /// Loudness range target: at its maximum, so loudnorm keeps linear mode (one gain for the whole film, which keeps
    /// the ducking and the balance intact) unless the true-peak limit forces it to dynamic mode.
    /// </summary>
    private const double LoudnessRange = 20;

    // Ducking: speech 12 dB over the threshold pulls the music down by about 10 dB, back within half a second.
    private const string Ducking = "sidechaincompress=threshold=0.02:ratio=6:attack=15:release=400:makeup=1";

    public async Task<MixedAudio> MixAsync(AudioMix mix, string folder, IProgress<double>? progress, CancellationToken ct)
    {
        folder = Path.GetFullPath(folder);
        Validate(mix);
        var speech = mix.Speech.Select(p => p with { Path = Inside(folder, p.Path) }).ToList();
        var sounds = mix.Sounds.Select(p => p with { Path = Inside(folder, p.Path) }).ToList();
        var music = mix.Music is null ? null : mix.Music with { Path = Inside(folder, mix.Music.Path) };
        var samples = (long)Math.Round(mix.DurationSeconds * SampleRate);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.MaxDuration);
        var output = Path.Combine(folder, $"mix-{Guid.NewGuid():N}.wav");
        var premix = Path.Combine(folder, $"premix-{Guid.NewGuid():N}.wav");
        var normalized = Path.Combine(folder, $"normalized-{Guid.NewGuid():N}.wav");
        var rate = SampleRate.ToString(CultureInfo.InvariantCulture);
        try
        {
            var sections = new StagedProgress(progress, mix.DurationSeconds);
            await RunAsync(PremixArguments(speech, sounds, music, mix.DurationSeconds, samples, premix), sections.Stage(0, 0.4), timeout.Token, ct);

            var measured = await MeasureAsync(premix, mix.TargetLufs, sections.Stage(0.4, 0.55), timeout.Token, ct);
            // Silence has no loudness to normalize: it is written as it is.
            var normalize = measured is null ? "anull" : $"{Loudnorm(mix.TargetLufs)}:{measured}:linear=true:print_format=summary";
            await RunAsync(
                ["-i", premix, "-af", $"{normalize},aresample={SampleRate},apad=whole_len={samples},atrim=end_sample={samples}",
                 "-ar", rate, "-ac", "2", "-c:a", "pcm_f32le", normalized],
                sections.Stage(0.55, 0.75), timeout.Token, ct);

            // loudnorm's own meter can read a mix of tones and silences a full LU away from the reference ebur128
            // meter; one final gain (never past the true-peak limit) closes what the reference still measures.
            var (integrated, truePeak) = await LoudnessAsync(normalized, timeout.Token, ct);
            var gain = integrated <= SilenceLufs ? 0 : Math.Min(mix.TargetLufs - integrated, TruePeakLimit - truePeak);
            await RunAsync(["-i", normalized, "-af", $"volume={F(gain)}dB", "-ar", rate, "-ac", "2", "-c:a", "pcm_s16le", output],
                sections.Stage(0.75, 0.95), timeout.Token, ct);

            var (result, _) = await LoudnessAsync(output, timeout.Token, ct);
            progress?.Report(1);
            return new MixedAudio(output, result);
        }
        catch
        {
            File.Delete(output);
            throw;
        }
        finally
        {
            File.Delete(premix);
            File.Delete(normalized);
        }
    }

    private static void Validate(AudioMix mix)
    {
        if (!(mix.DurationSeconds is > 0 and <= MaxDurationSeconds))
            throw new AudioMixException("audio.invalid_mix", $"A mix lasts more than 0 and at most {MaxDurationSeconds} s, not {mix.DurationSeconds}.");
        if (!(mix.TargetLufs is >= -70 and <= -5))
            throw new AudioMixException("audio.invalid_mix", $"The loudness target must be between -70 and -5 LUFS, not {mix.TargetLufs}.");
        foreach (var placed in mix.Speech.Concat(mix.Sounds))
        {
            if (!(placed.StartSeconds >= 0 && placed.StartSeconds < mix.DurationSeconds))
                throw new AudioMixException("audio.invalid_mix", $"{Path.GetFileName(placed.Path)} starts at {placed.StartSeconds} s, outside the {mix.DurationSeconds} s mix.");
            if (!(placed.Volume is >= 0 and <= 16))
                throw new AudioMixException("audio.invalid_mix", $"{Path.GetFileName(placed.Path)} has volume {placed.Volume}; volumes run from 0 to 16.");
        }
        if (mix.Music is { } music && !(music.Volume is >= 0 and <= 16 && music.FadeInSeconds >= 0 && music.FadeOutSeconds >= 0))
            throw new AudioMixException("audio.invalid_mix", "The music's volume runs from 0 to 16 and its fades cannot be negative.");
    }

    /// <summary>The full path of an input, which must be an existing file inside the job folder.</summary>
    private static string Inside(string folder, string path)
    {
        var full = Path.GetFullPath(path, folder);
        if (!full.StartsWith(folder.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new AudioMixException("audio.input_outside_folder", $"{Path.GetFileName(path)} is not inside the job folder.");
        if (!File.Exists(full)) throw new AudioMixException("audio.input_missing", $"{Path.GetFileName(path)} does not exist.");
        return full;
    }

    private static List<string> PremixArguments(
        IReadOnlyList<PlacedAudio> speech, IReadOnlyList<PlacedAudio> sounds, MusicBed? music, double duration, long samples, string premix)
    {
        var arguments = new List<string>();
        var graph = new List<string>();
        var bus = new List<string>();
        var input = 0;
        const string Format = "aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo";

        string Place(PlacedAudio placed, string label)
        {
            arguments.AddRange(["-i", placed.Path]);
            var delay = (long)Math.Round(placed.StartSeconds * 1000);
            graph.Add($"[{input++}:a]{Format},volume={F(placed.Volume)},adelay=delays={delay}:all=1,apad=whole_len={samples},atrim=end_sample={samples}[{label}]");
            return $"[{label}]";
        }

        var speechLabels = speech.Select((p, i) => Place(p, $"speech{i}")).ToList();
        var soundLabels = sounds.Select((p, i) => Place(p, $"sound{i}")).ToList();
        string? speechBus = null;
        if (speechLabels.Count > 0)
        {
            graph.Add($"{string.Concat(speechLabels)}amix=inputs={speechLabels.Count}:normalize=0:duration=longest[speech]");
            speechBus = "[speech]";
        }

        if (music is not null)
        {
            // Looped without end at the input, then cut to the film: a short bed repeats, a long one is trimmed.
            arguments.AddRange(["-stream_loop", "-1", "-i", music.Path]);
            var fadeIn = Math.Min(music.FadeInSeconds, duration / 2);
            var fadeOut = Math.Min(music.FadeOutSeconds, duration / 2);
            var fades = (fadeIn > 0 ? $",afade=t=in:st=0:d={F(fadeIn)}" : "") + (fadeOut > 0 ? $",afade=t=out:st={F(duration - fadeOut)}:d={F(fadeOut)}" : "");
            var ducked = music.Duck && speechBus is not null;
            graph.Add($"[{input++}:a]{Format},atrim=end_sample={samples},asetpts=N/SR/TB,volume={F(music.Volume)}{fades},apad=whole_len={samples}[{(ducked ? "bed" : "music")}]");
            if (ducked)
            {
                // Speech is split: one copy is heard, the other is the compressor's sidechain key.
                graph.Add("[speech]asplit=2[voice][key]");
                graph.Add($"[bed][key]{Ducking}[music]");
                speechBus = "[voice]";
            }
            bus.Add("[music]");
        }
        if (speechBus is not null) bus.Add(speechBus);
        bus.AddRange(soundLabels);

        if (bus.Count == 0)
        {
            arguments.AddRange(["-f", "lavfi", "-i", $"anullsrc=r={SampleRate}:cl=stereo"]);
            graph.Add($"[{input}:a]atrim=end_sample={samples}[mix]");
        }
        else
        {
            graph.Add($"{string.Concat(bus)}amix=inputs={bus.Count}:normalize=0:duration=longest,atrim=end_sample={samples}[mix]");
        }
        // 32-bit float between the passes: an un-normalized sum may exceed full scale and must not clip before loudnorm.
        arguments.AddRange(["-filter_complex", string.Join(';', graph), "-map", "[mix]", "-ar", SampleRate.ToString(CultureInfo.InvariantCulture),
            "-c:a", "pcm_f32le", premix]);
        return arguments;
    }

    private static string Loudnorm(double target) => $"loudnorm=I={F(target)}:TP={F(TruePeakLimit)}:LRA={F(LoudnessRange)}";

    /// <summary>Pass 1: loudnorm's measurement as its pass-2 parameters, or null for silence (nothing to measure).</summary>
    private async Task<string?> MeasureAsync(string premix, double target, Action<double> progress, CancellationToken timeout, CancellationToken ct)
    {
        var stderr = await RunAsync(["-i", premix, "-af", $"{Loudnorm(target)}:print_format=json", "-f", "null", "-"], progress, timeout, ct);
        var start = stderr.LastIndexOf('{');
        var end = stderr.LastIndexOf('}');
        if (start < 0 || end < start) throw new AudioMixException("audio.ffmpeg_failed", "loudnorm printed no measurement.");
        using var json = JsonDocument.Parse(stderr[start..(end + 1)]);
        string Value(string name) => json.RootElement.GetProperty(name).GetString() ?? "";
        var input = Value("input_i");
        if (!double.TryParse(input, NumberStyles.Float, CultureInfo.InvariantCulture, out var integrated) || double.IsInfinity(integrated) || integrated <= -70)
            return null;
        return $"measured_I={input}:measured_TP={Value("input_tp")}:measured_LRA={Value("input_lra")}:measured_thresh={Value("input_thresh")}:offset={Value("target_offset")}";
    }

    /// <summary>Integrated loudness and true peak by the ebur128 meter (-70 LUFS, its floor, for silence).</summary>
    private async Task<(double IntegratedLufs, double TruePeakDb)> LoudnessAsync(string path, CancellationToken timeout, CancellationToken ct)
    {
        var stderr = await RunAsync(["-i", path, "-af", "ebur128=framelog=verbose:peak=true", "-f", "null", "-"], null, timeout, ct);
        var integrated = IntegratedLine().Matches(stderr).LastOrDefault()
            ?? throw new AudioMixException("audio.ffmpeg_failed", "ebur128 printed no integrated loudness.");
        var peak = TruePeakLine().Matches(stderr).LastOrDefault()
            ?? throw new AudioMixException("audio.ffmpeg_failed", "ebur128 printed no true peak.");
        return (double.Parse(integrated.Groups[1].Value, CultureInfo.InvariantCulture),
            peak.Groups[1].Value == "-inf" ? double.NegativeInfinity : double.Parse(peak.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>Runs ffmpeg with local-only inputs and progress on stdout; returns its stderr.</summary>
    private async Task<string> RunAsync(List<string> arguments, Action<double>? progress, CancellationToken timeout, CancellationToken ct)
    {
        List<string> all = ["-nostdin", "-hide_banner", "-nostats", "-y", "-threads", options.Threads.ToString(CultureInfo.InvariantCulture),
            "-progress", "pipe:1", .. ToolProcess.LocalOnly, .. arguments];
        ProcessResult result;
        try
        {
            result = await ToolProcess.RunAsync("ffmpeg", all, timeout, onOutputLine: line =>
            {
                if (progress is not null && line.StartsWith("out_time_us=", StringComparison.Ordinal)
                    && long.TryParse(line.AsSpan("out_time_us=".Length), NumberStyles.Integer, CultureInfo.InvariantCulture, out var microseconds))
                    progress(microseconds / 1e6);
            });
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new AudioMixException("audio.ffmpeg_failed", $"ffmpeg ran past the {options.MaxDuration.TotalSeconds} s cap (Compose:MaxSeconds) and was stopped.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new AudioMixException("audio.ffmpeg_failed", $"ffmpeg could not be started: {ex.Message}", ex);
        }
        if (result.ExitCode != 0) throw new AudioMixException("audio.ffmpeg_failed", $"ffmpeg failed ({result.ExitCode}): {ToolProcess.Tail(result.StandardError)}");
        return result.StandardError;
    }

    private static string F(double value) => Ffmpeg.Number(value);

    [GeneratedRegex(@"Integrated loudness:\s+I:\s+(-?[0-9.]+) LUFS")]
    private static partial Regex IntegratedLine();

    [GeneratedRegex(@"True peak:\s+Peak:\s+(-?[0-9.]+|-inf) dBFS")]
    private static partial Regex TruePeakLine();

    /// <summary>Maps each ffmpeg run's position in the film onto its share of the whole job's 0..1.</summary>
    private sealed class StagedProgress(IProgress<double>? target, double duration)
    {
        private double _last;

        public Action<double> Stage(double from, double to) => seconds =>
        {
            if (target is null) return;
            var value = from + (to - from) * Math.Clamp(seconds / duration, 0, 1);
            lock (this)
            {
                // ffmpeg's progress lines arrive on a reader thread; never report going backwards.
                if (value <= _last) return;
                _last = value;
            }
            target.Report(value);
        };
    }
}
