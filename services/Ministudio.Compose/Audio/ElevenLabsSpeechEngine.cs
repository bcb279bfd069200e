using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Ministudio.Platform.Tenancy;

namespace Ministudio.Compose.Audio;

/// <summary>
/// ElevenLabs: POST v1/text-to-speech/{voice_id}/with-timestamps (xi-api-key header) returns base64 MP3 and a
/// character alignment; runs of non-space characters become words with their first character's start and last
/// character's end. ElevenLabs takes speeds from 0.7 to 1.2 only.
/// </summary>
public sealed partial class ElevenLabsSpeechEngine(IHttpClientFactory clients, IOptions<AudioOptions> options) : ISpeechEngine
{
    public const string ClientName = "tts-elevenlabs";
    public const double MinRate = 0.7;
    public const double MaxRate = 1.2;
    private const string OutputFormat = "mp3_44100_128";

    public string Name => "elevenlabs";

    public string CacheIdentity => options.Value.ElevenLabs.ModelId;

    public bool NeedsKey => true;

    public bool HasPlatformKey => !string.IsNullOrEmpty(options.Value.ElevenLabs.ApiKey);

    public string PricedModel(string voice) => options.Value.ElevenLabs.ModelId;

    public void Validate(string voice, double rate)
    {
        if (!VoiceId().IsMatch(voice)) throw new SpeechException("tts.invalid_voice", $"'{voice}' is not an ElevenLabs voice id.");
        if (rate is < MinRate or > MaxRate)
            throw new SpeechException("tts.invalid_rate", $"ElevenLabs speaks at rates from {MinRate} to {MaxRate}, not {rate}.");
    }

    public async Task<EngineSpeech> SynthesizeAsync(string voice, string text, double rate, TenantSecret? tenantKey, string folder, CancellationToken ct)
    {
        var settings = options.Value.ElevenLabs;
        object body = rate == 1.0
            ? new { text, model_id = settings.ModelId }
            : new { text, model_id = settings.ModelId, voice_settings = new { speed = rate } };
        // The voice id is validated to letters and digits, so it is safe as a path segment.
        using var request = new HttpRequestMessage(HttpMethod.Post, $"v1/text-to-speech/{voice}/with-timestamps?output_format={OutputFormat}")
        {
            Content = JsonContent.Create(body),
        };
        request.Headers.Add("xi-api-key", tenantKey?.Value ?? settings.ApiKey);

        using var response = await SpeechHttp.SendAsync(clients.CreateClient(ClientName), request, "ElevenLabs", Describe, ct);
        using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
        var root = document.RootElement;
        var audio = SpeechHttp.StringProperty(root, "audio_base64")
            ?? throw new SpeechException("tts.failed", "ElevenLabs answered without audio_base64.");
        var output = Path.Combine(folder, $"elevenlabs-{Guid.NewGuid():N}.mp3");
        await File.WriteAllBytesAsync(output, Convert.FromBase64String(audio), ct);
        return new EngineSpeech(output, root.TryGetProperty("alignment", out var alignment) ? WordsFromAlignment(alignment) : null);
    }

    /// <summary>Groups the per-character alignment into words at whitespace.</summary>
    public static IReadOnlyList<WordTiming> WordsFromAlignment(JsonElement alignment)
    {
        if (alignment.ValueKind != JsonValueKind.Object) return [];
        var characters = alignment.GetProperty("characters").EnumerateArray().Select(c => c.GetString() ?? "").ToList();
        var starts = alignment.GetProperty("character_start_times_seconds").EnumerateArray().Select(t => t.GetDouble()).ToList();
        var ends = alignment.GetProperty("character_end_times_seconds").EnumerateArray().Select(t => t.GetDouble()).ToList();
        var count = Math.Min(characters.Count, Math.Min(starts.Count, ends.Count));

        var words = new List<WordTiming>();
        var first = -1;
        for (var i = 0; i <= count; i++)
        {
            var boundary = i == count || string.IsNullOrWhiteSpace(characters[i]);
            if (!boundary)
            {
                if (first < 0) first = i;
                continue;
            }
            if (first < 0) continue;
            var token = string.Concat(characters.Skip(first).Take(i - first));
            if (WordTimingEstimator.Words(token) is [var word]) words.Add(new WordTiming(word.Word, starts[first], Math.Max(starts[first], ends[i - 1])));
            first = -1;
        }
        return words;
    }

    /// <summary>{"detail": {"status", "message"}} or a validation list; a missing voice and a used-up quota have their own codes.</summary>
    private static VendorError Describe(string body)
    {
        using var document = JsonDocument.Parse(body);
        var detail = document.RootElement.GetProperty("detail");
        if (detail.ValueKind == JsonValueKind.Array)
            return new VendorError(string.Join("; ", detail.EnumerateArray().Select(d => SpeechHttp.StringProperty(d, "msg") ?? d.ToString())));
        var message = SpeechHttp.StringProperty(detail, "message") ?? detail.ToString();
        return SpeechHttp.StringProperty(detail, "status") switch
        {
            "voice_not_found" => new VendorError(message, "tts.invalid_voice"),
            "quota_exceeded" => new VendorError(message, "tts.quota_exhausted"),
            "invalid_api_key" => new VendorError(message, "tts.unauthorized"),
            "too_many_concurrent_requests" or "system_busy" => new VendorError(message, "tts.rate_limited"),
            _ => new VendorError(message),
        };
    }

    [GeneratedRegex("^[a-zA-Z0-9]{1,64}$")]
    private static partial Regex VoiceId();
}
