using MassTransit;
using Ministudio.Contracts;

namespace Ministudio.TestSupport;

/// <summary>
/// Compose's side of MeasureSpeech for tests that host prompt without compose (compose's tests and the end-to-end tests speak for real):
/// each word lasts <see cref="SecondsPerWord"/>, the voice <see cref="MuteVoice"/> cannot speak, and an OpenAI voice is
/// refused as compose refuses a vendor nobody holds a key for. The tenants it was asked for are in <see cref="Tenants"/>.
/// </summary>
public sealed class SpeechLengths : IConsumer<MeasureSpeech>
{
    public const double SecondsPerWord = 0.2;
    public const string MuteVoice = "espeak:xx-mute";
    public const string UnpaidVoice = "openai:alloy";

    public static System.Collections.Concurrent.ConcurrentBag<Guid> Tenants { get; } = [];

    public static double Of(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length * SecondsPerWord;

    public Task Consume(ConsumeContext<MeasureSpeech> context)
    {
        Tenants.Add(context.Message.TenantId);
        var lines = context.Message.Lines;
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].Voice == MuteVoice)
                return context.RespondAsync(new SpeechRefused(i, "tts.invalid_voice", $"espeak-ng has no voice {MuteVoice}.", Retryable: false));
            if (lines[i].Voice == UnpaidVoice)
                return context.RespondAsync(new SpeechRefused(i, "tts.not_configured", "No key pays for openai voices.", Retryable: false));
        }
        return context.RespondAsync(new SpeechMeasured(lines.Select(l => Of(l.Text)).ToList()));
    }
}
