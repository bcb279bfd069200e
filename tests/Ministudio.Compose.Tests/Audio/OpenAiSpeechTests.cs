using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Ministudio.Compose.Audio;
using Ministudio.Compose.MediaTools;
using Ministudio.Platform;

namespace Ministudio.Compose.Tests.Audio;

public sealed class OpenAiSpeechTests(FakeOpenAi fake) : SpeechVendorTests<FakeOpenAi>(fake), IClassFixture<FakeOpenAi>
{
    protected override string Voice => "openai:alloy";

    protected override string UnknownVoice => "openai:robot";

    protected override SpeechServices Services() => Services(FakeOpenAi.ApiKey);

    private SpeechServices Services(string apiKey) => Services(new Dictionary<string, string?>
    {
        ["Compose:Audio:OpenAI:BaseUrl"] = Fake.BaseUrl.ToString(),
        ["Compose:Audio:OpenAI:ApiKey"] = apiKey,
        ["Compose:Audio:OpenAI:Model"] = "tts-test-model",
    });

    [Fact]
    public async Task Speech_comes_back_as_a_wav_from_the_documented_request()
    {
        Fake.Reset();
        var services = Services();
        var clip = await services.Synthesizer.SynthesizeAsync(new SpeechRequest("Hello from the fake vendor.", "openai:nova", 1.25), services.Folder, TestContext.Current.CancellationToken);

        await CloudSpeech.AssertVendorAudioAsync(clip, services.Folder);
        // OpenAI gives no timings: the estimate covers every word.
        Assert.Equal(["Hello", "from", "the", "fake", "vendor"], clip.Words.Select(w => w.Word));

        var request = Assert.Single(Fake.Requests);
        Assert.Equal(("POST", "/v1/audio/speech", $"Bearer {FakeOpenAi.ApiKey}"), (request.Method, request.Path, request.Header("Authorization")));
        Assert.Equal("tts-test-model", request.Node()!["model"]!.GetValue<string>());
        Assert.Equal("Hello from the fake vendor.", request.Node()!["input"]!.GetValue<string>());
        Assert.Equal("nova", request.Node()!["voice"]!.GetValue<string>());
        Assert.Equal("wav", request.Node()!["response_format"]!.GetValue<string>());
        Assert.Equal(1.25, request.Node()!["speed"]!.GetValue<double>());
    }

    [Fact]
    public async Task A_repeated_request_is_answered_from_the_cache_without_a_second_call()
    {
        Fake.Reset();
        var services = Services();
        var request = new SpeechRequest("Only paid for once.", "openai:alloy");
        await services.Synthesizer.SynthesizeAsync(request, services.Folder, TestContext.Current.CancellationToken);
        var again = await services.Synthesizer.SynthesizeAsync(request, services.Folder, TestContext.Current.CancellationToken);

        Assert.Single(Fake.Requests);
        Assert.True(File.Exists(again.Path));
    }

    [Fact]
    public async Task Under_the_service_defaults_a_vendor_failure_surfaces_at_once_without_hidden_retries()
    {
        var root = Directory.CreateTempSubdirectory("ministudio-speech-host").FullName;
        try
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Compose:Audio:OpenAI:BaseUrl"] = Fake.BaseUrl.ToString(),
                ["Compose:Audio:OpenAI:ApiKey"] = FakeOpenAi.ApiKey,
            });
            builder.AddServiceDefaults();
            builder.Services.AddSingleton(new ArtifactStore(Path.Combine(root, "store"))).AddSingleton(new ComposeOptions(TimeSpan.FromMinutes(1), 1))
                .AddSingleton<ISpeechSpend>(new RecordedSpend()); // no bus in this host
            builder.AddAudio();
            using var host = builder.Build();
            Fake.Reset();

            foreach (var failure in new[] { VendorFailure.RateLimited, VendorFailure.ServerError })
            {
                Fake.Next = failure;
                // The fake fails only once: a retry inside the HTTP pipeline would succeed and hide the failure.
                await Assert.ThrowsAsync<SpeechException>(() => host.Services.GetRequiredService<ISpeechSynthesizer>()
                    .SynthesizeAsync(new SpeechRequest("Fail fast.", "openai:alloy"), root, TestContext.Current.CancellationToken));
            }
            Assert.Equal(2, Fake.Requests.Count);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public Task Running_out_of_quota_is_not_retryable() => AssertQuotaExhaustedAsync();

    [Fact]
    public Task A_wrong_key_is_unauthorized() =>
        CloudSpeech.AssertFailsAsync(Services("sk-wrong"), new SpeechRequest("Let me in.", "openai:alloy"), "tts.unauthorized", false);
}
