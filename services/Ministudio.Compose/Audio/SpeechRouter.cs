using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Ministudio.Compose.MediaTools;
using Ministudio.Contracts;
using Ministudio.Contracts.Vendors;
using Ministudio.Platform;
using Ministudio.Platform.Tenancy;
using Ministudio.ServiceDefaults;

namespace Ministudio.Compose.Audio;

/// <summary>
/// The narration entry point: validates the request, picks the engine from the voice prefix, and caches results in
/// the artifact store so the same (engine, model, voice, rate, text) is synthesized — and paid for — once. Every clip
/// is re-encoded to 16-bit PCM WAV, measured with ffprobe, and copied into the caller's folder. A cloud vendor is paid
/// with the payer's own key when the tenant holds one (BYOK, read from prompt like dispatch does), else with the
/// platform's; with neither the line is refused (tts.not_configured). Each synthesis a tenant pays for (never a cache
/// hit) is announced to dispatch's cost ledger at the catalogue's list price, before the clip is cached.
/// </summary>
public sealed class SpeechRouter(
    IEnumerable<ISpeechEngine> engines,
    ArtifactStore artifacts,
    TenantVendorSecrets tenantSecrets,
    ISpeechSpend spend,
    IOptions<AudioOptions> options,
    ILogger<SpeechRouter> logger)
    : ISpeechSynthesizer
{
    public const double MinRate = 0.25;
    public const double MaxRate = 4.0;

    private readonly Dictionary<string, ISpeechEngine> _engines = engines.ToDictionary(e => e.Name, StringComparer.Ordinal);

    public async Task<SpeechClip> SynthesizeAsync(SpeechRequest request, string folder, CancellationToken ct)
    {
        var text = CleanText(request.Text);
        if (!(request.Rate is >= MinRate and <= MaxRate))
            throw new SpeechException("tts.invalid_rate", $"Rate must be between {MinRate} and {MaxRate}, not {request.Rate}.");
        var (engine, voice) = Route(request.Voice ?? options.Value.DefaultVoice);
        engine.Validate(voice, request.Rate);
        var price = PriceOf(engine, voice);
        // Checked before the cache, so whether a voice may be used never depends on what someone else spoke before.
        var tenantKey = await KeyOfAsync(engine, request.Payer, ct);

        Directory.CreateDirectory(folder);
        var recipe = Recipe(engine, voice, request.Rate, text);
        var target = Path.Combine(folder, $"speech-{recipe[..16]}.wav");
        if (await RecallAsync(recipe, target, ct) is { } cached)
        {
            logger.LogDebug("Speech {Recipe} reused from the cache", recipe);
            return cached;
        }

        var produced = await engine.SynthesizeAsync(voice, text, request.Rate, tenantKey, folder, ct);
        double duration;
        try
        {
            await Ffmpeg.ToWavAsync(produced.AudioPath, target, ct);
            duration = await Ffmpeg.AudioDurationAsync(target, ct);
        }
        catch (InvalidDataException ex)
        {
            File.Delete(target);
            throw new SpeechException("tts.failed", $"The {engine.Name} engine returned audio ffmpeg cannot read: {ex.Message}", inner: ex);
        }
        finally
        {
            File.Delete(produced.AudioPath);
        }
        if (duration <= 0)
        {
            File.Delete(target);
            throw new SpeechException("tts.failed", $"The {engine.Name} engine returned an empty clip.");
        }
        var words = produced.Words is { Count: > 0 } given ? Clamp(given, duration) : WordTimingEstimator.Estimate(text, duration);
        var clip = new SpeechClip(target, duration, words);
        if (request.Payer is { } payer) await RecordSpendAsync(payer, engine, price, text.Length, duration, tenantKey is not null, ct);
        await RememberAsync(recipe, clip, ct);
        return clip;
    }

    /// <summary>The tenant's own key for the engine's vendor, or null for the platform's; refuses a line nobody can pay for.</summary>
    private async Task<TenantSecret?> KeyOfAsync(ISpeechEngine engine, SpeechPayer? payer, CancellationToken ct)
    {
        if (!engine.NeedsKey) return null;
        TenantSecret? own = null;
        if (payer is not null)
        {
            try
            {
                own = (await tenantSecrets.OfAsync(payer.TenantId, ct)).GetValueOrDefault(engine.Name);
            }
            catch (TenantSecretsUnavailableException ex)
            {
                throw new SpeechException(TenantVendorSecrets.ErrorCode, "The tenant's own speech-vendor keys could not be read just now; try again shortly.", retryable: true, inner: ex);
            }
        }
        if (own is null && !engine.HasPlatformKey)
            throw new SpeechException("tts.not_configured",
                $"No key pays for {engine.Name} voices: the tenant holds no {engine.Name} key of its own (an operator sets one with PUT /admin/v1/tenants/{{id}}/provider-secrets/{engine.Name}) and the platform has none configured.");
        return own;
    }

    /// <summary>The catalogue's price for the voice; an engine the catalogue does not price is never called (fail closed).</summary>
    private static (string Model, SpeechModel Price) PriceOf(ISpeechEngine engine, string voice)
    {
        var model = engine.PricedModel(voice);
        var (_, price) = VendorCatalogue.Shipped.Speech.GetValueOrDefault(engine.Name)?.PriceOf(model)
            ?? throw new SpeechException("tts.not_configured", $"The {engine.Name} engine has no price in the vendor catalogue; it is not used.");
        return (model, price);
    }

    /// <summary>
    /// Announces the spend before the clip is cached: a cached clip was always billed. When the bus refuses, the clip is
    /// not cached and the line fails retryably (made again on the retry, billed once then).
    /// </summary>
    private async Task RecordSpendAsync(SpeechPayer payer, ISpeechEngine engine, (string Model, SpeechModel Price) price,
        int characters, double seconds, bool byok, CancellationToken ct)
    {
        var spent = new SpeechSynthesized(Guid.CreateVersion7(), payer.TenantId, payer.JobId, engine.Name, price.Model, characters,
            Math.Round(seconds, 3), price.Price.CostOf(characters, seconds), byok);
        try
        {
            await spend.RecordAsync(spent, ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning(ex, "The cost of speech {SynthesisId} for tenant {TenantId} could not be announced", spent.SynthesisId, payer.TenantId);
            throw new SpeechException("tts.unavailable", "The speech was made but its cost could not be recorded; try again shortly.", retryable: true, inner: ex);
        }
        logger.LogDebug("Speech {SynthesisId}: {Vendor} {Model}, {Characters} characters, {Seconds} s, {CostUsd} USD (BYOK: {Byok})",
            spent.SynthesisId, spent.Vendor, spent.Model, characters, spent.Seconds, spent.CostUsd, byok);
    }

    /// <summary>"engine:voice" → the engine and its own voice name; an unknown engine is an invalid voice.</summary>
    private (ISpeechEngine Engine, string Voice) Route(string voice)
    {
        var separator = voice.IndexOf(':');
        if (separator <= 0 || separator == voice.Length - 1)
            throw new SpeechException("tts.invalid_voice", $"A voice is 'engine:voice' (like espeak:en-us), not '{voice}'.");
        var name = voice[..separator];
        return _engines.TryGetValue(name, out var engine)
            ? (engine, voice[(separator + 1)..])
            : throw new SpeechException("tts.invalid_voice", $"No speech engine '{name}'; known: {string.Join(", ", _engines.Keys.Order())}.");
    }

    /// <summary>Text as spoken: trimmed, control characters (other than line breaks and tabs) made spaces, length capped.</summary>
    private string CleanText(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new SpeechException("tts.invalid_text", "There is no text to speak.");
        var cleaned = new string(text.Select(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t') ? ' ' : c).ToArray()).Trim();
        if (cleaned.Length > options.Value.MaxTextLength)
            throw new SpeechException("tts.text_too_long", $"Text is {cleaned.Length} characters; the limit is {options.Value.MaxTextLength} (Compose:Audio:MaxTextLength).");
        return cleaned;
    }

    private static string Recipe(ISpeechEngine engine, string voice, double rate, string text)
    {
        // Text goes last: no other field may hold a line break, so the fields cannot run into each other.
        var key = $"ministudio-tts/1\n{engine.Name}\n{engine.CacheIdentity.ReplaceLineEndings(" ")}\n{voice}\n{rate.ToString("R", CultureInfo.InvariantCulture)}\n{text}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }

    /// <summary>The cached clip for a recipe, copied into the caller's folder, if the store still has it.</summary>
    private async Task<SpeechClip?> RecallAsync(string recipe, string target, CancellationToken ct)
    {
        if (await artifacts.RecallAsync(recipe, ct) is not { } manifestHash || await artifacts.FetchAsync(manifestHash, ct) is not { } manifestPath) return null;
        var manifest = JsonSerializer.Deserialize<CachedSpeech>(await File.ReadAllTextAsync(manifestPath, ct));
        if (manifest is null || await artifacts.FetchAsync(manifest.AudioHash, ct) is not { } audio) return null;
        File.Copy(audio, target, overwrite: true);
        return new SpeechClip(target, manifest.DurationSeconds, manifest.Words);
    }

    /// <summary>Stores the clip's audio and a manifest (audio hash, length, words), and remembers the recipe → manifest.</summary>
    private async Task RememberAsync(string recipe, SpeechClip clip, CancellationToken ct)
    {
        var audioCopy = Path.Combine(artifacts.CreateScratchFolder(), "speech.wav");
        File.Copy(clip.Path, audioCopy);
        var audioHash = await artifacts.AddFileAsync(audioCopy, ct);
        var manifestPath = Path.Combine(Path.GetDirectoryName(audioCopy)!, "speech.json");
        await File.WriteAllTextAsync(manifestPath, JsonSerializer.Serialize(new CachedSpeech(audioHash, clip.DurationSeconds, clip.Words)), ct);
        await artifacts.RememberAsync(recipe, await artifacts.AddFileAsync(manifestPath, ct), ct);
        Directory.Delete(Path.GetDirectoryName(audioCopy)!, recursive: true);
    }

    /// <summary>Vendor timings rounded past the measured end are pulled inside the clip.</summary>
    private static List<WordTiming> Clamp(IReadOnlyList<WordTiming> words, double duration) =>
        words.Select(w => w with { StartSeconds = Math.Clamp(w.StartSeconds, 0, duration), EndSeconds = Math.Clamp(w.EndSeconds, 0, duration) }).ToList();

    private sealed record CachedSpeech(string AudioHash, double DurationSeconds, IReadOnlyList<WordTiming> Words);
}
