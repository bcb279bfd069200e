using Ministudio.Compose.Audio;

namespace Ministudio.Compose.Tests.Audio;

public sealed class ElevenLabsSpeechTests(FakeElevenLabs fake) : SpeechVendorTests<FakeElevenLabs>(fake), IClassFixture<FakeElevenLabs>
{
    protected override string Voice => "elevenlabs:" + FakeElevenLabs.Voice;

    protected override string UnknownVoice => "elevenlabs:NoSuchVoice42";

    protected override SpeechServices Services() => Services(FakeElevenLabs.ApiKey);

    private SpeechServices Services(string apiKey) => Services(new Dictionary<string, string?>
    {
        ["Compose:Audio:ElevenLabs:BaseUrl"] = Fake.BaseUrl.ToString(),
        ["Compose:Audio:ElevenLabs:ApiKey"] = apiKey,
        ["Compose:Audio:ElevenLabs:ModelId"] = "eleven_test_model",
    });

    [Fact]
    public async Task Mp3_and_character_alignment_become_a_wav_with_word_timings()
    {
        Fake.Reset();
        var services = Services();
        const string text = "Hello there, brave new world.";
        var clip = await services.Synthesizer.SynthesizeAsync(new SpeechRequest(text, Voice), services.Folder, TestContext.Current.CancellationToken);

        await CloudSpeech.AssertVendorAudioAsync(clip, services.Folder);
        Assert.Equal(["Hello", "there", "brave", "new", "world"], clip.Words.Select(w => w.Word));
        // The fake gives every character an equal slot after 0.1 s: a word starts at its first character's slot.
        var slot = (FakeSpeechVendor.AudioSeconds - 0.3) / text.Length;
        Assert.Equal(0.1 + text.IndexOf("brave", StringComparison.Ordinal) * slot, clip.Words[2].StartSeconds, 2);
        Assert.Equal(0.1 + text.Length * slot, clip.Words[^1].EndSeconds, 2);

        var request = Assert.Single(Fake.Requests);
        Assert.Equal(("POST", $"/v1/text-to-speech/{FakeElevenLabs.Voice}/with-timestamps", FakeElevenLabs.ApiKey), (request.Method, request.Path, request.Header("xi-api-key")));
        Assert.Equal("?output_format=mp3_44100_128", request.Query);
        Assert.Equal(text, request.Node()!["text"]!.GetValue<string>());
        Assert.Equal("eleven_test_model", request.Node()!["model_id"]!.GetValue<string>());
        Assert.Null(request.Node()!["voice_settings"]);
    }

    [Fact]
    public async Task A_rate_is_sent_as_the_voice_speed()
    {
        Fake.Reset();
        var services = Services();
        await services.Synthesizer.SynthesizeAsync(new SpeechRequest("Slowly now.", Voice, 0.8), services.Folder, TestContext.Current.CancellationToken);
        Assert.Equal(0.8, Assert.Single(Fake.Requests).Node()!["voice_settings"]!["speed"]!.GetValue<double>());
    }

    [Fact]
    public Task Running_out_of_quota_is_not_retryable() => AssertQuotaExhaustedAsync();

    [Fact]
    public Task A_wrong_key_is_unauthorized() =>
        CloudSpeech.AssertFailsAsync(Services("xi-wrong"), new SpeechRequest("Let me in.", Voice), "tts.unauthorized", false);
}
