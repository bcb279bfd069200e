using Microsoft.Extensions.DependencyInjection;
using Ministudio.Compose.Audio;
using Ministudio.Compose.MediaTools;

namespace Ministudio.Compose.Tests.Audio;

/// <summary>Real espeak-ng narration over a noise bed, through the registered synthesizer and mixer.</summary>
public sealed class NarrationMixTests : IDisposable
{
    private readonly SpeechServices _services = new();

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task Spoken_narration_over_music_meets_the_loudness_target_and_length()
    {
        var ct = TestContext.Current.CancellationToken;
        var first = await _services.Synthesizer.SynthesizeAsync(new SpeechRequest("Once upon a time, a small robot learned to paint.", null), _services.Folder, ct);
        var second = await _services.Synthesizer.SynthesizeAsync(new SpeechRequest("Every colour told a story.", "espeak:en-gb"), _services.Folder, ct);
        var music = await AudioProbe.RunToFileAsync(Path.Combine(_services.Folder, "bed.wav"), "-f", "lavfi", "-i", "anoisesrc=color=pink:d=4:amplitude=0.3:r=44100");
        var duration = first.DurationSeconds + second.DurationSeconds + 3;
        var mix = new AudioMix(duration, [new PlacedAudio(first.Path, 1), new PlacedAudio(second.Path, first.DurationSeconds + 2)], [], new MusicBed(music, 0.4), -16);

        var result = await _services.Provider.GetRequiredService<IAudioMixer>().MixAsync(mix, _services.Folder, null, ct);

        Assert.InRange(await AudioProbe.IntegratedLoudnessAsync(result.Path), -17, -15);
        Assert.Equal((long)Math.Round(duration * 48000), (await AudioProbe.StreamAsync(result.Path)).Samples);
    }

    [Fact]
    public async Task Ffmpeg_is_stopped_at_the_wall_time_cap()
    {
        var tone = await AudioProbe.ToneAsync(_services.Folder, "tone.wav", 440, 1);
        var capped = new AudioMixer(new ComposeOptions(TimeSpan.FromMilliseconds(1), 1));

        var error = await Assert.ThrowsAsync<AudioMixException>(() =>
            capped.MixAsync(new AudioMix(600, [new PlacedAudio(tone, 0)], [], null), _services.Folder, null, TestContext.Current.CancellationToken));

        Assert.Equal("audio.ffmpeg_failed", error.Code);
        Assert.Contains("Compose:MaxSeconds", error.Message);
        Assert.Equal(["tone.wav"], Directory.EnumerateFiles(_services.Folder).Select(Path.GetFileName));
    }
}
