using System.Diagnostics;
using System.Globalization;
using Ministudio.Compose.Audio;

namespace Ministudio.Compose.Tests;

/// <summary>Speech stand-in: a sine tone 0.4 s per word, with evenly spaced word timings.</summary>
internal sealed class ToneSpeech(bool wordTimings = true) : ISpeechSynthesizer
{
    public const double SecondsPerWord = 0.4;

    public List<SpeechRequest> Requests { get; } = [];

    public async Task<SpeechClip> SynthesizeAsync(SpeechRequest request, string folder, CancellationToken ct)
    {
        Requests.Add(request);
        var words = request.Text.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        var duration = words.Length * SecondsPerWord;
        var path = Path.Combine(folder, $"speech-{Requests.Count:000}.wav");
        await FfmpegTool.RunAsync(["-f", "lavfi", "-i", $"sine=frequency=440:sample_rate=48000:duration={duration.ToString(CultureInfo.InvariantCulture)}", path], ct);
        var timings = wordTimings
            ? words.Select((word, i) => new WordTiming(word, i * SecondsPerWord, (i + 0.9) * SecondsPerWord)).ToList()
            : [];
        return new SpeechClip(path, duration, timings);
    }
}

/// <summary>Mixer stand-in: every input delayed to its start, summed, padded and cut to the exact length.</summary>
internal sealed class SimpleMixer : IAudioMixer
{
    public List<AudioMix> Mixes { get; } = [];

    public async Task<MixedAudio> MixAsync(AudioMix mix, string folder, IProgress<double>? progress, CancellationToken ct)
    {
        Mixes.Add(mix);
        var inputs = mix.Speech.Concat(mix.Sounds).ToList();
        if (mix.Music is { } music) inputs.Add(new PlacedAudio(music.Path, 0, music.Volume));
        var arguments = new List<string>();
        var graph = new List<string>();
        for (var i = 0; i < inputs.Count; i++)
        {
            arguments.AddRange(["-i", inputs[i].Path]);
            var delay = (long)(inputs[i].StartSeconds * 1000);
            graph.Add($"[{i}:a]aformat=sample_rates=48000:channel_layouts=stereo,adelay={delay}|{delay},volume={inputs[i].Volume.ToString(CultureInfo.InvariantCulture)}[a{i}]");
        }
        var length = mix.DurationSeconds.ToString(CultureInfo.InvariantCulture);
        graph.Add($"{string.Concat(inputs.Select((_, i) => $"[a{i}]"))}amix=inputs={inputs.Count}:normalize=0,apad,atrim=duration={length}[out]");
        var path = Path.Combine(folder, "mix.wav");
        await FfmpegTool.RunAsync([.. arguments, "-filter_complex", string.Join(';', graph), "-map", "[out]", "-ar", "48000", "-ac", "2", path], ct);
        progress?.Report(1);
        return new MixedAudio(path, -14);
    }
}

/// <summary>The real mixer, with every mix it was asked for kept for the test to read.</summary>
internal sealed class RecordingMixer(IAudioMixer inner) : IAudioMixer
{
    public List<AudioMix> Mixes { get; } = [];

    public Task<MixedAudio> MixAsync(AudioMix mix, string folder, IProgress<double>? progress, CancellationToken ct)
    {
        Mixes.Add(mix);
        return inner.MixAsync(mix, folder, progress, ct);
    }
}

/// <summary>ffmpeg for test fixtures, from an argument list.</summary>
internal static class FfmpegTool
{
    public static async Task RunAsync(IEnumerable<string> arguments, CancellationToken ct = default)
    {
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true };
        foreach (var argument in (string[])["-v", "error", "-y", .. arguments]) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var errors = await process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        Assert.True(process.ExitCode == 0, errors);
    }
}
