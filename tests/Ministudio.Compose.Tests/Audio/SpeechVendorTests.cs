using Ministudio.Compose.Audio;

namespace Ministudio.Compose.Tests.Audio;

/// <summary>
/// What every cloud speech adapter does against its fake (on <see cref="FakeSpeechVendor"/>): a rate limit is
/// retryable after the vendor's wait, a server error is retryable, a refusal is not, an unknown voice is
/// <c>tts.invalid_voice</c>. A vendor's test class derives from this and adds what is its own.
/// </summary>
public abstract class SpeechVendorTests<TFake>(TFake fake) : IDisposable where TFake : FakeSpeechVendor
{
    private SpeechServices? _services;

    protected TFake Fake => fake;

    /// <summary>A voice the fake knows, as a request names it ("openai:alloy").</summary>
    protected abstract string Voice { get; }

    /// <summary>A well-formed voice the fake does not know.</summary>
    protected abstract string UnknownVoice { get; }

    /// <summary>The synthesizer configured by <paramref name="settings"/>, made once per test.</summary>
    protected SpeechServices Services(IReadOnlyDictionary<string, string?> settings) => _services ??= new SpeechServices(settings);

    /// <summary>The synthesizer pointed at the fake with the credentials it accepts.</summary>
    protected abstract SpeechServices Services();

    public void Dispose()
    {
        _services?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public Task Rate_limiting_is_retryable_after_the_vendors_wait()
    {
        fake.Next = VendorFailure.RateLimited;
        return CloudSpeech.AssertFailsAsync(Services(), new SpeechRequest("Too fast.", Voice), "tts.rate_limited", true, TimeSpan.FromSeconds(FakeSpeechVendor.RetryAfterSeconds));
    }

    [Theory]
    [InlineData(VendorFailure.ServerError, "tts.unavailable", true)]
    [InlineData(VendorFailure.Rejected, "tts.rejected", false)]
    public Task Vendor_errors_map_to_stable_codes(VendorFailure failure, string code, bool retryable)
    {
        fake.Next = failure;
        return CloudSpeech.AssertFailsAsync(Services(), new SpeechRequest("Fails.", Voice), code, retryable);
    }

    [Fact]
    public Task A_voice_the_vendor_does_not_know_is_an_invalid_voice() =>
        CloudSpeech.AssertFailsAsync(Services(), new SpeechRequest("Who speaks?", UnknownVoice), "tts.invalid_voice", false);

    /// <summary>For vendors with a quota of their own: running out is not retryable.</summary>
    protected Task AssertQuotaExhaustedAsync()
    {
        fake.Next = VendorFailure.QuotaExhausted;
        return CloudSpeech.AssertFailsAsync(Services(), new SpeechRequest("Fails.", Voice), "tts.quota_exhausted", false);
    }
}
