using Ministudio.Compose.Audio;
using Ministudio.Compose.MediaTools;

namespace Ministudio.Compose.Tests.Audio;

public sealed class AudioMixerTests : IDisposable
{
    // Music is a 220 Hz tone, speech a 3 kHz tone: three low-pass stages keep only the music when measuring it.
    private const string MusicBand = "lowpass=f=500,lowpass=f=500,lowpass=f=500";
    private const string SpeechBand = "highpass=f=1500,highpass=f=1500,highpass=f=1500";

    private readonly string _folder = Directory.CreateTempSubdirectory("ministudio-audio-tests").FullName;
    private readonly AudioMixer _mixer = new(new ComposeOptions(TimeSpan.FromMinutes(2), 2));

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(-14)]
    [InlineData(-20)]
    public async Task The_mix_reaches_its_loudness_target_within_one_LU(double target)
    {
        var speech = await AudioProbe.ToneAsync(_folder, "speech.wav", 3000, 2);
        var music = await AudioProbe.ToneAsync(_folder, "music.wav", 220, 3);
        var mix = new AudioMix(8, [new PlacedAudio(speech, 1), new PlacedAudio(speech, 4.5, 0.7)], [], new MusicBed(music, 0.3), target);

        var result = await _mixer.MixAsync(mix, _folder, null, TestContext.Current.CancellationToken);

        var measured = await AudioProbe.IntegratedLoudnessAsync(result.Path);
        Assert.InRange(measured, target - 1, target + 1);
        Assert.InRange(result.IntegratedLufs, measured - 0.5, measured + 0.5);
        Assert.True(await AudioProbe.MaxVolumeAsync(result.Path) <= -1.0, "true peak should stay under the -1.5 dBTP limit");
    }

    [Fact]
    public async Task Music_is_ducked_under_speech_and_not_without_ducking()
    {
        var speech = await AudioProbe.ToneAsync(_folder, "speech.wav", 3000, 2);
        var music = await AudioProbe.ToneAsync(_folder, "music.wav", 220, 3);
        PlacedAudio[] speaking = [new PlacedAudio(speech, 3)];

        var ducked = await _mixer.MixAsync(new AudioMix(10, speaking, [], new MusicBed(music, 0.5, Duck: true)), _folder, null, TestContext.Current.CancellationToken);
        var level = await MusicDropUnderSpeechAsync(ducked.Path);
        Assert.True(level >= 6, $"music should drop at least 6 dB under speech, dropped {level:0.0} dB");

        // The same mix without ducking keeps the music steady: the drop above comes from the ducking.
        var steady = await _mixer.MixAsync(new AudioMix(10, speaking, [], new MusicBed(music, 0.5, Duck: false)), _folder, null, TestContext.Current.CancellationToken);
        var unchanged = await MusicDropUnderSpeechAsync(steady.Path);
        Assert.InRange(unchanged, -1.5, 1.5);

        // And the speech itself is there, in its window only.
        Assert.True(await AudioProbe.MeanVolumeAsync(ducked.Path, 3.5, 1, SpeechBand) - await AudioProbe.MeanVolumeAsync(ducked.Path, 1.5, 1, SpeechBand) > 30);
    }

    /// <summary>Music level (dB) from 1.5–2.5 s, before speech, minus its level from 3.5–4.5 s, under speech starting at 3 s.</summary>
    private static async Task<double> MusicDropUnderSpeechAsync(string path) =>
        await AudioProbe.MeanVolumeAsync(path, 1.5, 1, MusicBand) - await AudioProbe.MeanVolumeAsync(path, 3.5, 1, MusicBand);

    [Theory]
    [InlineData(5.0)]
    [InlineData(7.251)]
    public async Task The_mix_is_stereo_48_kHz_and_exactly_as_long_as_asked(double seconds)
    {
        // Speech runs past the end, the music is shorter than the film and must loop.
        var speech = await AudioProbe.ToneAsync(_folder, "speech.wav", 3000, 2);
        var music = await AudioProbe.ToneAsync(_folder, "music.wav", 220, 2.2);
        var mix = new AudioMix(seconds, [new PlacedAudio(speech, seconds - 1)], [new PlacedAudio(speech, 0.2, 0.5)], new MusicBed(music, 0.5, FadeOutSeconds: 0.5));

        var result = await _mixer.MixAsync(mix, _folder, null, TestContext.Current.CancellationToken);

        var stream = await AudioProbe.StreamAsync(result.Path);
        Assert.Equal(("pcm_s16le", 48000, 2), (stream.Codec, stream.SampleRate, stream.Channels));
        Assert.Equal((long)Math.Round(seconds * 48000), stream.Samples);
        // Past the bed's own 2.2 s the loop still plays (the window ends before the fade-out).
        Assert.True(await AudioProbe.MeanVolumeAsync(result.Path, seconds - 1.5, 0.4, MusicBand) > -40, "the music bed should loop to the end");
    }

    [Fact]
    public async Task Progress_rises_to_one()
    {
        var speech = await AudioProbe.ToneAsync(_folder, "speech.wav", 3000, 2);
        var reported = new List<double>();
        await _mixer.MixAsync(new AudioMix(4, [new PlacedAudio(speech, 0.5)], [], null), _folder, new SynchronousProgress(reported.Add), TestContext.Current.CancellationToken);

        Assert.True(reported.Count >= 2, $"expected several progress reports, got {reported.Count}");
        Assert.Equal(1, reported[^1]);
        Assert.Equal(reported.Order(), reported);
        Assert.All(reported, value => Assert.InRange(value, 0, 1));
    }

    [Fact]
    public async Task A_mix_with_nothing_in_it_is_silence_of_the_right_length()
    {
        var result = await _mixer.MixAsync(new AudioMix(2, [], [], null), _folder, null, TestContext.Current.CancellationToken);

        Assert.Equal(96000, (await AudioProbe.StreamAsync(result.Path)).Samples);
        Assert.True(await AudioProbe.MaxVolumeAsync(result.Path) < -80, "an empty mix should be silent");
        Assert.Equal(-70, result.IntegratedLufs, 0.5);
    }

    [Fact]
    public async Task An_input_outside_the_job_folder_is_refused()
    {
        var outside = Directory.CreateTempSubdirectory("ministudio-audio-outside").FullName;
        try
        {
            var tone = await AudioProbe.ToneAsync(outside, "tone.wav", 440, 1);
            var relative = Path.Combine("..", Path.GetFileName(outside), "tone.wav");
            foreach (var path in new[] { tone, relative })
            {
                var error = await Assert.ThrowsAsync<AudioMixException>(() =>
                    _mixer.MixAsync(new AudioMix(2, [new PlacedAudio(path, 0)], [], null), _folder, null, TestContext.Current.CancellationToken));
                Assert.Equal("audio.input_outside_folder", error.Code);
            }
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Fact]
    public async Task A_missing_input_is_refused_with_its_code()
    {
        var error = await Assert.ThrowsAsync<AudioMixException>(() =>
            _mixer.MixAsync(new AudioMix(2, [], [], new MusicBed(Path.Combine(_folder, "absent.wav"))), _folder, null, TestContext.Current.CancellationToken));
        Assert.Equal("audio.input_missing", error.Code);
    }

    [Theory]
    [InlineData(0, 0, 1, -14)]
    [InlineData(double.NaN, 0, 1, -14)]
    [InlineData(5, -1, 1, -14)]
    [InlineData(5, 5, 1, -14)]
    [InlineData(5, 0, -0.5, -14)]
    [InlineData(5, 0, 1, 3)]
    public async Task A_mix_that_cannot_be_made_is_refused_with_its_code(double duration, double start, double volume, double target)
    {
        var tone = await AudioProbe.ToneAsync(_folder, "tone.wav", 440, 1);
        var error = await Assert.ThrowsAsync<AudioMixException>(() =>
            _mixer.MixAsync(new AudioMix(duration, [new PlacedAudio(tone, start, volume)], [], null, target), _folder, null, TestContext.Current.CancellationToken));
        Assert.Equal("audio.invalid_mix", error.Code);
    }

    [Fact]
    public async Task A_file_ffmpeg_cannot_read_fails_with_the_ffmpeg_code()
    {
        var garbage = Path.Combine(_folder, "garbage.wav");
        await File.WriteAllBytesAsync(garbage, new byte[4096], TestContext.Current.CancellationToken);
        var error = await Assert.ThrowsAsync<AudioMixException>(() =>
            _mixer.MixAsync(new AudioMix(2, [new PlacedAudio(garbage, 0)], [], null), _folder, null, TestContext.Current.CancellationToken));
        Assert.Equal("audio.ffmpeg_failed", error.Code);
        Assert.Empty(Directory.EnumerateFiles(_folder, "*mix-*"));
    }

    private sealed class SynchronousProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
