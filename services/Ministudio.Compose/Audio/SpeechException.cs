namespace Ministudio.Compose.Audio;

/// <summary>
/// Speech that could not be made, with a stable code: tts.invalid_text, tts.text_too_long, tts.invalid_voice,
/// tts.invalid_rate, tts.not_configured, tts.unauthorized, tts.rejected, tts.quota_exhausted, tts.rate_limited
/// (retryable, after RetryAfter when the vendor said), tts.unavailable (retryable), tts.failed.
/// </summary>
public sealed class SpeechException(string code, string message, bool retryable = false, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception(message, inner)
{
    public string Code { get; } = code;

    /// <summary>Whether the same request may succeed later.</summary>
    public bool Retryable { get; } = retryable;

    /// <summary>How long the vendor asked us to wait before trying again, when it said.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>A mix that cannot be made: audio.invalid_mix, audio.input_missing, audio.input_outside_folder, audio.ffmpeg_failed.</summary>
public sealed class AudioMixException(string code, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Code { get; } = code;
}
