using Ministudio.Compose.Audio;

namespace Ministudio.Compose.Tests.Audio;

public sealed class ElevenLabsSpeechTests(FakeElevenLabs fake) : IClassFixture<FakeElevenLabs>, IDisposable
{
    private const string Voice = "elevenlabs:" + FakeElevenLabs.Voice;
    private SpeechServices? _services;

    public void Dispose() => _services?.Dispose();

    private SpeechServices Services(string apiKey = FakeElevenLabs.ApiKey) => _services ??= new SpeechServices(new Dictionary<string, string?>
    {
        ["Compose:Audio:ElevenLabs:BaseUrl"] = fake.BaseUrl.ToString(),
        ["Compose:Audio:ElevenLabs:ApiKey"] = apiKey,
        ["Compose:Audio:ElevenLabs:ModelId"] = "eleven_test_model",
    });

    [Fact]
    public async Task Mp3_and_character_alignment_become_a_wav_with_word_timings()
    {
        fake.Reset();
        var services = Services();
        const string text = "Hello there, brave new world.";
        var clip = await services.Synthesizer.SynthesizeAsync(new SpeechRequest(text, Voice), services.Folder, TestContext.Current.CancellationToken);

        await CloudSpeech.AssertVendorAudioAsync(clip, services.Folder);
        Assert.Equal(["Hello", "there", "brave", "new", "world"], clip.Words.Select(w => w.Word));
        // The fake gives every character an equal slot after 0.1 s: a word starts at its first character's slot.
        var slot = (FakeSpeechVendor.AudioSeconds - 0.3) / text.Length;
        Assert.Equal(0.1 + text.IndexOf("brave", StringComparison.Ordinal) * slot, clip.Words[2].StartSeconds, 2);
        Assert.Equal(0.1 + text.Length * slot, clip.Words[^1].EndSeconds, 2);

        var request = Assert.Single(fake.Requests);
        Assert.Equal(("POST", $"/v1/text-to-speech/{FakeElevenLabs.Voice}/with-timestamps", FakeElevenLabs.ApiKey), (request.Method, request.Path, request.Header("xi-api-key")));
        Assert.Equal("?output_format=mp3_44100_128", request.Query);
        Assert.Equal(text, request.Node()!["text"]!.GetValue<string>());
        Assert.Equal("eleven_test_model", request.Node()!["model_id"]!.GetValue<string>());
        Assert.Null(request.Node()!["voice_settings"]);
    }

    [Fact]
    public async Task A_rate_is_sent_as_the_voice_speed()
    {
        fake.Reset();
        var services = Services();
        await services.Synthesizer.SynthesizeAsync(new SpeechRequest("Slowly now.", Voice, 0.8), services.Folder, TestContext.Current.CancellationToken);
        Assert.Equal(0.8, Assert.Single(fake.Requests).Node()!["voice_settings"]!["speed"]!.GetValue<double>());
    }

    [Fact]
    public Task Rate_limiting_is_retryable_after_the_vendors_wait()
    {
        fake.Next = VendorFailure.RateLimited;
        return CloudSpeech.AssertFailsAsync(Services(), new SpeechRequest("Too fast.", Voice), "tts.rate_limited", true, TimeSpan.FromSeconds(FakeSpeechVendor.RetryAfterSeconds));
    }

    [Theory]
    [InlineData(VendorFailure.QuotaExhausted, "tts.quota_exhausted", false)]
    [InlineData(VendorFailure.ServerError, "tts.unavailable", true)]
    [InlineData(VendorFailure.Rejected, "tts.rejected", false)]
    public Task Vendor_errors_map_to_stable_codes(VendorFailure failure, string code, bool retryable)
    {
        fake.Next = failure;
        return CloudSpeech.AssertFailsAsync(Services(), new SpeechRequest("Fails.", Voice), code, retryable);
    }

    [Fact]
    public Task A_voice_the_vendor_does_not_know_is_an_invalid_voice() =>
        CloudSpeech.AssertFailsAsync(Services(), new SpeechRequest("Who speaks?", "elevenlabs:NoSuchVoice42"), "tts.invalid_voice", false);

    [Fact]
    public Task A_wrong_key_is_unauthorized() =>
        CloudSpeech.AssertFailsAsync(Services("xi-wrong"), new SpeechRequest("Let me in.", Voice), "tts.unauthorized", false);
}
