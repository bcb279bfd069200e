namespace Ministudio.Compose.Audio;

/// <summary>Narration and mix settings, bound from Compose:Audio. Keys are secrets: set them in configuration, never here.</summary>
public sealed class AudioOptions
{
    public const string Section = "Compose:Audio";

    /// <summary>The voice used when a request names none ("engine:voice").</summary>
    public string DefaultVoice { get; set; } = "espeak:en-us";

    /// <summary>Longer text is refused (tts.text_too_long) rather than sent: vendors cap input at 4–5 thousand characters.</summary>
    public int MaxTextLength { get; set; } = 4000;

    /// <summary>How long one vendor request may take; long narrations take tens of seconds to synthesize.</summary>
    public int RequestTimeoutSeconds { get; set; } = 120;

    public EspeakOptions Espeak { get; set; } = new();
    public OpenAiSpeechOptions OpenAI { get; set; } = new();
    public GoogleSpeechOptions Google { get; set; } = new();
    public ElevenLabsOptions ElevenLabs { get; set; } = new();
}

public sealed class EspeakOptions
{
    /// <summary>The espeak-ng executable (PATH lookup by default).</summary>
    public string Executable { get; set; } = "espeak-ng";

    /// <summary>Words per minute at rate 1.0 (espeak-ng's own default).</summary>
    public int WordsPerMinute { get; set; } = 175;
}

public sealed class OpenAiSpeechOptions
{
    public Uri BaseUrl { get; set; } = new("https://api.openai.com/");
    public string? ApiKey { get; set; }
    public string Model { get; set; } = "gpt-4o-mini-tts";
}

public sealed class GoogleSpeechOptions
{
    public Uri BaseUrl { get; set; } = new("https://texttospeech.googleapis.com/");

    /// <summary>An API key (sent as the X-Goog-Api-Key header) …</summary>
    public string? ApiKey { get; set; }

    /// <summary>… or an OAuth access token (sent as a bearer token). One of the two is needed.</summary>
    public string? AccessToken { get; set; }
}

public sealed class ElevenLabsOptions
{
    public Uri BaseUrl { get; set; } = new("https://api.elevenlabs.io/");
    public string? ApiKey { get; set; }
    public string ModelId { get; set; } = "eleven_multilingual_v2";
}
