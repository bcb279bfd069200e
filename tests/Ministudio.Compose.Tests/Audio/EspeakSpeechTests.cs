using Ministudio.Compose.Audio;

namespace Ministudio.Compose.Tests.Audio;

/// <summary>The default, offline engine through the router, with the real espeak-ng.</summary>
public sealed class EspeakSpeechTests : IDisposable
{
    private const string Sentence = "The quick brown fox jumps over the lazy dog, and then it rests.";
    private readonly List<CountingEngine> _engines = [];
    private readonly SpeechServices _services;

    public EspeakSpeechTests() => _services = new SpeechServices(wrap: engine =>
    {
        var counting = new CountingEngine(engine);
        _engines.Add(counting);
        return counting;
    });

    public void Dispose() => _services.Dispose();

    private int EspeakCalls => _engines.Single(e => e.Name == "espeak").Calls;

    [Fact]
    public async Task Espeak_speaks_audibly_for_a_plausible_time_with_estimated_word_timings()
    {
        var clip = await _services.Synthesizer.SynthesizeAsync(new SpeechRequest(Sentence, null), _services.Folder, TestContext.Current.CancellationToken);

        Assert.Equal(_services.Folder, Path.GetDirectoryName(clip.Path));
        var stream = await AudioProbe.StreamAsync(clip.Path);
        Assert.Equal("pcm_s16le", stream.Codec);
        Assert.Equal(clip.DurationSeconds, (double)stream.Samples / stream.SampleRate, 0.01);
        // 13 words at espeak's 175 words a minute: about 4.5 s; anything from 2 to 9 s is speech, not noise or silence.
        Assert.InRange(clip.DurationSeconds, 2, 9);
        Assert.True(await AudioProbe.MaxVolumeAsync(clip.Path) > -20, "the clip should not be silent");
        Assert.True(await AudioProbe.MeanVolumeAsync(clip.Path, 0, clip.DurationSeconds) > -40, "the clip should be mostly speech");

        Assert.Equal(["The", "quick", "brown", "fox", "jumps", "over", "the", "lazy", "dog", "and", "then", "it", "rests"], clip.Words.Select(w => w.Word));
        AssertTimingsInside(clip);
    }

    [Fact]
    public async Task A_faster_rate_gives_a_shorter_clip()
    {
        var normal = await _services.Synthesizer.SynthesizeAsync(new SpeechRequest(Sentence, "espeak:en-us"), _services.Folder, TestContext.Current.CancellationToken);
        var fast = await _services.Synthesizer.SynthesizeAsync(new SpeechRequest(Sentence, "espeak:en-us", 2.0), _services.Folder, TestContext.Current.CancellationToken);
        Assert.InRange(fast.DurationSeconds / normal.DurationSeconds, 0.35, 0.75);
    }

    [Fact]
    public async Task The_same_speech_is_synthesized_once_and_reused_from_the_store()
    {
        var request = new SpeechRequest("Cached narration line.", "espeak:en-us");
        var first = await _services.Synthesizer.SynthesizeAsync(request, _services.Folder, TestContext.Current.CancellationToken);
        var otherJob = Path.Combine(_services.Folder, "other-job");
        var second = await _services.Synthesizer.SynthesizeAsync(request, otherJob, TestContext.Current.CancellationToken);

        Assert.Equal(1, EspeakCalls);
        Assert.Equal(otherJob, Path.GetDirectoryName(second.Path));
        Assert.Equal(await File.ReadAllBytesAsync(first.Path, TestContext.Current.CancellationToken), await File.ReadAllBytesAsync(second.Path, TestContext.Current.CancellationToken));
        Assert.Equal(first.DurationSeconds, second.DurationSeconds);
        Assert.Equal(first.Words, second.Words);

        // Another rate is other speech.
        await _services.Synthesizer.SynthesizeAsync(request with { Rate = 1.5 }, otherJob, TestContext.Current.CancellationToken);
        Assert.Equal(2, EspeakCalls);
    }

