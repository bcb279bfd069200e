using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Ministudio.Compose.MediaTools;
using Ministudio.Platform.Tenancy;

namespace Ministudio.Compose.Audio;

/// <summary>
/// Google Cloud Text-to-Speech: POST v1beta1/text:synthesize (the version with time pointing) asking for LINEAR16,
/// whose base64 audioContent is a WAV with its header. Each word is preceded by an SSML &lt;mark&gt;, so the response's
/// timepoints are the words' start times. Chirp 3 HD and Journey voices take no SSML: they get plain text and
/// estimated timings.
/// </summary>
public sealed partial class GoogleSpeechEngine(IHttpClientFactory clients, IOptions<AudioOptions> options) : ISpeechEngine
{
    public const string ClientName = "tts-google";

    /// <summary>Google's cap on input.text or input.ssml.</summary>
    public const int InputLimitBytes = 5000;

    public string Name => "google";

    public string CacheIdentity => "v1beta1";

    public bool NeedsKey => true;

    public bool HasPlatformKey => !string.IsNullOrEmpty(options.Value.Google.ApiKey) || !string.IsNullOrEmpty(options.Value.Google.AccessToken);

    /// <summary>The voice family Google prices by: en-US-Neural2-F → Neural2, en-GB-Chirp3-HD-Charon → Chirp3-HD.</summary>
    public string PricedModel(string voice)
    {
        var parts = voice.Split('-');
        if (parts.Length < 3) return voice;
        var family = parts[2];
        return parts.Length > 4 && parts[3] == "HD" ? $"{family}-HD" : family;
    }

    public void Validate(string voice, double rate)
    {
        if (!VoiceName().IsMatch(voice))
            throw new SpeechException("tts.invalid_voice", $"'{voice}' is not a Google voice name (like en-US-Neural2-F).");
    }

    public async Task<EngineSpeech> SynthesizeAsync(string voice, string text, double rate, TenantSecret? tenantKey, string folder, CancellationToken ct)
    {
        var settings = options.Value.Google;

        var languageCode = string.Join('-', voice.Split('-').Take(2));
        var tokens = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var ssml = MarkedSsml(tokens);
        // Marks cost bytes: SSML past Google's input limit goes as plain text, with estimated timings.
        var marked = TakesSsml(voice) && Encoding.UTF8.GetByteCount(ssml) <= InputLimitBytes;
        object input = marked ? new { ssml } : new { text };
        object body = marked
            ? new { input, voice = new { languageCode, name = voice }, audioConfig = AudioConfig(rate), enableTimePointing = new[] { "SSML_MARK" } }
            : new { input, voice = new { languageCode, name = voice }, audioConfig = AudioConfig(rate) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1beta1/text:synthesize") { Content = JsonContent.Create(body) };
        // A tenant's own key is an API key; the platform's may be an API key or an OAuth access token.
        if (tenantKey is not null)
            request.Headers.Add("X-Goog-Api-Key", tenantKey.Value);
        else if (!string.IsNullOrEmpty(settings.AccessToken))
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.AccessToken);
        else
            request.Headers.Add("X-Goog-Api-Key", settings.ApiKey);

        using var response = await SpeechHttp.SendAsync(clients.CreateClient(ClientName), request, "Google Text-to-Speech", Describe, ct);
        using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
        var root = document.RootElement;
        var audio = SpeechHttp.StringProperty(root, "audioContent")
            ?? throw new SpeechException("tts.failed", "Google Text-to-Speech answered without audioContent.");
        var output = Path.Combine(folder, $"google-{Guid.NewGuid():N}.wav");
        await File.WriteAllBytesAsync(output, Convert.FromBase64String(audio), ct);
        if (!marked) return new EngineSpeech(output, null);

        var duration = await Ffmpeg.AudioDurationAsync(output, ct);
        return new EngineSpeech(output, WordsFromTimepoints(tokens, root, duration));
    }

    private static object AudioConfig(double rate) => new { audioEncoding = "LINEAR16", speakingRate = rate };

