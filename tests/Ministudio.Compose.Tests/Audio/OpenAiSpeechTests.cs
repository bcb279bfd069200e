using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Ministudio.Compose.Audio;
using Ministudio.Compose.MediaTools;
using Ministudio.Platform;

namespace Ministudio.Compose.Tests.Audio;

public sealed class OpenAiSpeechTests(FakeOpenAi fake) : IClassFixture<FakeOpenAi>, IDisposable
{
    private SpeechServices? _services;

    public void Dispose() => _services?.Dispose();

    private SpeechServices Services(string apiKey = FakeOpenAi.ApiKey) => _services ??= new SpeechServices(new Dictionary<string, string?>
    {
        ["Compose:Audio:OpenAI:BaseUrl"] = fake.BaseUrl.ToString(),
        ["Compose:Audio:OpenAI:ApiKey"] = apiKey,
        ["Compose:Audio:OpenAI:Model"] = "tts-test-model",
    });

    [Fact]
    public async Task Speech_comes_back_as_a_wav_from_the_documented_request()
    {
        fake.Reset();
        var services = Services();
        var clip = await services.Synthesizer.SynthesizeAsync(new SpeechRequest("Hello from the fake vendor.", "openai:nova", 1.25), services.Folder, TestContext.Current.CancellationToken);

        await CloudSpeech.AssertVendorAudioAsync(clip, services.Folder);
        // OpenAI gives no timings: the estimate covers every word.
        Assert.Equal(["Hello", "from", "the", "fake", "vendor"], clip.Words.Select(w => w.Word));

        var request = Assert.Single(fake.Requests);
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
        fake.Reset();
        var services = Services();
        var request = new SpeechRequest("Only paid for once.", "openai:alloy");
        await services.Synthesizer.SynthesizeAsync(request, services.Folder, TestContext.Current.CancellationToken);
        var again = await services.Synthesizer.SynthesizeAsync(request, services.Folder, TestContext.Current.CancellationToken);

        Assert.Single(fake.Requests);
        Assert.True(File.Exists(again.Path));
    }

    [Fact]
    public Task Rate_limiting_is_retryable_after_the_vendors_wait()
    {
        fake.Next = VendorFailure.RateLimited;
        return CloudSpeech.AssertFailsAsync(Services(), new SpeechRequest("Too fast.", "openai:alloy"), "tts.rate_limited", true, TimeSpan.FromSeconds(FakeSpeechVendor.RetryAfterSeconds));
    }

    [Theory]
    [InlineData(VendorFailure.QuotaExhausted, "tts.quota_exhausted", false)]
    [InlineData(VendorFailure.ServerError, "tts.unavailable", true)]
    [InlineData(VendorFailure.Rejected, "tts.rejected", false)]
    public Task Vendor_errors_map_to_stable_codes(VendorFailure failure, string code, bool retryable)
    {
        fake.Next = failure;
        return CloudSpeech.AssertFailsAsync(Services(), new SpeechRequest("Fails.", "openai:alloy"), code, retryable);
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
                ["Compose:Audio:OpenAI:BaseUrl"] = fake.BaseUrl.ToString(),
                ["Compose:Audio:OpenAI:ApiKey"] = FakeOpenAi.ApiKey,
            });
            builder.AddServiceDefaults();
            builder.Services.AddSingleton(new ArtifactStore(Path.Combine(root, "store"))).AddSingleton(new ComposeOptions(TimeSpan.FromMinutes(1), 1));
            builder.AddAudio();
            using var host = builder.Build();
            fake.Reset();

            foreach (var failure in new[] { VendorFailure.RateLimited, VendorFailure.ServerError })
            {
                fake.Next = failure;
                // The fake fails only once: a retry inside the HTTP pipeline would succeed and hide the failure.
                await Assert.ThrowsAsync<SpeechException>(() => host.Services.GetRequiredService<ISpeechSynthesizer>()
                    .SynthesizeAsync(new SpeechRequest("Fail fast.", "openai:alloy"), root, TestContext.Current.CancellationToken));
            }
            Assert.Equal(2, fake.Requests.Count);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public Task A_voice_the_vendor_does_not_know_is_an_invalid_voice() =>
        CloudSpeech.AssertFailsAsync(Services(), new SpeechRequest("Who speaks?", "openai:robot"), "tts.invalid_voice", false);

    [Fact]
    public Task A_wrong_key_is_unauthorized() =>
        CloudSpeech.AssertFailsAsync(Services("sk-wrong"), new SpeechRequest("Let me in.", "openai:alloy"), "tts.unauthorized", false);
}
