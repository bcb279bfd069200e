namespace Ministudio.Compose.Audio;

/// <summary>What an engine produced: an audio file in any format ffmpeg reads, and word timings when it knows them.</summary>
public sealed record EngineSpeech(string AudioPath, IReadOnlyList<WordTiming>? Words);

/// <summary>One text-to-speech engine, chosen by the prefix of a voice ("espeak:en-us" → "espeak").</summary>
public interface ISpeechEngine
{
    /// <summary>The voice prefix this engine answers to.</summary>
    string Name { get; }

    /// <summary>Settings besides voice, text and rate that change the sound (a model id), so the cache keeps them apart.</summary>
    string CacheIdentity { get; }

    /// <summary>Refuses a voice or rate this engine cannot take (tts.invalid_voice, tts.invalid_rate), before any work.</summary>
    void Validate(string voice, double rate);

    /// <summary>Synthesizes already validated text into a new file inside <paramref name="folder"/>.</summary>
    Task<EngineSpeech> SynthesizeAsync(string voice, string text, double rate, string folder, CancellationToken ct);
}