    [Theory]
    [InlineData("-w /tmp/hijacked.wav --help")]
    [InlineData("--stdin -m <speak>\"quoted\" 'text'</speak>")]
    [InlineData("Line one.\nLine two;\r\n\t$(touch /tmp/hijacked.wav) `id` && rm -rf /")]
    public async Task Hostile_text_is_spoken_as_text(string text)
    {
        var clip = await _services.Synthesizer.SynthesizeAsync(new SpeechRequest(text, "espeak:en-us"), _services.Folder, TestContext.Current.CancellationToken);

        Assert.True(clip.DurationSeconds > 0.5, "the text should have been spoken");
        Assert.True(await AudioProbe.MaxVolumeAsync(clip.Path) > -20, "the clip should not be silent");
        Assert.False(File.Exists("/tmp/hijacked.wav"), "no option or command in the text may take effect");
        AssertTimingsInside(clip);
    }

    [Theory]
    [InlineData("", "espeak:en-us", 1.0, "tts.invalid_text")]
    [InlineData(" \n\t ", "espeak:en-us", 1.0, "tts.invalid_text")]
    [InlineData("Hello.", "espeak:--help", 1.0, "tts.invalid_voice")]
    [InlineData("Hello.", "espeak:../../etc/passwd", 1.0, "tts.invalid_voice")]
    [InlineData("Hello.", "espeak:zz-nowhere", 1.0, "tts.invalid_voice")]
    [InlineData("Hello.", "polly:Joanna", 1.0, "tts.invalid_voice")]
    [InlineData("Hello.", "en-us", 1.0, "tts.invalid_voice")]
    [InlineData("Hello.", "espeak:en-us", 0.1, "tts.invalid_rate")]
    [InlineData("Hello.", "espeak:en-us", double.NaN, "tts.invalid_rate")]
    [InlineData("Hello.", "openai:alloy", 1.0, "tts.not_configured")]
    [InlineData("Hello.", "elevenlabs:abc123", 2.0, "tts.invalid_rate")]
    public async Task A_request_that_cannot_be_spoken_is_refused_with_its_code(string text, string voice, double rate, string code)
    {
        var error = await Assert.ThrowsAsync<SpeechException>(() =>
            _services.Synthesizer.SynthesizeAsync(new SpeechRequest(text, voice, rate), _services.Folder, TestContext.Current.CancellationToken));
        Assert.Equal(code, error.Code);
        Assert.False(error.Retryable);
    }

    [Fact]
    public async Task Very_long_text_is_refused_before_any_engine_runs()
    {
        var error = await Assert.ThrowsAsync<SpeechException>(() =>
            _services.Synthesizer.SynthesizeAsync(new SpeechRequest(new string('a', 4001), null), _services.Folder, TestContext.Current.CancellationToken));
        Assert.Equal("tts.text_too_long", error.Code);
        Assert.Equal(0, EspeakCalls);
    }

    [Fact]
    public void Estimated_timings_share_the_clip_by_syllables_and_pause_at_punctuation()
    {
        var words = WordTimingEstimator.Estimate("Hi, wonderful day.", 3.0);
        // Weights: hi 1 + comma 0.5, wonderful 3, day 1 + full stop 1 = 6.5 units over 3 s.
        Assert.Equal(["Hi", "wonderful", "day"], words.Select(w => w.Word));
        Assert.Equal(0, words[0].StartSeconds, 6);
        Assert.Equal(3.0 * 1 / 6.5, words[0].EndSeconds, 6);
        Assert.Equal(3.0 * 1.5 / 6.5, words[1].StartSeconds, 6);
        Assert.Equal(3.0 * 4.5 / 6.5, words[1].EndSeconds, 6);
        Assert.Equal(3.0 * 5.5 / 6.5, words[2].EndSeconds, 6);
    }

    internal static void AssertTimingsInside(SpeechClip clip)
    {
        Assert.NotEmpty(clip.Words);
        var previousEnd = 0.0;
        foreach (var word in clip.Words)
        {
            Assert.True(word.StartSeconds >= previousEnd - 1e-9, $"'{word.Word}' starts at {word.StartSeconds} before the previous word ends at {previousEnd}");
            Assert.True(word.EndSeconds >= word.StartSeconds, $"'{word.Word}' ends before it starts");
            Assert.True(word.EndSeconds <= clip.DurationSeconds + 1e-9, $"'{word.Word}' ends at {word.EndSeconds}, after the clip's {clip.DurationSeconds} s");
            previousEnd = word.EndSeconds;
        }
    }
}
