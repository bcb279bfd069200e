using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Ministudio.Platform;
using Ministudio.Platform.Tenancy;

namespace Ministudio.Compose.Audio;

/// <summary>
/// espeak-ng, local and offline: the default engine. Text goes in on stdin (never as an argument, so a leading '-'
/// cannot become an option, and without -m no markup is read). espeak-ng reports no word timings: the router
/// estimates them.
/// </summary>
public sealed partial class EspeakSpeechEngine(IOptions<AudioOptions> options) : ISpeechEngine
{
    public string Name => "espeak";

    public string CacheIdentity => "espeak-ng";

    public bool NeedsKey => false;

    public bool HasPlatformKey => true;

    public string PricedModel(string voice) => "espeak-ng";

    public void Validate(string voice, double rate)
    {
        if (!VoiceName().IsMatch(voice)) throw new SpeechException("tts.invalid_voice", $"'{voice}' is not an espeak-ng voice name (like en-us or en+f3).");
    }

    public async Task<EngineSpeech> SynthesizeAsync(string voice, string text, double rate, TenantSecret? tenantKey, string folder, CancellationToken ct)
    {
        var espeak = options.Value.Espeak;
        var output = Path.Combine(folder, $"espeak-{Guid.NewGuid():N}.wav");
        var wordsPerMinute = (int)Math.Round(espeak.WordsPerMinute * rate);
        ProcessResult result;
        try
        {
            result = await ToolProcess.RunAsync(espeak.Executable,
                ["-b", "1", "-v", voice, "-s", wordsPerMinute.ToString(CultureInfo.InvariantCulture), "-w", output, "--stdin"], ct, standardInput: text);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new SpeechException("tts.unavailable", $"espeak-ng could not be started ({espeak.Executable}): {ex.Message}", inner: ex);
        }
        if (result.ExitCode != 0)
        {
            var voiceMissing = result.StandardError.Contains("voice", StringComparison.OrdinalIgnoreCase);
            throw new SpeechException(voiceMissing ? "tts.invalid_voice" : "tts.failed",
                $"espeak-ng failed ({result.ExitCode}): {ToolProcess.Tail(result.StandardError)}");
        }
        return new EngineSpeech(output, null);
    }

    // Language, optional region/variant parts and an optional +variant (en-us, en-gb-x-rp, en+f3); never a path or an option.
    [GeneratedRegex(@"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*(\+[a-zA-Z0-9_]{1,16})?$")]
    private static partial Regex VoiceName();
}
