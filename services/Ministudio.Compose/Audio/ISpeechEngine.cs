using Ministudio.Platform.Tenancy;

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

    /// <summary>Whether the engine calls a vendor paid with a key (the tenant's own or the platform's); espeak-ng needs none.</summary>
    bool NeedsKey { get; }

    /// <summary>Whether the platform's own key for the vendor is configured: a tenant without a key of its own speaks with it.</summary>
    bool HasPlatformKey { get; }

    /// <summary>What the vendor prices a voice by (the catalogue's speech models): the configured model, or Google's voice family.</summary>
    string PricedModel(string voice);

    /// <summary>Refuses a voice or rate this engine cannot take (tts.invalid_voice, tts.invalid_rate), before any work.</summary>
    void Validate(string voice, double rate);

    /// <summary>
    /// Synthesizes already validated text into a new file inside <paramref name="folder"/>, paying the vendor with
    /// <paramref name="tenantKey"/> (the tenant's own key) when given, else with the platform's.
    /// </summary>
    Task<EngineSpeech> SynthesizeAsync(string voice, string text, double rate, TenantSecret? tenantKey, string folder, CancellationToken ct);
}
