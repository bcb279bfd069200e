using MassTransit;
using Ministudio.Contracts;

namespace Ministudio.TestSupport;

/// <summary>
/// Compose's side of MeasureSpeech for tests that host prompt without compose (compose's tests and the end-to-end tests speak for real):
/// each word lasts <see cref="SecondsPerWord"/>, and the voice <see cref="MuteVoice"/> cannot speak.
/// </summary>
public sealed class SpeechLengths : IConsumer<MeasureSpeech>
{
    public const double SecondsPerWord = 0.2;
    public const string MuteVoice = "espeak:xx-mute";

    public static double Of(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length * SecondsPerWord;

    public Task Consume(ConsumeContext<MeasureSpeech> context)
    {
        var lines = context.Message.Lines;
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].Voice == MuteVoice)
                return context.RespondAsync(new SpeechRefused(i, "tts.invalid_voice", $"espeak-ng has no voice {MuteVoice}.", Retryable: false));
        }
        return context.RespondAsync(new SpeechMeasured(lines.Select(l => Of(l.Text)).ToList()));
    }
}