    /// <summary>Chirp 3 HD and Journey voices reject SSML.</summary>
    private static bool TakesSsml(string voice) =>
        !voice.Contains("Chirp", StringComparison.OrdinalIgnoreCase) && !voice.Contains("Journey", StringComparison.OrdinalIgnoreCase);

    /// <summary>&lt;speak&gt; with a mark named by its index before every token that holds a spoken word; text XML-escaped.</summary>
    public static string MarkedSsml(IReadOnlyList<string> tokens)
    {
        var ssml = new StringBuilder("<speak>");
        for (var i = 0; i < tokens.Count; i++)
        {
            if (i > 0) ssml.Append(' ');
            if (IsSpoken(tokens[i])) ssml.Append("<mark name=\"").Append(i.ToString(CultureInfo.InvariantCulture)).Append("\"/>");
            ssml.Append(SecurityElement.Escape(tokens[i]));
        }
        return ssml.Append("</speak>").ToString();
    }

    /// <summary>Each marked token starts at its mark's time and ends where the next one starts (the last at the clip's end).</summary>
    private static List<WordTiming> WordsFromTimepoints(IReadOnlyList<string> tokens, JsonElement root, double duration)
    {
        var starts = new List<(int Token, double Start)>();
        if (root.TryGetProperty("timepoints", out var timepoints) && timepoints.ValueKind == JsonValueKind.Array)
        {
            foreach (var point in timepoints.EnumerateArray())
            {
                if (int.TryParse(SpeechHttp.StringProperty(point, "markName"), NumberStyles.None, CultureInfo.InvariantCulture, out var token)
                    && token < tokens.Count && point.TryGetProperty("timeSeconds", out var time) && time.TryGetDouble(out var seconds))
                    starts.Add((token, seconds));
            }
        }
        starts.Sort((a, b) => a.Token.CompareTo(b.Token));
        var words = new List<WordTiming>(starts.Count);
        for (var i = 0; i < starts.Count; i++)
        {
            var end = i + 1 < starts.Count ? starts[i + 1].Start : duration;
            words.Add(new WordTiming(SpokenWord(tokens[starts[i].Token]), starts[i].Start, Math.Max(starts[i].Start, end)));
        }
        return words;
    }

    private static bool IsSpoken(string token) => token.Any(char.IsLetterOrDigit);

    private static string SpokenWord(string token) => WordTimingEstimator.Words(token) is [var only] ? only.Word : token;

    /// <summary>{"error": {"code", "message", "status"}}; INVALID_ARGUMENT about the voice is an invalid voice.</summary>
    private static VendorError Describe(string body)
    {
        using var document = JsonDocument.Parse(body);
        var error = document.RootElement.GetProperty("error");
        var message = SpeechHttp.StringProperty(error, "message") ?? "no message";
        var status = SpeechHttp.StringProperty(error, "status");
        // A bad API key is an INVALID_ARGUMENT with reason API_KEY_INVALID, not a 401.
        if (error.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Array
            && details.EnumerateArray().Any(d => SpeechHttp.StringProperty(d, "reason") == "API_KEY_INVALID"))
            return new VendorError(message, "tts.unauthorized");
        if (status == "INVALID_ARGUMENT" && message.Contains("voice", StringComparison.OrdinalIgnoreCase)) return new VendorError(message, "tts.invalid_voice");
        return status switch
        {
            "RESOURCE_EXHAUSTED" => new VendorError(message, "tts.rate_limited"),
            "UNAVAILABLE" => new VendorError(message, "tts.unavailable"),
            "UNAUTHENTICATED" or "PERMISSION_DENIED" => new VendorError(message, "tts.unauthorized"),
            _ => new VendorError(message),
        };
    }

    // Language-REGION-Family-Variant (en-US-Neural2-F, en-GB-Chirp3-HD-Charon); letters, digits and dashes only.
    [GeneratedRegex("^[a-zA-Z]{2,3}-[a-zA-Z0-9]{2,4}(-[a-zA-Z0-9]{1,20}){0,4}$")]
    private static partial Regex VoiceName();
}
