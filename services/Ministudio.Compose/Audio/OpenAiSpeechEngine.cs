using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Ministudio.Platform.Tenancy;

namespace Ministudio.Compose.Audio;

/// <summary>
/// OpenAI text-to-speech: POST v1/audio/speech with model, voice, input, speed and response_format wav; the body is the
/// audio itself. OpenAI gives no word timings: the router estimates them.
/// </summary>
public sealed partial class OpenAiSpeechEngine(IHttpClientFactory clients, IOptions<AudioOptions> options) : ISpeechEngine
{
    public const string ClientName = "tts-openai";

    public string Name => "openai";

    public string CacheIdentity => options.Value.OpenAI.Model;

    public bool NeedsKey => true;

    public bool HasPlatformKey => !string.IsNullOrEmpty(options.Value.OpenAI.ApiKey);

    public string PricedModel(string voice) => options.Value.OpenAI.Model;

    public void Validate(string voice, double rate)
    {
        if (!VoiceName().IsMatch(voice)) throw new SpeechException("tts.invalid_voice", $"'{voice}' is not an OpenAI voice name (like alloy).");
    }

    public async Task<EngineSpeech> SynthesizeAsync(string voice, string text, double rate, TenantSecret? tenantKey, string folder, CancellationToken ct)
    {
        var settings = options.Value.OpenAI;
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/audio/speech")
        {
            Content = JsonContent.Create(new { model = settings.Model, input = text, voice, response_format = "wav", speed = rate }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tenantKey?.Value ?? settings.ApiKey);

        using var response = await SpeechHttp.SendAsync(clients.CreateClient(ClientName), request, "OpenAI", Describe, ct);
        var output = Path.Combine(folder, $"openai-{Guid.NewGuid():N}.wav");
        await using (var file = File.Create(output))
        {
            await response.Content.CopyToAsync(file, ct);
        }
        return new EngineSpeech(output, null);
    }

    /// <summary>{"error": {"message", "type", "param", "code"}}; an unknown voice and an exhausted quota have their own codes.</summary>
    private static VendorError Describe(string body)
    {
        using var document = JsonDocument.Parse(body);
        var error = document.RootElement.GetProperty("error");
        var message = SpeechHttp.StringProperty(error, "message") ?? "no message";
        var kind = SpeechHttp.StringProperty(error, "code") ?? SpeechHttp.StringProperty(error, "type");
        if (kind == "insufficient_quota") return new VendorError(message, "tts.quota_exhausted");
        return SpeechHttp.StringProperty(error, "param") == "voice" ? new VendorError(message, "tts.invalid_voice") : new VendorError(message);
    }

    [GeneratedRegex("^[a-z0-9_-]{1,40}$")]
    private static partial Regex VoiceName();
}
