namespace Ministudio.Compose.Audio;

/// <summary>
/// A line to speak. Voice is "engine:voice" (espeak:en-us, openai:alloy, google:en-US-Neural2-F,
/// elevenlabs:&lt;voice id&gt;); null means the configured default voice. <paramref name="Payer"/> is who the line is
/// spoken for (null: the platform's keys, no tenant billed — tools and tests).
/// </summary>
public sealed record SpeechRequest(string Text, string? Voice, double Rate = 1.0, SpeechPayer? Payer = null);

/// <summary>
/// Who pays for speech: the tenant whose own vendor keys speak (where it holds one) and whose cost ledger records the
/// spend, and the job it is for (null while a film is only being submitted).
/// </summary>
public sealed record SpeechPayer(Guid TenantId, Guid? JobId)
{
    /// <summary>The payer of a message's speech; null for a message without a tenant.</summary>
    public static SpeechPayer? Of(Guid tenantId, Guid? jobId) => tenantId == Guid.Empty ? null : new SpeechPayer(tenantId, jobId);
}

/// <summary>When one word is spoken, in seconds from the start of its speech clip.</summary>
public sealed record WordTiming(string Word, double StartSeconds, double EndSeconds);

/// <summary>Synthesized speech: a WAV file inside the job folder, its length, and word timings when the engine gives them.</summary>
public sealed record SpeechClip(string Path, double DurationSeconds, IReadOnlyList<WordTiming> Words);

/// <summary>Turns text into speech with the engine its voice names.</summary>
public interface ISpeechSynthesizer
{
    Task<SpeechClip> SynthesizeAsync(SpeechRequest request, string folder, CancellationToken ct);
}

/// <summary>An audio file placed on the timeline at a start time, with its own gain.</summary>
public sealed record PlacedAudio(string Path, double StartSeconds, double Volume = 1.0);

/// <summary>A music bed under the whole film; ducked under speech when Duck is set.</summary>
public sealed record MusicBed(string Path, double Volume = 0.8, double FadeInSeconds = 1.0, double FadeOutSeconds = 2.0, bool Duck = true);

/// <summary>Everything heard in a film: speech (ducks the music), other sounds, a music bed, and the loudness target.</summary>
public sealed record AudioMix(
    double DurationSeconds,
    IReadOnlyList<PlacedAudio> Speech,
    IReadOnlyList<PlacedAudio> Sounds,
    MusicBed? Music,
    double TargetLufs = -14);

/// <summary>The mixed, loudness-normalized track and the integrated loudness measured on it.</summary>
public sealed record MixedAudio(string Path, double IntegratedLufs);

/// <summary>Mixes a film's audio: music ducked under speech, fades, two-pass EBU R128 normalization.</summary>
public interface IAudioMixer
{
    /// <summary>Writes one stereo 48 kHz track exactly DurationSeconds long into folder; reports progress 0..1.</summary>
    Task<MixedAudio> MixAsync(AudioMix mix, string folder, IProgress<double>? progress, CancellationToken ct);
}
