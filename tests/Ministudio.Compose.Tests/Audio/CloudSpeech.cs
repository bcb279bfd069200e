using Ministudio.Compose.Audio;

namespace Ministudio.Compose.Tests.Audio;

/// <summary>Assertions shared by the cloud adapters' tests.</summary>
internal static class CloudSpeech
{
    /// <summary>The vendor's audio came back as a readable WAV of its length, in the job folder.</summary>
    public static async Task AssertVendorAudioAsync(SpeechClip clip, string folder)
    {
        Assert.Equal(folder, Path.GetDirectoryName(clip.Path));
        Assert.Equal("pcm_s16le", (await AudioProbe.StreamAsync(clip.Path)).Codec);
        Assert.Equal(FakeSpeechVendor.AudioSeconds, clip.DurationSeconds, 0.1);
        Assert.True(await AudioProbe.MaxVolumeAsync(clip.Path) > -20, "the vendor's tone should be audible");
        EspeakSpeechTests.AssertTimingsInside(clip);
    }

    /// <summary>The failure the fake answered maps to the expected code, retryability and wait.</summary>
    public static async Task AssertFailsAsync(SpeechServices services, SpeechRequest request, string code, bool retryable, TimeSpan? retryAfter = null)
    {
        var error = await Assert.ThrowsAsync<SpeechException>(() => services.Synthesizer.SynthesizeAsync(request, services.Folder, TestContext.Current.CancellationToken));
        Assert.Equal((code, retryable, retryAfter), (error.Code, error.Retryable, error.RetryAfter));
        Assert.Empty(Directory.EnumerateFiles(services.Folder));
    }
}
