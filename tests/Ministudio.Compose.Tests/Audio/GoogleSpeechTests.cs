using System.Xml.Linq;
using Ministudio.Compose.Audio;

namespace Ministudio.Compose.Tests.Audio;

public sealed class GoogleSpeechTests(FakeGoogle fake) : SpeechVendorTests<FakeGoogle>(fake), IClassFixture<FakeGoogle>
{
    protected override string Voice => "google:en-US-Neural2-F";

    protected override string UnknownVoice => "google:en-US-Imaginary-Q";

    protected override SpeechServices Services() => Services(FakeGoogle.ApiKey, null);

    private SpeechServices Services(string? apiKey, string? accessToken) => Services(new Dictionary<string, string?>
    {
        ["Compose:Audio:Google:BaseUrl"] = Fake.BaseUrl.ToString(),
        ["Compose:Audio:Google:ApiKey"] = apiKey,
        ["Compose:Audio:Google:AccessToken"] = accessToken,
    });

    [Fact]
    public async Task Marked_ssml_gives_the_words_their_vendor_timepoints()
    {
        Fake.Reset();
        var services = Services();
        const string text = "Tom & Jerry say \"<hi>\" fast.";
        var clip = await services.Synthesizer.SynthesizeAsync(new SpeechRequest(text, "google:en-US-Neural2-F", 0.9), services.Folder, TestContext.Current.CancellationToken);

        await CloudSpeech.AssertVendorAudioAsync(clip, services.Folder);
        Assert.Equal(["Tom", "Jerry", "say", "<hi>", "fast"], clip.Words.Select(w => w.Word));
        for (var i = 0; i < clip.Words.Count; i++) Assert.Equal(FakeGoogle.TimeOfMark(i, clip.Words.Count), clip.Words[i].StartSeconds, 6);

        var request = Assert.Single(Fake.Requests);
        Assert.Equal(("POST", "/v1beta1/text:synthesize", FakeGoogle.ApiKey), (request.Method, request.Path, request.Header("X-Goog-Api-Key")));
        Assert.Null(request.Header("Authorization"));
        // The text survives SSML escaping word for word.
        var ssml = XDocument.Parse(request.Node()!["input"]!["ssml"]!.GetValue<string>());
        Assert.Equal(text.Replace(" ", ""), ssml.Root!.Value.Replace(" ", ""));
        Assert.Equal("en-US", request.Node()!["voice"]!["languageCode"]!.GetValue<string>());
        Assert.Equal("en-US-Neural2-F", request.Node()!["voice"]!["name"]!.GetValue<string>());
        Assert.Equal("LINEAR16", request.Node()!["audioConfig"]!["audioEncoding"]!.GetValue<string>());
        Assert.Equal(0.9, request.Node()!["audioConfig"]!["speakingRate"]!.GetValue<double>());
        Assert.Equal("SSML_MARK", request.Node()!["enableTimePointing"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task An_access_token_is_sent_as_a_bearer_token()
    {
        Fake.Reset();
        var services = Services(apiKey: null, accessToken: FakeGoogle.AccessToken);
        await services.Synthesizer.SynthesizeAsync(new SpeechRequest("Token please.", "google:en-GB-Wavenet-B"), services.Folder, TestContext.Current.CancellationToken);

        var request = Assert.Single(Fake.Requests);
        Assert.Equal($"Bearer {FakeGoogle.AccessToken}", request.Header("Authorization"));
        Assert.Null(request.Header("X-Goog-Api-Key"));
    }

    [Fact]
    public async Task A_voice_without_ssml_gets_plain_text_and_estimated_timings()
    {
        Fake.Reset();
        var services = Services();
        var clip = await services.Synthesizer.SynthesizeAsync(new SpeechRequest("Plain words only.", "google:en-US-Chirp3-HD-Charon"), services.Folder, TestContext.Current.CancellationToken);

        await CloudSpeech.AssertVendorAudioAsync(clip, services.Folder);
        Assert.Equal(["Plain", "words", "only"], clip.Words.Select(w => w.Word));
        var request = Assert.Single(Fake.Requests);
        Assert.Equal("Plain words only.", request.Node()!["input"]!["text"]!.GetValue<string>());
        Assert.Null(request.Node()!["enableTimePointing"]);
    }

    [Fact]
    public async Task Text_whose_marked_ssml_would_pass_googles_limit_goes_as_plain_text()
    {
        Fake.Reset();
        var services = Services();
        var text = string.Join(' ', Enumerable.Repeat("go", 1000));
        var clip = await services.Synthesizer.SynthesizeAsync(new SpeechRequest(text, "google:en-US-Neural2-F"), services.Folder, TestContext.Current.CancellationToken);

        Assert.Equal(1000, clip.Words.Count);
        var request = Assert.Single(Fake.Requests);
        Assert.Equal(text, request.Node()!["input"]!["text"]!.GetValue<string>());
        Assert.Null(request.Node()!["input"]!["ssml"]);
    }

    [Theory]
    [InlineData("AIza-wrong", null)]
    [InlineData(null, "ya29.wrong")]
    public Task Wrong_credentials_are_unauthorized(string? apiKey, string? accessToken) =>
        CloudSpeech.AssertFailsAsync(Services(apiKey, accessToken), new SpeechRequest("Let me in.", "google:en-US-Neural2-F"), "tts.unauthorized", false);
}
